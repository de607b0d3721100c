// A CommonJS app using the installed tarballs: every package loads with require(), exposes its
// package.json, and an issuer and an acquirer exchange an 0800/0810 over 127.0.0.1.
'use strict';
const assert = require('node:assert/strict');
const { firstValueFrom, filter } = require('rxjs');
const { Message, spec87ascii, unpack } = require('@rx8583/iso8583');
const { connect, createServer, framing, swapTpdu, tpdu } = require('@rx8583/connection');

for (const name of process.argv.slice(2)) {
  const exported = Object.keys(require(name));
  assert.ok(exported.length > 0, `${name} exports nothing`);
  assert.equal(require(`${name}/package.json`).name, name);
}

async function main() {
  const echo = new Message(spec87ascii, { mti: '0800', fields: { 7: '1201103000', 11: 1, 70: '301' } });
  assert.equal(unpack(spec87ascii, echo.pack()).get(70), '301');

  const nac = framing.withHeader(framing.binary2(), tpdu, {
    defaultHeader: { id: 0x60, destination: 1, source: 2 },
    replyHeader: swapTpdu,
  });
  const server = createServer({ spec: spec87ascii, framing: nac });
  server.serve((request) => request.toResponse({ 39: '00' }));
  const { port } = await server.listen(0, '127.0.0.1');
  const conn = await connect({ host: '127.0.0.1', port, spec: spec87ascii, framing: nac });
  const closed = firstValueFrom(conn.events$.pipe(filter((event) => event.type === 'closed')));
  const response = await conn.send(echo);
  assert.equal(response.mti, '0810');
  assert.equal(response.get(39), '00');
  await conn.close();
  await closed;
  await server.close();
  console.log(`CommonJS: ${process.argv.length - 2} packages required; 0800 -> ${response.mti} ${response.get(39)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
