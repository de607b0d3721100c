import { Command } from 'commander';
import { validateRouting } from '../../switch/routing';
import { startSwitch, type SwitchEvent } from '../../switch/switch';
import { examples, linkFrom, withLinkOptions, type LinkFlags } from '../common-options';
import { action, untilSignal } from '../exit';
import { parseFraming, parseListenPort, readJsonFile } from '../link-options';

interface SwitchFlags extends LinkFlags {
  routing: string;
  port: string;
  host: string;
  issuerFraming?: string;
  verbose?: boolean;
}

/** One line for an event of the switch; never card data. */
function describeEvent(e: SwitchEvent): string {
  const id = 'mti' in e ? `${e.mti} ${('stan' in e && e.stan) || ('key' in e && e.key) || '------'}` : '';
  switch (e.type) {
    case 'routed':
      return `${id} → ${e.issuer} → ${e.code ?? '??'}`;
    case 'standIn':
      return `${id} → stand-in for ${e.issuer} → ${e.code} (${e.reason})${e.advised ? ', advice queued' : ''}`;
    case 'reversalQueued':
      return `${id} → answered, reversal queued for ${e.issuer}`;
    case 'noRoute':
      return `${id} → no route → 15`;
    case 'linkUp':
      return `issuer ${e.issuer} link up (${e.address})`;
    case 'linkDown':
      return `issuer ${e.issuer} link down (${e.address})`;
    case 'delivered':
      return `queued ${e.mti.slice(0, 3)}0 delivered to ${e.issuer} (answered ${e.mti})`;
    case 'error':
      return `${id} → not answered: ${e.error.message}`;
  }
}

/** `rx8583 switch`: a switch from a routing file until SIGINT/SIGTERM. */
export function switchCommand(): Command {
  const command = withLinkOptions(
    new Command('switch')
      .description(
        'run a switch: acquirers connect, requests are routed by BIN to issuer pools, stand-in when an issuer cannot answer (see docs/simulator.md)',
      )
      .requiredOption('--routing <file>', 'routing JSON file: issuers, BIN routes, stand-in, store-and-forward')
      .option('--port <port>', 'TCP port acquirers connect to (0 picks a free one)', '9000')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--issuer-framing <name|file|json>', 'framing of the issuer links, when not that of --framing')
      .option('-v, --verbose', 'print what happens to each request (MTI, STAN, issuer, code; never card data)'),
  ).action(
    action(async (flags: SwitchFlags) => {
      const { spec, framing } = linkFrom(flags);
      const routing = validateRouting(readJsonFile(flags.routing, 'routing file'));
      const sw = await startSwitch({
        spec,
        framing,
        ...(flags.issuerFraming !== undefined && { issuerFraming: parseFraming(flags.issuerFraming) }),
        routing,
        port: parseListenPort(flags.port),
        host: flags.host,
      });
      const issuers = Object.keys(routing.issuers);
      process.stdout.write(
        `rx8583 switch: listening on ${sw.address.address}:${sw.address.port} (${flags.spec}, ${framing.name}; ${routing.routes.length} routes to ${issuers.join(', ')})\n`,
      );
      sw.events$.subscribe((e) => {
        if (e.type === 'error') process.stderr.write(`rx8583 switch: ${describeEvent(e)}\n`);
        else if (flags.verbose || e.type === 'linkUp' || e.type === 'linkDown')
          process.stdout.write(`${describeEvent(e)}\n`);
      });
      await untilSignal();
      await sw.close();
    }),
  );
  return examples(command, [
    'rx8583 switch --routing routing.json --port 9000',
    'rx8583 switch --routing routing.json --port 9000 --verbose',
    'rx8583 switch --routing routing.json --framing ascii4 --issuer-framing binary2',
  ]);
}
