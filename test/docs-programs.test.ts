/**
 * Every program in the docs runs (issue 9): each ```ts / ```js block of README.md, docs/*.md and the
 * packages' README.md files that is a program — the rule is in ./support/doc-blocks.ts and
 * CONTRIBUTING.md — is type-checked
 * against the workspace sources (strict, as `pnpm typecheck`), compiled with them to CommonJS in a
 * temporary folder, and run as its own Node process, which must exit with code 0 within
 * PROGRAM_TIMEOUT. Nothing needs `pnpm build` first: `@rx8583/*` resolves to the compiled sources.
 * In the child process sockets may only dial or listen on 127.0.0.1 / localhost / ::1, so a block
 * that dials a real host fails at once with a clear error instead of waiting for a timeout.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import {
  assembleProgram,
  docPrograms,
  documentationFiles,
  readDocBlocks,
  type AssembledProgram,
  type DocProgram,
} from './support/doc-blocks';

const root = join(__dirname, '..');
/** Where the programs live for the compiler: under examples/, whose node_modules has what they import. */
const programDir = join(root, 'examples', 'doc-programs');
// Generous: the programs take a second or two, but CI machines can be loaded many times over.
const PROGRAM_TIMEOUT = 30_000;
const PARALLEL = 2;

const blocks = documentationFiles(root).flatMap((file) => readDocBlocks(root, file));
const programs = docPrograms(blocks);
const assembled = new Map<DocProgram, AssembledProgram>(programs.map((p) => [p, assembleProgram(p)]));

interface Outcome {
  diagnostics: string[];
  run?: { code: number | null; signal: string | null; output: string; timedOut: boolean };
}
const outcomes = new Map<DocProgram, Outcome>();
let outDir: string;

/**
 * Runs in each child before the program: `@rx8583/<pkg>[/sub]` → the compiled sources, other bare
 * imports of a compiled file resolved from where its source is, and sockets kept on loopback.
 */
const PRELOAD = `
const Module = require('node:module');
const net = require('node:net');
const path = require('node:path');
const { outDir, root } = JSON.parse(process.env.RX8583_DOC_PROGRAMS);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const workspace = /^@rx8583\\/([a-z0-9-]+)(?:\\/(.+))?$/.exec(request);
  if (workspace) return resolve.call(this, path.join(outDir, 'packages', workspace[1], 'src', workspace[2] || 'index'), parent, ...rest);
  if (parent && parent.filename && parent.filename.startsWith(outDir) && !request.startsWith('.') && !path.isAbsolute(request) && !request.startsWith('node:')) {
    const source = path.join(root, path.relative(outDir, parent.filename));
    return resolve.call(this, request, { id: source, filename: source, paths: Module._nodeModulePaths(path.dirname(source)) }, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
const LOOPBACK = new Set([undefined, '127.0.0.1', 'localhost', '::1']);
const refuse = (what, host) => { throw new Error('doc programs use 127.0.0.1 only: ' + what + ' ' + host); };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = typeof options === 'object' && options !== null ? options.host : typeof args[1] === 'string' ? args[1] : undefined;
  if (!(typeof options === 'object' && options !== null && options.path) && !LOOPBACK.has(host)) refuse('dialing', host);
  return connect.apply(this, args);
};
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : undefined;
  const host = options ? options.host : typeof args[1] === 'string' ? args[1] : 'every interface';
  if (!LOOPBACK.has(host) || host === undefined) refuse('listening on', host === undefined ? 'every interface' : host);
  return listen.apply(this, args);
};
`;

