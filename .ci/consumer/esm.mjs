// An ES-module app using the installed tarballs: every package's CommonJS exports are importable by
// name, and an issuer and an acquirer exchange an 0800/0810 over 127.0.0.1.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { firstValueFrom, filter } from 'rxjs';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { connect, createServer } from '@rx8583/connection';

const require = createRequire(import.meta.url);
for (const name of process.argv.slice(2)) {
  const namespace = await import(name);
  // Node finds a CommonJS module's named exports by reading its source: each one must be importable.
  const missing = Object.keys(require(name)).filter((key) => !(key in namespace));
  assert.deepEqual(missing, [], `${name}: exports not importable by name from ES modules`);
}
// The spec files are exported too (read through require: JSON modules are still experimental in Node 20).
assert.equal(require('@rx8583/iso8583/specs/spec87ascii.json').fields['70'].length, 3);

const server = createServer({ spec: spec87ascii });
server.serve(async (request) => request.toResponse({ 39: '00' }));
const { port } = await server.listen(0, '127.0.0.1');
const conn = await connect({ host: '127.0.0.1', port, spec: spec87ascii });
const closed = firstValueFrom(conn.events$.pipe(filter((event) => event.type === 'closed')));
const response = await conn.send(
  new Message(spec87ascii, { mti: '0800', fields: { 7: '1201103000', 11: 2, 70: '301' } }),
);
assert.equal(response.get(39), '00');
await conn.close();
await closed;
await server.close();
console.log(`ESM: ${process.argv.length - 2} packages imported; 0800 -> ${response.mti} ${response.get(39)}`);
