// Type-checked, never run: the same packages from a CommonJS TypeScript module (compiled to require()).
import { spec87binary, Message, PackError } from '@rx8583/iso8583';
import { framing, SendTimeoutError, type Connection } from '@rx8583/connection';
import manifest = require('@rx8583/connection/package.json');

export const name: string = manifest.name;
export const binary = framing.ascii4();

export async function send(conn: Connection): Promise<boolean> {
  try {
    await conn.send(new Message(spec87binary, { mti: '0800', fields: { 11: 1, 70: '301' } }));
    return true;
  } catch (error) {
    if (error instanceof SendTimeoutError || error instanceof PackError) return false;
    throw error;
  }
}
