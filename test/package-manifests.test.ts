/**
 * What every package under packages/ must be to install with plain npm outside this workspace
 * (issue 9): a checklist for new packages, which fail here until they conform. The end-to-end proof
 * is `.ci/consumer/check.sh` (pack, npm install into a scratch app, CommonJS, ESM, strict tsc).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');
const REPOSITORY_URL = 'git+https://github.com/rx8583/rx8583.git';
const NODE_TYPES_REFERENCE = '/// <reference types="node" preserve="true" />';

interface Manifest {
  name?: string;
  version?: string;
  private?: boolean;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  sideEffects?: unknown;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

const packageDirs = readdirSync(join(root, 'packages')).filter((dir) =>
  existsSync(join(root, 'packages', dir, 'package.json')),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Source text without comments: TSDoc examples import packages the code itself does not. */
const withoutComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/(?!\/ <reference).*$/gm, '');

/** The bare module names a file imports, requires or references (`rxjs/operators` → `rxjs`). */
function importedPackages(text: string): string[] {
  const source = withoutComments(text);
  const specifiers = [
    ...source.matchAll(/\bfrom\s+'([^']+)'/g),
    ...source.matchAll(/\bimport\s*\(\s*'([^']+)'\s*\)/g),
    ...source.matchAll(/\brequire\s*\(\s*'([^']+)'\s*\)/g),
    ...source.matchAll(/^import\s+'([^']+)'/gm),
  ].map((match) => match[1]!);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.'))
    .map((specifier) => {
      const parts = specifier.split('/');
      return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    });
}

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

/** compilerOptions after following `extends` (relative paths only, as this workspace uses). */
interface BuildConfig {
  extends?: string;
  compilerOptions?: Record<string, unknown>;
  references?: { path: string }[];
}

const readBuildConfig = (configPath: string) => JSON.parse(readFileSync(configPath, 'utf8')) as BuildConfig;

function buildOptions(configPath: string): Record<string, unknown> {
  const config = readBuildConfig(configPath);
  const inherited = config.extends ? buildOptions(join(configPath, '..', config.extends)) : {};
  return { ...inherited, ...config.compilerOptions };
}

