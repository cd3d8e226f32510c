import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone } from '../../../shared/time/time-zones';
import {
  offsetMinutes,
  wallClock,
  wallClockSource,
  wallClockFromDate,
  wallClockFromIntl,
  type WallClock,
} from '../../../shared/time/wall-clock';
import { anyTime, nearAnOffsetChange, type Reading } from '../../support/instants';

// Every zone Intl lists, the spellings it also accepts, and zones ICU will not read from TZ.
const ZONES = [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/GMT+3', 'Etc/GMT-14', 'europe/berlin', 'US/Eastern'];

// Winter and summer, both sides of Berlin's and New York's 2027 DST changes, midnight, a leap day.
const INSTANTS = [
  '2027-01-15T12:00:00Z',
  '2027-07-15T23:59:00Z',
  '2027-03-28T00:59:00Z',
  '2027-03-28T01:00:00Z',
  '2027-10-31T00:59:00Z',
  '2027-10-31T01:00:00Z',
  '2027-03-14T06:59:00Z',
  '2027-03-14T07:00:00Z',
  '2028-02-29T00:00:00Z',
].map((text) => new Date(text));

describe('the wall clock in a time zone', () => {
  it('is read through Date wherever ICU takes the zone from TZ (else the comparison below proves nothing)', () => {
    expect(wallClockSource('Europe/Berlin')).toBe('date');
    expect(wallClockSource('europe/berlin')).toBe('date');
    expect(wallClockSource('Etc/GMT+3')).toBe('intl');
  });

  it('reads what Intl reads, for every zone Intl lists, at every instant', () => {
    const differences: string[] = [];
    for (const zone of ZONES) {
      for (const instant of INSTANTS) {
        const read = wallClockFromDate(instant, zone);
        const intl = wallClockFromIntl(instant, zone);
        if (JSON.stringify(read) !== JSON.stringify(intl))
          differences.push(`${zone} ${instant.toISOString()}: ${JSON.stringify(read)} ≠ ${JSON.stringify(intl)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('gives Berlin its summer and winter offsets and names', () => {
    expect(wallClock(new Date('2027-07-01T10:00:00Z'), 'Europe/Berlin')).toEqual({
      year: 2027,
      month: 7,
      day: 1,
      weekday: 4,
      hour: 12,
      minute: 0,
      offsetMinutes: 120,
      englishZoneName: 'Central European Summer Time',
    });
    expect(offsetMinutes(new Date('2027-01-01T10:00:00Z'), 'Europe/Berlin')).toBe(60);
  });

  it('leaves the process time zone as it found it, set or not', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      wallClock(new Date('2027-07-01T10:00:00Z'), 'Asia/Tokyo');
      expect(process.env.TZ).toBe('America/New_York');
      expect(new Date('2027-07-01T10:00:00Z').getHours()).toBe(6);
      delete process.env.TZ;
      wallClock(new Date('2027-07-01T10:00:00Z'), 'Asia/Tokyo');
      expect('TZ' in process.env).toBe(false);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('refuses a zone Intl does not know, as Intl does', () => {
    expect(() => wallClockFromDate(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => wallClockFromIntl(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('is read one of the two ways (shared/time/wall-clock.ts chooses in one line)', () => {
    expect([wallClockFromDate, wallClockFromIntl]).toContain(wallClock);
  });
});

describe('the wall clock through Date against Intl, at any instant', () => {
  const same =
    (read: (clock: WallClock) => unknown) =>
    ({ zone, instant }: Reading) => {
      expect(read(wallClockFromDate(instant, zone))).toEqual(read(wallClockFromIntl(instant, zone)));
    };

  it('reads the same date, time, offset and zone name, from 2026 on, near offset changes above all', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyTime(ZONES, 2026, 2200),
          nearAnOffsetChange(ZONES, 2026, 2100),
          nearAnOffsetChange(ZONES, 2037, 2038),
        ),
        same((clock) => clock),
      ),
      { numRuns: 3_000 },
    );
  });

  // Before, Date names a zone as it is named now: Kazakhstan's "East Kazakhstan Time" of 2023 is
  // "Kazakhstan Time". Emails name the zone of an appointment to come.
  it('reads the same date, time and offset from 1975 on', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyTime(ZONES, 1975, 2300), nearAnOffsetChange(ZONES, 1975, 2026)),
        same(({ englishZoneName: _name, ...fields }) => fields),
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('the time zones the contract accepts', () => {
  it.each(['Europe/Berlin', 'UTC', 'utc', 'europe/berlin', 'US/Eastern', 'Etc/GMT+3'])(
    'accepts %s, as Intl does',
    (zone) => {
      expect(canonicalTimeZone(zone)).toBe(
        new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone,
      );
    },
  );

  it.each(['', 'Berlin', 'Mars/Olympus_Mons', 'Europe/Berlin '])('refuses %j, as Intl does', (zone) => {
    expect(canonicalTimeZone(zone)).toBeUndefined();
  });
});
