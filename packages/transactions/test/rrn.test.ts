import { createRrnGenerator, localTransactionTime, transmissionDateTime } from '@rx8583/transactions';

describe('date fields', () => {
  it('field 7 is MMDDhhmmss in UTC', () => {
    expect(transmissionDateTime(new Date('2026-03-09T07:05:01.999Z'))).toBe('0309070501');
    expect(transmissionDateTime(new Date('2026-12-31T23:59:59Z'))).toBe('1231235959');
  });

  it('fields 12 and 13 are the acceptor’s wall clock, across a date line and DST', () => {
    // 23:30 UTC is already the next day in Berlin (UTC+1 in winter, +2 in summer).
    expect(localTransactionTime(new Date('2026-03-09T23:30:00Z'), 'Europe/Berlin')).toEqual({
      time: '003000',
      date: '0310',
    });
    expect(localTransactionTime(new Date('2026-07-01T22:15:00Z'), 'Europe/Berlin')).toEqual({
      time: '001500',
      date: '0702',
    });
    expect(localTransactionTime(new Date('2026-01-01T03:00:00Z'), 'America/New_York')).toEqual({
      time: '220000',
      date: '1231',
    });
    expect(localTransactionTime(new Date('2026-01-01T00:00:00Z'), 'UTC')).toEqual({ time: '000000', date: '0101' });
  });

  it('refuses an unknown time zone by name', () => {
    expect(() => localTransactionTime(new Date(), 'Mars/Olympus')).toThrow("unknown time zone 'Mars/Olympus'");
    expect(() => transmissionDateTime(new Date(Number.NaN))).toThrow('transmissionDateTime: expected a valid Date');
  });
});

describe('createRrnGenerator', () => {
  it('lays out last digit of year + day of year + hour + sequence', () => {
    let n = 122;
    const rrn = createRrnGenerator({ sequence: () => ++n });
    expect(rrn(new Date('2026-03-09T14:05:00Z'))).toBe('606814000123'); // day 68 of 2026
    expect(rrn(new Date('2024-12-31T23:00:00Z'))).toBe('436623000124'); // leap year: day 366
  });

  it('uses the configured zone for year, day and hour', () => {
    const rrn = createRrnGenerator({ sequence: () => '000001', timeZone: 'Asia/Tokyo' });
    expect(rrn(new Date('2026-12-31T16:00:00Z'))).toBe('700101000001'); // already 1 Jan 2027, 01:00 in Tokyo
  });

  it('takes a custom layout, and refuses one that is not 12 characters', () => {
    const rrn = createRrnGenerator({
      sequence: () => '42',
      format: (p) => `${p.year}${String(p.dayOfYear).padStart(3, '0')}${p.sequence.padStart(5, '0')}`,
    });
    expect(rrn(new Date('2026-02-01T00:00:00Z'))).toBe('202603200042');
    const bad = createRrnGenerator({ sequence: () => 1, format: () => 'short' });
    expect(() => bad()).toThrow('createRrnGenerator: an RRN has 12 characters, format gave 5');
  });
});
