import { spec87ascii } from '@rx8583/iso8583';
import { numberedCopies, transmissionClock } from '../src/load/numbering';
import { msg } from './support/messages';

describe('numberedCopies (what load sends)', () => {
  const at = Date.UTC(2026, 11, 1, 10, 30, 0);

  it('gives each copy its STAN, cycling 000001–999999, and field 7, leaving the template alone', () => {
    const number = numberedCopies(spec87ascii, () => at);
    const template = msg('0200', { 3: '000000', 4: '1500' });
    const [first, wrapped] = [number(template, 0), number(template, 999_999)];
    expect([first.get(11), first.get(7), first.get(4)]).toEqual(['000001', '1201103000', '000000001500']);
    expect(wrapped.get(11)).toBe('000001');
    expect(number(template, 41).get(11)).toBe('000042');
    expect(template.has(11)).toBe(false);
  });

  it('adds an RRN to transactions, never to network management, and keeps a template’s own', () => {
    const number = numberedCopies(spec87ascii, () => at);
    const purchase = number(msg('0200', { 3: '000000' }), 7).get(37) as string;
    expect(purchase).toMatch(/^\d{6}000007$/);
    expect(number(msg('0800', { 70: '301' }), 7).has(37)).toBe(false);
    expect(number(msg('0200', { 37: 'ABC123456789' }), 7).get(37)).toBe('ABC123456789');
  });
});

describe('transmissionClock', () => {
  it('formats field 7 once a second, and again when the second changes', () => {
    let now = Date.UTC(2026, 11, 1, 10, 30, 0, 100);
    const clock = transmissionClock(() => now);
    expect(clock()).toBe('1201103000');
    now += 800;
    expect(clock()).toBe('1201103000');
    now += 200;
    expect(clock()).toBe('1201103001');
  });
});