function compile(): void {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: false,
    outDir,
    rootDir: root,
    types: ['node'],
    declaration: false,
    sourceMap: false,
    inlineSources: false,
    incremental: false,
    // Docs show values they compute (`const bytes = m.pack()`) without always using them.
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
  const files = new Map(programs.map((p) => [join(programDir, `${p.slug}.ts`), p]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => (files.has(name) ? assembled.get(files.get(name)!)!.source : readFile(name));
  host.getSourceFile = (name, language, ...rest) => {
    const program = files.get(name);
    if (program === undefined) return getSourceFile(name, language, ...rest);
    return ts.createSourceFile(name, assembled.get(program)!.source, language);
  };
  const compiled = ts.createProgram([...files.keys()], options, host);
  const emitted = compiled.emit();
  const all = [...ts.getPreEmitDiagnostics(compiled), ...emitted.diagnostics];
  for (const program of programs) outcomes.set(program, { diagnostics: [] });
  for (const diagnostic of all) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const program = diagnostic.file && files.get(diagnostic.file.fileName);
    if (program === undefined) {
      // An error in the workspace sources themselves: `pnpm typecheck` reports it; blame every program.
      const where = diagnostic.file ? relative(root, diagnostic.file.fileName) : 'tsconfig';
      for (const outcome of outcomes.values()) outcome.diagnostics.push(`${where}: ${text}`);
      continue;
    }
    const line = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
    const where = assembled.get(program)!.origin[line] ?? `${program.name} (the wrapper around the blocks)`;
    outcomes.get(program)!.diagnostics.push(`${where}: ${text}`);
  }
}

function run(program: DocProgram): Promise<Outcome['run']> {
  const file = join(outDir, relative(root, programDir), `${program.slug}.js`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', join(outDir, 'preload.js'), file],
      {
        cwd: outDir,
        timeout: PROGRAM_TIMEOUT,
        killSignal: 'SIGKILL',
        // TMPDIR: what a program puts in os.tmpdir() goes when outDir is removed.
        env: { ...process.env, TMPDIR: outDir, RX8583_DOC_PROGRAMS: JSON.stringify({ outDir, root }) },
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number | string; signal?: string; killed?: boolean }) | null;
        resolve({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          signal: failure?.signal ?? null,
          output: `${stdout}${stderr}`,
          timedOut: failure?.killed === true,
        });
      },
    );
  });
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'rx8583-doc-programs-'));
  writeFileSync(join(outDir, 'preload.js'), PRELOAD);
  compile();
  const runnable = programs.filter((p) => p.mode === 'run' && outcomes.get(p)!.diagnostics.length === 0);
  const queue = [...runnable];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) outcomes.get(next)!.run = await run(next);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}, 240_000);

afterAll(() => {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('the rule', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rx8583-doc-blocks-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const markdown = (text: string) => {
    writeFileSync(join(scratch, 'guide.md'), text);
    return readDocBlocks(scratch, 'guide.md');
  };

  it('joins named blocks, keeps check-only ones apart and leaves fragments out', () => {
    const found = markdown(
      [
        '<!-- program: tour -->',
        '```ts',
        "import { spec87ascii } from '@rx8583/iso8583';",
        '```',
        '<!-- fragment: an excerpt -->',
        '```ts',
        '48: {}',
        '```',
        '<!-- check-only: dials a real host -->',
        '',
        '```ts',
        'await dial();',
        '```',
        '<!-- program: tour -->',
        '```js',
        'await Promise.resolve(spec87ascii);',
        '```',
        '```json',
        '{}',
        '```',
      ].join('\n'),
    );
    expect(docPrograms(found).map((p) => [p.name, p.mode, p.blocks.map((b) => b.line)])).toEqual([
      ['guide.md#tour', 'run', [3, 16]],
      ['guide.md:12', 'check', [12]],
    ]);
  });

  it('refuses a misspelt marker and one without its reason', () => {
    expect(() => markdown('<!-- fragmnet: typo -->\n```ts\nx;\n```\n')).toThrow(
      "guide.md:1: unknown code block marker 'fragmnet' (program, check-only or fragment)",
    );
    expect(() => markdown('<!-- fragment: -->\n```ts\nx;\n```\n')).toThrow(
      'guide.md:1: the <!-- fragment: --> marker needs a reason',
    );
  });

  it('hoists imports and declares, and runs the rest in an async main', () => {
    const [program] = docPrograms(
      markdown(
        "```ts\nconst a = 1;\nimport { x } from 'y';\ndeclare const log: Console;\nawait log.info(a, x);\n```\n",
      ),
    );
    const { source, origin } = assembleProgram(program!);
    expect(source.split('\n').slice(0, 5)).toEqual([
      "import { x } from 'y';",
      'declare const log: Console;',
      'async function main(): Promise<void> {',
      'const a = 1;',
      'await log.info(a, x);',
    ]);
    expect(origin.slice(0, 5)).toEqual(['guide.md:3', 'guide.md:4', undefined, 'guide.md:2', 'guide.md:5']);
  });
});

describe('code blocks in the docs', () => {
  it('are found in the guides', () => {
    expect(new Set(blocks.map((b) => b.file)).size).toBeGreaterThanOrEqual(8);
    expect(programs.filter((p) => p.mode === 'run').length).toBeGreaterThanOrEqual(15);
  });

  it.each(programs.map((p) => [p.name, p] as const))('%s type-checks and runs', (_name, program) => {
    const outcome = outcomes.get(program)!;
    expect(outcome.diagnostics).toEqual([]);
    if (program.mode === 'check') return;
    const result = outcome.run!;
    const summary = result.timedOut
      ? `did not exit within ${PROGRAM_TIMEOUT} ms (a socket, server or timer left open?)`
      : `exit code ${String(result.code)}${result.signal ? `, signal ${result.signal}` : ''}`;
    expect({ result: summary, output: result.output }).toEqual({ result: 'exit code 0', output: result.output });
  });
});
