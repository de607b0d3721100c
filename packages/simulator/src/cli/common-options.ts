import type { Framing } from '@rx8583/connection';
import type { MessageSpec } from '@rx8583/iso8583';
import { Option, type Command } from 'commander';
import { loadSpec, parseFraming, parsePositiveInt } from './link-options';

/** The options every command that talks ISO 8583 takes: how messages look and how they are framed. */
export interface LinkFlags {
  spec: string;
  framing: string;
  includesHeader?: boolean;
  maxFrameLength?: string;
}

/** Adds `--spec`, `--framing`, `--includes-header`, `--max-frame-length` to a command. */
export function withLinkOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--spec <name|file>', 'message spec: spec87ascii, spec87binary, or a JSON spec file').default(
        'spec87ascii',
      ),
    )
    .addOption(
      new Option(
        '--framing <name|file|json>',
        'framing preset (binary2, ascii4, bcd2, binary4, vmlh), JSON file or inline JSON',
      ).default('binary2'),
    )
    .addOption(new Option('--includes-header', 'the length prefix counts itself (and any fixed header)'))
    .addOption(new Option('--max-frame-length <bytes>', 'largest frame body accepted'));
}

/** The spec and framing the link flags name. */
export function linkFrom(flags: LinkFlags): { spec: MessageSpec; framing: Framing } {
  const maxFrameLength =
    flags.maxFrameLength === undefined ? undefined : parsePositiveInt(flags.maxFrameLength, '--max-frame-length');
  return {
    spec: loadSpec(flags.spec),
    framing: parseFraming(flags.framing, {
      ...(flags.includesHeader && { includesHeader: true }),
      ...(maxFrameLength !== undefined && { maxFrameLength }),
    }),
  };
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The `Examples:` block shown at the end of a command's --help. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
