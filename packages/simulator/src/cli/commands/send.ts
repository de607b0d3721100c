import { connect } from '@rx8583/connection';
import { describe, type Message, type MessageSpec } from '@rx8583/iso8583';
import { Command } from 'commander';
import { UsageError } from '../../errors';
import { readDocument } from '../../json-reader';
import { transmissionTime } from '../../load/numbering';
import { readMessage } from '../../message-json';
import { collect, examples, linkFrom, withLinkOptions, type LinkFlags } from '../common-options';
import { action, EXIT } from '../exit';
import { parseAddress, parseDuration, parseUserJson, readUserFile } from '../link-options';

interface SendFlags extends LinkFlags {
  to: string;
  message?: string;
  mti?: string;
  field?: string[];
  timeout: string;
  unmask?: boolean;
}

/** Fills in 11 (STAN) and 7 (transmission time) when the message lacks them and the spec has them. */
export function withTraceFields(message: Message, stan: number): Message {
  const fields = message.spec.fields as Record<string, unknown>;
  if (fields['11'] && !message.has(11)) message.set(11, String(stan).padStart(6, '0'));
  if (fields['7'] && !message.has(7)) message.set(7, transmissionTime());
  return message;
}

function messageFrom(flags: SendFlags, spec: MessageSpec): Message {
  if (flags.message !== undefined && flags.mti !== undefined)
    throw new UsageError('give --message or --mti with --field, not both');
  const usage = (_path: string, text: string) => new UsageError(text);
  if (flags.message !== undefined) {
    const text = flags.message.trimStart().startsWith('{')
      ? flags.message
      : readUserFile(flags.message, 'message file');
    return readMessage(readDocument(parseUserJson(text, '--message'), usage, 'message'), spec);
  }
  if (flags.mti === undefined)
    throw new UsageError('give the message: --message <file|json>, or --mti with --field n=value');
  const fields: Record<string, string | number> = {};
  for (const item of flags.field ?? []) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new UsageError(`--field must be n=value, got '${item.replace(/\d{7,}/g, '…')}'`);
    fields[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return readMessage(readDocument({ mti: flags.mti, fields }, usage, 'message'), spec);
}

/** `rx8583 send`: one request, prints the masked response. Exit 1 when no response came. */
export function sendCommand(): Command {
  const command = withLinkOptions(
    new Command('send')
      .description('send one message and print the response (card data masked)')
      .requiredOption('--to <host:port>', 'where to send it')
      .option('--message <file|json>', 'the message as JSON: {"mti":"0100","fields":{"2":"4111…","4":"1000"}}')
      .option('--mti <mti>', 'the MTI, with --field for the fields')
      .option('-f, --field <n=value>', 'a field value (repeatable); hex:… for binary fields', collect)
      .option('--timeout <duration>', 'how long to wait for the response', '10s')
      .option('--unmask', 'show card data in the output (never do this with production data)'),
  ).action(
    action(async (flags: SendFlags) => {
      const { spec, framing } = linkFrom(flags);
      const request = withTraceFields(messageFrom(flags, spec), 1 + Math.floor(Math.random() * 999_999));
      const timeout = parseDuration(flags.timeout, '--timeout');
      const conn = await connect({ ...parseAddress(flags.to, '--to'), spec, framing, sendTimeout: timeout });
      const mask = !flags.unmask;
      try {
        process.stderr.write(`→ ${flags.to}\n${describe(request, { mask })}\n`);
        const response = await conn.send(request);
        process.stdout.write(`${describe(response, { mask })}\n`);
        return EXIT.ok;
      } finally {
        await conn.close();
      }
    }),
  );
  return examples(command, [
    'rx8583 send --to 127.0.0.1:8583 --mti 0800 -f 70=301',
    'rx8583 send --to 127.0.0.1:8583 --mti 0200 -f 2=4111111111111111 -f 3=000000 -f 4=1500 -f 41=TERM0001 -f 49=840',
    'rx8583 send --to 127.0.0.1:8583 --message purchase.json --timeout 5s',
    `rx8583 send --to 10.0.0.5:8583 --spec spec87binary --framing ascii4 --message '{"mti":"0800","fields":{"70":"001"}}'`,
  ]);
}
