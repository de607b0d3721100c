import { Command, CommanderError } from 'commander';
import { decodeCommand } from './commands/decode';
import { loadCommand } from './commands/load';
import { sendCommand } from './commands/send';
import { serveCommand } from './commands/serve';
import { specsCommand } from './commands/specs';
import { switchCommand } from './commands/switch';
import { EXIT } from './exit';

/** The `rx8583` program with every command. Usage errors exit 2, without a stack. */
export function createProgram(version: string): Command {
  const program = new Command('rx8583')
    .description('ISO 8583 simulators and tools: issuer (serve), switch, send, load, decode, specs')
    .version(version)
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ rx8583 serve --rules issuer.json --port 8583
  $ rx8583 send --to 127.0.0.1:8583 --mti 0800 -f 70=301
  $ rx8583 load --to 127.0.0.1:8583 --rate 1000 --duration 30s
  $ rx8583 decode 30383030383232303030303030303030303030303034303030303030303030303030303031323031313033303030303030303031333031
  $ rx8583 switch --routing routing.json --port 9000

Outside a project that installed @rx8583/simulator: npx -p @rx8583/simulator rx8583 …
Exit codes: 0 success, 1 failures observed, 2 usage error.`,
    );
  for (const command of [
    serveCommand(),
    switchCommand(),
    sendCommand(),
    loadCommand(),
    decodeCommand(),
    specsCommand(),
  ]) {
    program.addCommand(command);
  }
  exitOverrideAll(program);
  return program;
}

function exitOverrideAll(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
}

/** Runs the program on `argv`; commander's own errors (unknown option, missing argument) exit 2. */
export async function runProgram(argv: string[], version: string): Promise<void> {
  try {
    await createProgram(version).parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    process.exitCode = benign ? EXIT.ok : EXIT.usage;
  }
}
