import { spec87ascii, spec87binary, specFromJSON, STANDARD_ECHO } from '@rx8583/iso8583';
import spec87asciiJson from '../src/specs/spec87ascii.json';
import spec87binaryJson from '../src/specs/spec87binary.json';
import { thrown } from './support/specs';

import { AUTHORIZATION_ECHO, fullRequest } from './support/full-request';

describe('spec echo lists', () => {
  it('ship in the built-in specs and their JSON files, and survive a JSON round trip', () => {
    const expected = {
      authorization: AUTHORIZATION_ECHO,
      financial: AUTHORIZATION_ECHO,
      reversal: [...AUTHORIZATION_ECHO, 90],
      networkManagement: [7, 11, 70],
      default: [7, 11, 32, 33, 37, 41, 42],
    };
    for (const spec of [spec87ascii, spec87binary, spec87asciiJson, spec87binaryJson]) {
      expect(spec.echo).toEqual(expected);
    }
    const reloaded = specFromJSON(JSON.stringify(spec87binary));
    expect(reloaded.echo).toEqual(expected);
    expect(fullRequest(reloaded, '0420').toResponse().fieldNumbers()).toEqual([...AUTHORIZATION_ECHO, 90]);
    expect(STANDARD_ECHO.networkManagement).toEqual([7, 11, 70]);
  });

  it.each([
    [[], 'spec: echo must be an object of field lists by MTI class'],
    [{ reversals: [90] }, "spec: echo: unknown MTI class 'reversals', expected one of authorization, financial"],
    [{ default: 11 }, 'spec: echo.default must be an array of field numbers'],
    [{ default: [1] }, 'spec: echo.default: field numbers are 2..128, got 1'],
    [{ default: ['11'] }, 'spec: echo.default: field numbers are 2..128, got "11"'],
    [{ financial: [11, 11] }, 'field 11: listed twice in echo.financial'],
    [{ default: [99] }, 'field 99: echo.default lists it, but the spec does not define it'],
    [{ authorization: [35] }, 'field 35: echo.authorization lists it, but a response never echoes card data'],
    [{ authorization: [14] }, 'field 14: echo.authorization lists it, but a response never echoes card data'],
    [{ networkManagement: [128] }, 'field 128: echo.networkManagement lists it, but a response never echoes'],
  ])('refuses echo %j: %s', (echo, message) => {
    const fields = Object.fromEntries(Object.entries(spec87ascii.fields).filter(([n]) => n !== '99'));
    const spec = { name: 'bad echo', fields, echo };
    const error = thrown(() => specFromJSON(spec));
    expect(error.name).toBe('SpecError');
    expect(error.message).toContain(message);
  });

  it('refuses to echo a field the spec marks as track, PIN or secret data', () => {
    const spec = {
      name: 'pin in 48',
      fields: { ...spec87ascii.fields, 48: { type: 'binary', length: 8, encoding: 'binary', sensitive: 'pin' } },
      echo: { default: [48] },
    };
    expect(thrown(() => specFromJSON(spec))).toMatchObject({ name: 'SpecError', field: 48 });
  });
});
