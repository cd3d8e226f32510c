import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createFormatter, type Formatter } from '../../../shared/email/format';
import { anyTime, nearAnOffsetChange } from '../../support/instants';

describe('durations in emails', () => {
  it.each(['en', 'en-US', 'en-GB', 'de', 'de-AT', 'de-CH', undefined])(
    'reads as Intl would write it for every duration the contract allows (locale %s)',
    (locale) => {
      const format = createFormatter(locale, 'Europe/Berlin');
      const intl = new Intl.NumberFormat(format.locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
      for (let minutes = 1; minutes <= 480; minutes++) expect(format.minutes(minutes)).toBe(intl.format(minutes));
    },
  );
});

describe('dates, times and zone names in emails', () => {
  // Winter and summer, single- and double-digit days, every month, midnight, noon and evening.
  const instants = Array.from(
    { length: 12 },
    (_, month) => new Date(Date.UTC(2027, month, 3 + month * 2, month * 2, month * 5)),
  );
  const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];

  it.each([
    ['en', 'en-GB'],
    ['en-GB', 'en-GB'],
    ['en-US', 'en-US'],
    ['de', 'de'],
    ['de-DE', 'de-DE'],
    [undefined, 'en-GB'],
  ])('read as Intl writes them, in every zone (locale %s, written as %s)', (locale, intlLocale) => {
    const differences: string[] = [];
    for (const zone of zones) {
      const format = createFormatter(locale, zone);
      expect(format.locale).toBe(intlLocale);
      const intl = (options: Intl.DateTimeFormatOptions) =>
        new Intl.DateTimeFormat(intlLocale, { ...options, timeZone: zone });
      const short = intl({ weekday: 'short', day: 'numeric', month: 'short' });
      const long = intl({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
      const time = intl({ hour: 'numeric', minute: '2-digit' });
      const zoneName = intl({ timeZoneName: 'long' });
      for (const at of instants) {
        const expected = [
          short.format(at),
          long.format(at),
          time.format(at),
          zoneName.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value,
        ];
        const written = [format.shortDate(at), format.longDate(at), format.time(at), format.zoneName(at)];
        if (JSON.stringify(written) !== JSON.stringify(expected))
          differences.push(`${zone} ${at.toISOString()}: ${JSON.stringify(written)} ≠ ${JSON.stringify(expected)}`);
      }
    }
    expect(differences.slice(0, 10)).toEqual([]);
  });

  it.each(['de-AT', 'en-AU', 'de-CH'])('leaves other locales to Intl (%s)', (locale) => {
    const at = new Date('2027-01-05T09:30:00Z');
    const format = createFormatter(locale, 'Europe/Vienna');
    expect(format.longDate(at)).toBe(
      new Intl.DateTimeFormat(locale, {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'Europe/Vienna',
      }).format(at),
    );
  });

  it('counts calendar days in the zone, not in UTC', () => {
    const format = createFormatter('en', 'Pacific/Auckland');
    // 11:30 UTC on 3 March is already 4 March, 00:30, in Auckland.
    expect(format.daysBetween(new Date('2027-03-03T10:00:00Z'), new Date('2027-03-03T11:30:00Z'))).toBe(1);
  });
});

describe('dates written from the tables against Intl, at any instant', () => {
  const written = (format: Formatter, at: Date) => ({
    locale: format.locale,
    timeZone: format.timeZone,
    shortDate: format.shortDate(at),
    longDate: format.longDate(at),
    time: format.time(at),
    zoneName: format.zoneName(at),
  });
  const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC', 'europe/berlin', 'US/Eastern', 'Etc/GMT+3'];
  // Every locale the tables write, as a recipient may spell it.
  const locale = fc.constantFrom(undefined, 'en', 'en-GB', 'en-US', 'en_US', 'de', 'de-DE', 'DE-de');

  it('writes them from the tables, building no Intl formatter (else the comparison below compares Intl with Intl)', () => {
    const at = new Date('2027-07-01T10:00:00Z');
    // What is built once per process is built before counting.
    createFormatter('de', 'Europe/Berlin', 'tables').longDate(at);
    const intl = vi.spyOn(Intl, 'DateTimeFormat');
    try {
      for (const locale of ['en', 'en-US', 'de']) {
        written(createFormatter(locale, 'Europe/Berlin', 'tables'), at);
      }
      expect(intl).not.toHaveBeenCalled();
    } finally {
      intl.mockRestore();
    }
  });

  // From 2026, as the wall clock's names are (test/unit/time/wall-clock.test.ts says why).
  it('writes what Intl writes, in English and German, in every zone, near offset changes above all', () => {
    fc.assert(
      fc.property(
        locale,
        fc.oneof(anyTime(zones, 2026, 2200), nearAnOffsetChange(zones, 2026, 2060)),
        (locale, { zone, instant }) => {
          expect(written(createFormatter(locale, zone, 'tables'), instant)).toEqual(
            written(createFormatter(locale, zone, 'intl'), instant),
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
