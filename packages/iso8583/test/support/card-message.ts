import { Message, spec87ascii } from '@rx8583/iso8583';

export const PAN = '4761739001010119';
export const TRACK2 = `${PAN}=25122011143804400000`;
export const TRACK1 = `B${PAN}^CARDHOLDER/JANE^2512201100000000000000443000000`;
export const PIN_BLOCK = 'A1B2C3D4E5F60718';
export const MAC = '0F1E2D3C4B5A6978';

export function cardMessage(): Message {
  return new Message(spec87ascii, {
    mti: '0100',
    fields: {
      2: PAN,
      4: 1500,
      14: '2512',
      35: TRACK2,
      41: 'TERM0001',
      45: TRACK1,
      52: PIN_BLOCK,
      55: [
        { tag: '5A', value: PAN },
        { tag: '57', value: `${PAN}D25122011143804400000F` },
        { tag: '9F02', value: '000000001500' },
        { tag: 'DF7F', value: 'CAFEBABE' },
      ],
      64: MAC,
    },
  });
}

// Values that must never be readable: the PAN's middle digits, track discretionary data, PIN, MAC.
export const SECRETS = [PAN, '739001', '25122011143804400000', 'CARDHOLDER', PIN_BLOCK, MAC, 'CAFEBABE'];
