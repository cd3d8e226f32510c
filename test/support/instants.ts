import fc from 'fast-check';
import { wallClockFromIntl } from '../../shared/time/wall-clock';

/**
 * Instants for the property tests that hold CareLoop's readings of time to Intl's: anywhere in a
 * span of years, and near the instants a zone's offset changes (a DST change, mostly), where a
 * reading that gets the zone's rules wrong shows it first.
 */

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

const changes = new Map<string, number[]>();

/** The instants a zone's offset changes in a year, to the minute, as Intl reads them (changes less than a week apart count once). */
export function offsetChanges(timeZone: string, year: number): number[] {
  const key = `${timeZone} ${year}`;
  let found = changes.get(key);
  if (found) return found;
  found = [];
  const offset = (ms: number) => wallClockFromIntl(new Date(ms), timeZone).offsetMinutes;
  const end = Date.UTC(year + 1, 0, 1);
  for (let from = Date.UTC(year, 0, 1); from < end; from += WEEK) {
    let [before, after] = [from, Math.min(from + WEEK, end)];
    if (offset(before) === offset(after)) continue;
    while (after - before > MINUTE) {
      const middle = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
      if (offset(middle) === offset(before)) before = middle;
      else after = middle;
    }
    found.push(after);
  }
  changes.set(key, found);
  return found;
}

export interface Reading {
  zone: string;
  instant: Date;
}

/** A zone and an instant within three hours either side of one of its offset changes, to the millisecond. */
export const nearAnOffsetChange = (zones: readonly string[], fromYear: number, toYear: number): fc.Arbitrary<Reading> =>
  fc
    .record({
      zone: fc.constantFrom(...zones),
      year: fc.integer({ min: fromYear, max: toYear }),
      pick: fc.nat(),
      shift: fc.integer({ min: -3 * 60 * MINUTE, max: 3 * 60 * MINUTE }),
    })
    .filter(({ zone, year }) => offsetChanges(zone, year).length > 0)
    .map(({ zone, year, pick, shift }) => {
      const found = offsetChanges(zone, year);
      return { zone, instant: new Date(found[pick % found.length]! + shift) };
    });

/** A zone and any instant from the start of one year to the start of another. */
export const anyTime = (zones: readonly string[], fromYear: number, toYear: number): fc.Arbitrary<Reading> =>
  fc.record({
    zone: fc.constantFrom(...zones),
    instant: fc.date({
      min: new Date(Date.UTC(fromYear, 0, 1)),
      max: new Date(Date.UTC(toYear, 0, 1) - 1),
      noInvalidDate: true,
    }),
  });
