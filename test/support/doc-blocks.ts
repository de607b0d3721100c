/**
 * The code blocks of the docs, and which of them are programs — the rule `docs-programs.test.ts`
 * enforces (see CONTRIBUTING.md, "Code blocks in the docs"):
 *
 * - every ```ts / ```js block in README.md, docs/*.md and the packages' README.md files is a **program**: it must type-check
 *   against the workspace sources and run to completion (exit code 0) on its own;
 * - `<!-- program: NAME -->` just before blocks joins them, in document order, into one program
 *   (a walk-through, or a client and the server it needs);
 * - `<!-- check-only: WHY -->` type-checks a complete block without running it (a long-running
 *   service, a link to a real host);
 * - `<!-- fragment: WHY -->` marks a block that is not a program (a type, a spec excerpt, a line
 *   that uses names from the text around it): it is skipped, and says why.
 *
 * Any other comment of the form `<!-- word: ... -->` before a block is an error, so a misspelt
 * marker cannot make a block silently skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

/** How the test treats a block. */
export type BlockMode = 'run' | 'check' | 'skip';

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  /** The file, relative to the repository root (`docs/server.md`). */
  file: string;
  /** 1-based line of the block's first code line. */
  line: number;
  /** The fence's language: `ts` or `js`. */
  language: 'ts' | 'js';
  lines: string[];
  mode: BlockMode;
  /** The `program:` name joining it to other blocks of its file. */
  program?: string;
  /** Why a `check-only` or `fragment` block does not run. */
  reason?: string;
}

/** Blocks compiled (and run) as one program. */
export interface DocProgram {
  /** `docs/server.md:8`, or `docs/getting-started.md#walk-through` for a joined program. */
  name: string;
  /** A file name for the program: the name with its punctuation replaced. */
  slug: string;
  mode: Exclude<BlockMode, 'skip'>;
  blocks: DocBlock[];
}

/** A program as one TypeScript module, and where each of its lines came from. */
export interface AssembledProgram {
  source: string;
  /** `origin[i]` is the Markdown location (`docs/server.md:12`) of line `i` (0-based) of `source`. */
  origin: (string | undefined)[];
}

const FENCE = /^```(\w*)\s*$/;
const MARKER = /^<!--\s*([a-z-]+):\s*(.*?)\s*-->$/;
const LANGUAGES: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

/** README.md, every docs/*.md file and each package's README.md (shipped to npm), relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  const packages = readdirSync(join(root, 'packages'))
    .filter((name) => existsSync(join(root, 'packages', name, 'README.md')))
    .sort()
    .map((name) => `packages/${name}/README.md`);
  return ['README.md', ...docs, ...packages];
}

/** The ts/js blocks of one Markdown file, with their markers; throws on an unknown marker. */
export function readDocBlocks(root: string, file: string): DocBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (!fence) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith('```')) end++;
    const language = LANGUAGES[fence[1]!];
    if (language !== undefined)
      blocks.push({ file, line: i + 2, language, lines: lines.slice(i + 1, end), ...marker(lines, i, file) });
    i = end;
  }
  return blocks;
}

function marker(lines: string[], fenceIndex: number, file: string): Pick<DocBlock, 'mode' | 'program' | 'reason'> {
  let i = fenceIndex - 1;
  while (i >= 0 && lines[i]!.trim() === '') i--;
  const found = i >= 0 ? MARKER.exec(lines[i]!.trim()) : null;
  if (!found) return { mode: 'run' };
  const [, kind, value] = found as unknown as [string, string, string];
  const where = `${file}:${i + 1}`;
  if (value === '')
    throw new Error(`${where}: the <!-- ${kind}: --> marker needs a ${kind === 'program' ? 'name' : 'reason'}`);
  if (kind === 'program') return { mode: 'run', program: value };
  if (kind === 'check-only') return { mode: 'check', reason: value };
  if (kind === 'fragment') return { mode: 'skip', reason: value };
  throw new Error(`${where}: unknown code block marker '${kind}' (program, check-only or fragment)`);
}

/** The programs among `blocks`: joined by `program:` name, check-only ones apart, fragments left out. */
export function docPrograms(blocks: DocBlock[]): DocProgram[] {
  const programs: DocProgram[] = [];
  const joined = new Map<string, DocProgram>();
  for (const block of blocks) {
    if (block.mode === 'skip') continue;
    if (block.program !== undefined) {
      const name = `${block.file}#${block.program}`;
      let program = joined.get(name);
      if (program === undefined) {
        program = { name, slug: slugOf(name), mode: 'run', blocks: [] };
        joined.set(name, program);
        programs.push(program);
      }
      program.blocks.push(block);
    } else {
      const name = `${block.file}:${block.line}`;
      programs.push({ name, slug: slugOf(name), mode: block.mode, blocks: [block] });
    }
  }
  return programs;
}

function slugOf(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-');
}

/**
 * One module for `program`: its imports and `declare`s first, then everything else inside an
 * `async function main()` — so a block may `await` at its top level, as docs do, and still compile
 * to CommonJS — which runs, failing the process (exit code 1) if it rejects.
 */
export function assembleProgram(program: DocProgram): AssembledProgram {
  const lines: string[] = [];
  const from: string[] = [];
  for (const block of program.blocks) {
    block.lines.forEach((text, i) => {
      lines.push(text);
      from.push(`${block.file}:${block.line + i}`);
    });
  }
  const parsed = ts.createSourceFile('program.ts', lines.join('\n'), ts.ScriptTarget.ES2022, true);
  const importLines = new Set<number>();
  for (const statement of parsed.statements) {
    if (!isModuleLevel(statement)) continue;
    const first = parsed.getLineAndCharacterOfPosition(statement.getStart(parsed)).line;
    const last = parsed.getLineAndCharacterOfPosition(statement.getEnd()).line;
    for (let line = first; line <= last; line++) importLines.add(line);
  }
  const source: string[] = [];
  const origin: (string | undefined)[] = [];
  const add = (text: string, where?: string) => {
    source.push(text);
    origin.push(where);
  };
  lines.forEach((text, i) => importLines.has(i) && add(text, from[i]));
  add('async function main(): Promise<void> {');
  lines.forEach((text, i) => importLines.has(i) || add(text, from[i]));
  add('}');
  add('main().catch((error: unknown) => {');
  add('  console.error(error);');
  add('  process.exitCode = 1;');
  add('});');
  return { source: source.join('\n'), origin };
}

/** Statements that cannot live inside a function: imports, and `declare const x: T` (names the reader supplies). */
function isModuleLevel(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) return true;
  return (
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)
  );
}
