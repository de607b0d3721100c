import { Command } from 'commander';
import { startIssuer } from '../../issuer/serve-issuer';
import { validateRules, type IssuerRules } from '../../issuer/rules';
import { examples, linkFrom, withLinkOptions, type LinkFlags } from '../common-options';
import { action, untilSignal } from '../exit';
import { parseListenPort, readJsonFile } from '../link-options';

interface ServeFlags extends LinkFlags {
  rules?: string;
  port: string;
  host: string;
  verbose?: boolean;
}

/** `rx8583 serve`: an issuer simulator answering by a rules file until SIGINT/SIGTERM. */
export function serveCommand(): Command {
  const command = withLinkOptions(
    new Command('serve')
      .description('run an issuer simulator that answers by a rules file (see docs/simulator.md)')
      .option('--rules <file>', 'rules JSON file; without it every request is approved (39 = 00)')
      .option('--port <port>', 'TCP port to listen on (0 picks a free one)', '8583')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('-v, --verbose', 'print each decision (MTI, STAN, code, rule; never card data)'),
  ).action(
    action(async (flags: ServeFlags) => {
      const { spec, framing } = linkFrom(flags);
      const rules: IssuerRules = flags.rules ? validateRules(readJsonFile(flags.rules, 'rules file')) : {};
      const issuer = await startIssuer({ spec, framing, rules, port: parseListenPort(flags.port), host: flags.host });
      const count = rules.rules?.length ?? 0;
      process.stdout.write(
        `rx8583 serve: issuer listening on ${issuer.address.address}:${issuer.address.port} (${flags.spec}, ${framing.name}, ${count} rule${count === 1 ? '' : 's'}${rules.accounts ? `, ${Object.keys(rules.accounts.cards).length} accounts` : ''})\n`,
      );
      if (flags.verbose) {
        issuer.simulator.decisions$.subscribe((d) =>
          process.stdout.write(
            `${d.mti} ${d.stan ?? '------'} → ${d.code ?? 'no answer'} by ${d.by}${d.reason ? ` (${d.reason})` : ''}${d.fault ? ` fault ${d.fault}` : ''}\n`,
          ),
        );
      }
      issuer.errors$.subscribe((e) =>
        process.stderr.write(`rx8583 serve: could not answer ${e.mti} ${e.key ?? ''}: ${e.error.message}\n`),
      );
      await untilSignal();
      await issuer.close();
    }),
  );
  return examples(command, [
    'rx8583 serve --port 8583',
    'rx8583 serve --rules issuer.json --port 9101 --verbose',
    'rx8583 serve --spec spec87binary --framing ascii4 --rules issuer.json',
    `rx8583 serve --framing '{"preset":"binary2","header":{"type":"tpdu","default":"6000010000"}}'`,
  ]);
}
