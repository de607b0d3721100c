import { describe, unpack, type MessageSpec } from '@rx8583/iso8583';
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors';
import { examples, linkFrom, withLinkOptions, type LinkFlags } from '../common-options';
import { action, EXIT } from '../exit';

interface DecodeFlags extends LinkFlags {
  file?: string;
  format: 'auto' | 'hex' | 'base64' | 'binary';
  framed?: boolean;
  unmask?: boolean;
}

const HEX = /^[0-9a-fA-F\s]+$/;
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/**
 * The messages in the input: with hex or base64 text, one a line (log dumps); with binary, the
 * whole input. `auto` takes text of hex digits as hex, other base64 text as base64, else binary.
 */
export function inputMessages(input: Buffer, format: DecodeFlags['format']): Uint8Array[] {
  const text = input.toString('latin1');
  const kind = format !== 'auto' ? format : HEX.test(text) ? 'hex' : BASE64.test(text) ? 'base64' : 'binary';
  if (kind === 'binary') return [input];
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ''))
    .filter((l) => l !== '');
  if (lines.length === 0) throw new UsageError('nothing to decode: the input is empty');
  return lines.map((line, i) => {
    if (kind === 'hex' && (!HEX.test(line) || line.length % 2 !== 0)) {
      throw new UsageError(`line ${i + 1} is not hex (an even number of 0-9 A-F digits)`);
    }
    if (kind === 'base64' && !BASE64.test(line)) throw new UsageError(`line ${i + 1} is not base64`);
    return Uint8Array.from(Buffer.from(line, kind));
  });
}

function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch (error) {
    throw new UsageError(`cannot read standard input: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Decodes and prints; returns how many messages failed to decode. */
function decodeAll(bodies: Uint8Array[], spec: MessageSpec, mask: boolean): number {
  let failed = 0;
  bodies.forEach((body, i) => {
    const label = bodies.length > 1 ? `message ${i + 1}: ` : '';
    try {
      const text = describe(unpack(spec, body), { mask });
      process.stdout.write(`${i > 0 ? '\n' : ''}${bodies.length > 1 ? `# message ${i + 1}\n` : ''}${text}\n`);
    } catch (error) {
      failed++;
      process.stderr.write(`rx8583 decode: ${label}${(error as Error).message}\n`);
    }
  });
  return failed;
}

/** `rx8583 decode`: hex, base64 or binary → the masked `describe` of each message. */
export function decodeCommand(): Command {
  const command = withLinkOptions(
    new Command('decode')
      .description(
        'decode ISO 8583 messages (hex, base64 or binary; from an argument, a file or stdin) and print them masked',
      )
      .argument('[data]', 'the message as hex or base64; without it --file or standard input is read')
      .option('--file <path>', 'read the input from a file')
      .addOption(
        new Option('--format <format>', 'how the input is written')
          .choices(['auto', 'hex', 'base64', 'binary'])
          .default('auto'),
      )
      .option('--framed', 'the input carries the framing (length prefix, header) of --framing; may hold several frames')
      .option(
        '--unmask',
        'show card data (PAN, track, PIN block) in clear: only on request, never for production logs',
      ),
  ).action(
    action(async (data: string | undefined, flags: DecodeFlags) => {
      const { spec, framing } = linkFrom(flags);
      if (data !== undefined && flags.file !== undefined)
        throw new UsageError('give the data as an argument or --file, not both');
      const input =
        data !== undefined
          ? Buffer.from(data, 'latin1')
          : flags.file !== undefined
            ? readFile(flags.file)
            : readStdin();
      let bodies = inputMessages(input, flags.format);
      if (flags.framed) {
        bodies = bodies.flatMap((chunk) => {
          const decoder = framing.decoder();
          const frames = decoder.push(chunk).map((frame) => frame.body);
          if (decoder.buffered > 0)
            throw new UsageError(`the input ends inside a frame (${decoder.buffered} bytes left over)`);
          return frames;
        });
      }
      return decodeAll(bodies, spec, !flags.unmask) > 0 ? EXIT.failures : EXIT.ok;
    }),
  );
  return examples(command, [
    'rx8583 decode 30383030383232303030303030303030303030303034303030303030303030303030303031323031313033303030303030303031333031',
    'rx8583 decode --file trace.hex --spec spec87binary',
    'grep "raw=" app.log | cut -d= -f2 | rx8583 decode --spec ./visa-spec.json',
    'rx8583 decode --file capture.bin --format binary --framed --framing binary2',
    'rx8583 decode --unmask 0100…   # card data in clear, on request only',
  ]);
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