/** The lowest Node version a `>=X[.Y[.Z]]` range admits, or undefined for any other form. */
function lowerBound(range: string): [number, number, number] | undefined {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The tsconfig.build.json files a build config references, as paths from the workspace root. */
function referencedBuilds(configPath: string): string[] {
  const references = readBuildConfig(configPath).references ?? [];
  return references.map(({ path }) => relative(root, join(configPath, '..', path))).sort();
}

/** The build configs of the workspace packages a manifest depends on. */
function workspaceDependencyBuilds(manifest: Manifest): string[] {
  const names = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  return names
    .filter((name) => name.startsWith('@rx8583/') && packageDirs.includes(name.slice('@rx8583/'.length)))
    .map((name) => join('packages', name.slice('@rx8583/'.length), 'tsconfig.build.json'))
    .sort();
}

it('finds the packages', () => {
  expect(packageDirs).toEqual(expect.arrayContaining(['iso8583', 'connection']));
});

describe.each(packageDirs)('packages/%s', (dir) => {
  const packageDir = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
  const sources = existsSync(join(packageDir, 'src'))
    ? sourceFiles(join(packageDir, 'src')).map((path) => ({ path, text: readFileSync(path, 'utf8') }))
    : [];
  const imported = new Set(sources.flatMap(({ text }) => importedPackages(text)));
  const usesNodeTypes = sources.some(({ text }) => /\bfrom\s+'node:|\bBuffer\b|\bNodeJS\./.test(withoutComments(text)));

  it('is a publishable @rx8583 package with a version', () => {
    expect(manifest.name).toBe(`@rx8583/${dir}`);
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it('ships a README and an MIT LICENSE', () => {
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(packageDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(readFileSync(join(packageDir, 'README.md'), 'utf8')).toMatch(new RegExp(`^# @rx8583/${dir}\\n`));
  });

  it('says which Node it needs: 20 or later, and no later than the Node running these tests', () => {
    const bound = lowerBound(manifest.engines?.node ?? '');
    expect(bound).toBeDefined();
    expect(bound![0]).toBeGreaterThanOrEqual(20);
    const tested = process.versions.node.split('.').map(Number);
    expect(compareVersions(bound!, tested)).toBeLessThanOrEqual(0);
  });

  it('names its repository and directory, and has no side effects on import', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: REPOSITORY_URL, directory: `packages/${dir}` });
    expect(manifest.sideEffects).toBe(false);
  });

  it('has a CommonJS entry with types first in its exports map, which also exports ./package.json', () => {
    expect(manifest.main).toBe('dist/index.js');
    expect(manifest.types).toBe('dist/index.d.ts');
    expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(Object.keys(manifest.exports!['.'] as object)[0]).toBe('types');
    expect(manifest.exports?.['./package.json']).toBe('./package.json');
  });

  it('packs dist/ without build-info files', () => {
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', '!dist/**/*.tsbuildinfo']));
  });

  it('ships source maps that carry their sources, or none', () => {
    const options = buildOptions(join(packageDir, 'tsconfig.build.json'));
    expect(options.outDir).toBe('dist');
    if (options.sourceMap === true) expect(options.inlineSources).toBe(true);
    if (options.declarationMap === true) expect(manifest.files).toContain('src');
  });

  it('builds incrementally with tsc -b: composite, build info inside dist/, its workspace dependencies referenced', () => {
    const configPath = join(packageDir, 'tsconfig.build.json');
    const options = buildOptions(configPath);
    expect(manifest.scripts?.build).toBe('tsc -b tsconfig.build.json');
    expect(options.composite).toBe(true);
    // Inside dist/, so deleting dist/ forces a rebuild (tsc -b trusts a build-info file it finds).
    expect(options.tsBuildInfoFile).toBe('dist/tsconfig.build.tsbuildinfo');
    expect(referencedBuilds(configPath)).toEqual(workspaceDependencyBuilds(manifest));
  });

  it('declares every package its sources import, with workspace packages by workspace: range', () => {
    const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
    const undeclared = [...imported].filter((name) => !isBuiltin(name) && !(name in declared));
    expect(undeclared).toEqual([]);
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (name.startsWith('@rx8583/')) expect(range).toMatch(/^workspace:[*^~]$/);
      else expect(range).not.toMatch(/^workspace:/);
    }
  });

  it('takes rxjs as a peer (^7.8.0), so an app and rx8583 share one copy', () => {
    expect(manifest.dependencies?.rxjs).toBeUndefined();
    if (imported.has('rxjs') || manifest.peerDependencies?.rxjs !== undefined) {
      expect(manifest.peerDependencies?.rxjs).toBe('^7.8.0');
      expect(manifest.devDependencies?.rxjs).toBeDefined();
    }
  });

  it('loads Node types from its own declarations when they use them, with @types/node an optional peer', () => {
    expect(manifest.dependencies?.['@types/node']).toBeUndefined();
    if (!usesNodeTypes) return;
    const index = sources.find(({ path }) => relative(packageDir, path) === join('src', 'index.ts'));
    expect(index?.text).toContain(NODE_TYPES_REFERENCE);
    expect(manifest.peerDependencies?.['@types/node']).toBeDefined();
    expect(manifest.peerDependenciesMeta?.['@types/node']).toEqual({ optional: true });
  });

  it('does not make every user install a header layout library', () => {
    expect(manifest.dependencies?.['@solana/buffer-layout']).toBeUndefined();
    expect(manifest.peerDependencies?.['@solana/buffer-layout']).toBeUndefined();
  });
});

it('builds the demo incrementally: examples reference every package they use, so tsc -b rebuilds only what changed', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'examples', 'package.json'), 'utf8')) as Manifest;
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  expect(rootManifest.scripts?.demo).toMatch(/^tsc -b examples\/tsconfig\.build\.json && node examples\/dist\//);
  const configPath = join(root, 'examples', 'tsconfig.build.json');
  expect(buildOptions(configPath).incremental).toBe(true);
  expect(referencedBuilds(configPath)).toEqual(workspaceDependencyBuilds(manifest));
});
