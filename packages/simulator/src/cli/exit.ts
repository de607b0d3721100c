import { PackError, SpecError } from '@rx8583/iso8583';
import { SimulatorError } from '../errors';

/** Exit codes a script can rely on. */
export const EXIT = {
  /** Everything worked. */
  ok: 0,
  /** Failures were observed: a send failed, load errors over the threshold, a message did not decode. */
  failures: 1,
  /** The command line or an input file was wrong. */
  usage: 2,
} as const;

/** Mistakes in what the user gave: reported in one line, exit 2, no stack. */
function isUsageMistake(error: unknown): boolean {
  return error instanceof SimulatorError || error instanceof SpecError || error instanceof PackError;
}

/**
 * Runs a command's action and turns its outcome into an exit code: a number it returns, 2 for a
 * user's mistake (printed without a stack), 1 for any other failure (stack only with RX8583_DEBUG).
 */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await run(...args)) ?? EXIT.ok;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`rx8583: ${message}\n`);
      if (process.env['RX8583_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = isUsageMistake(error) ? EXIT.usage : EXIT.failures;
    }
  };
}

/** Resolves on the first SIGINT or SIGTERM: long-running commands (serve, switch) then close gracefully. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
