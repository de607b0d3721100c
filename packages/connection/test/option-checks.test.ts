import { closestName, describeValue, refuseUnknownKeys, requireObject } from '../src/option-checks';

const LINK = ['spec', 'framing', 'sendTimeout', 'idleTime', 'readTimeout', 'connectTimeout', 'closeTimeout'];

describe('describeValue (how a wrong value is named)', () => {
  it.each([
    ['8583', "the string '8583'"],
    [-1, 'the number -1'],
    [NaN, 'the number NaN'],
    [true, 'the boolean true'],
    [5n, 'the bigint 5n'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[1], 'an array'],
    [{}, 'an object'],
    [new Map(), 'a Map'],
    [() => 1, 'a function'],
    [Symbol('s'), 'a symbol'],
  ])('%p is %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('cuts long strings', () => {
    expect(describeValue('x'.repeat(100))).toBe(`the string '${'x'.repeat(32)}…'`);
  });
});

describe('closestName (did-you-mean)', () => {
  it.each([
    ['sendTimout', 'sendTimeout'],
    ['idleTimeout', 'idleTime'],
    ['sendtimeout', 'sendTimeout'],
    ['readTiemout', 'readTimeout'],
  ])('%s → %s', (typo, known) => {
    expect(closestName(typo, LINK)).toBe(known);
  });

  it('offers nothing when no known name is close', () => {
    expect(closestName('retries', LINK)).toBeUndefined();
    expect(closestName('x', ['y', 'spec'])).toBe('y');
    expect(closestName('ab', ['spec'])).toBeUndefined();
  });

  it('finds the reconnect and pool typos of the issue', () => {
    expect(closestName('inital', ['initial', 'max', 'jitter'])).toBe('initial');
    expect(closestName('minConnection', ['addresses', 'connection', 'minConnections', 'reconnect', 'filter'])).toBe(
      'minConnections',
    );
  });
});

describe('refuseUnknownKeys', () => {
  it('refuses a misspelt key, naming the closest known one', () => {
    expect(() => refuseUnknownKeys('connect', { spec: 1, sendTimout: 5 }, LINK)).toThrow(
      new TypeError("connect: unknown option 'sendTimout' — did you mean 'sendTimeout'?"),
    );
  });

  it('lists the known keys when nothing is close', () => {
    expect(() =>
      refuseUnknownKeys('createPool: options.reconnect', { delay: 5 }, ['initial', 'max', 'jitter']),
    ).toThrow(
      new TypeError("createPool: options.reconnect: unknown option 'delay' (known options: initial, max, jitter)"),
    );
  });

  it('accepts known keys, including ones set to undefined, given as a list or a key object', () => {
    expect(() => refuseUnknownKeys('connect', { spec: 1, sendTimeout: undefined }, LINK)).not.toThrow();
    expect(() => refuseUnknownKeys('connect', { spec: 1 }, { spec: true })).not.toThrow();
    expect(() => refuseUnknownKeys('connect', { spc: 1 }, { spec: true })).toThrow(/did you mean 'spec'/);
  });
});

describe('requireObject', () => {
  it('names the type of what was given instead', () => {
    expect(() => requireObject('connect', 'options', '8583')).toThrow(
      new TypeError("connect: options must be an object, got the string '8583'"),
    );
    expect(() => requireObject('connect', 'options', [])).toThrow(/got an array/);
    expect(() => requireObject('connect', 'options', {})).not.toThrow();
  });
});
