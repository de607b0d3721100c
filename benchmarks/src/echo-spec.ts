import { defineSpec, Message } from '@rx8583/iso8583';

/** The 3-field spec of moov-io's connection benchmark: MTI, binary bitmap, 6-digit STAN. */
export const echoSpec = defineSpec({
  name: 'benchmark echo',
  fields: {
    0: { type: 'numeric', length: 4, encoding: 'ascii', description: 'Message Type Indicator' },
    1: { type: 'bitmap', length: 8, encoding: 'binary', description: 'Bitmap' },
    11: { type: 'numeric', length: 6, encoding: 'ascii', description: 'System Trace Audit Number' },
  },
});

export function echoRequest(stan: number): Message {
  return new Message(echoSpec, { mti: '0800', fields: { 11: stan % 1_000_000 } });
}

export function echoResponse(request: Message): Message {
  return new Message(echoSpec, { mti: '0810', fields: { 11: request.get(11) as string } });
}
