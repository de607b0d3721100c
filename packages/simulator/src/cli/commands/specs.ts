import { specFromJSON } from '@rx8583/iso8583';
import { Command } from 'commander';
import { examples } from '../common-options';
import { action, EXIT } from '../exit';
import { BUILTIN_SPECS, readUserFile } from '../link-options';

/** `rx8583 specs`: list the built-in specs, print one as JSON, validate a JSON spec. */
export function specsCommand(): Command {
  const specs = new Command('specs').description(
    'list the built-in specs, show one as JSON, or validate a JSON spec file',
  );
  specs
    .command('list', { isDefault: true })
    .description('list the built-in specs')
    .action(
      action(async () => {
        for (const [name, spec] of Object.entries(BUILTIN_SPECS)) {
          process.stdout.write(`${name.padEnd(14)} ${Object.keys(spec.fields).length} fields  ${spec.name}\n`);
        }
      }),
    );
  specs
    .command('show')
    .description('print a built-in spec as JSON (a starting point for your own)')
    .argument('<name>', Object.keys(BUILTIN_SPECS).join(' or '))
    .action(
      action(async (name: string) => {
        const spec = BUILTIN_SPECS[name];
        if (!spec) {
          process.stderr.write(
            `rx8583 specs show: unknown spec '${name}' (built-ins: ${Object.keys(BUILTIN_SPECS).join(', ')})\n`,
          );
          return EXIT.usage;
        }
        process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
      }),
    );
  specs
    .command('validate')
    .description('check a JSON spec file; exit 1 and say what is wrong when it is not valid')
    .argument('<file>', 'the JSON spec')
    .action(
      action(async (file: string) => {
        const text = readUserFile(file, 'spec');
        try {
          const spec = specFromJSON(text);
          process.stdout.write(`${file}: valid spec '${spec.name}', ${Object.keys(spec.fields).length} fields\n`);
          return EXIT.ok;
        } catch (error) {
          process.stdout.write(`${file}: invalid spec: ${(error as Error).message}\n`);
          return EXIT.failures;
        }
      }),
    );
  return examples(specs, [
    'rx8583 specs list',
    'rx8583 specs show spec87ascii > my-network.json   # then edit',
    'rx8583 specs validate my-network.json',
  ]);
}
