import { offsetMinutes } from './wall-clock';

/**
 * The instant at which the clocks of a time zone show a given date and time: the inverse of
 * `wallClock`, for what is written in local time (`at(2026-03-29T02:30:00)` in Europe/Berlin)
 * and must be acted on at one instant.
 *
 * Around a DST change the inverse is not a function, and this resolves it as Temporal's
 * "compatible" disambiguation does, the choice the Scheduler emulator makes for `at()`
 * schedules (AWS documents DST only for its recurring ones): a time the clocks skip is read
 * with the offset in force before the change, so it moves forward by the gap (02:30 on
 * Berlin's spring-forward night is 03:30 CEST); a time they show twice is its first occurrence.
 *
 * Offsets are read through `wallClock`, to the minute: every zone's offset has been a whole
 * number of minutes since 1972, and the local mean times before it are read to the minute.
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

const DAY_MS = 86_400_000;

/** The wall time's fields read as if they were UTC: the instant it would be at offset zero. */
function asIfUtc(wall: WallTime): number {
  // Not Date.UTC, which reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second ?? 0, 0);
  return date.getTime();
}

const offsetMs = (instantMs: number, timeZone: string): number => offsetMinutes(new Date(instantMs), timeZone) * 60_000;

/**
 * The instant the clocks of `timeZone` (an IANA name, in any spelling Intl accepts) show
 * `wall`; a zone Intl does not know is a RangeError, as it is for Intl.
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): Date {
  const local = asIfUtc(wall);
  // A zone changes its offset at most once in a day, so the offsets a day either side are
  // the only ones this wall time can have been read with.
  const before = offsetMs(local - DAY_MS, timeZone);
  const after = offsetMs(local + DAY_MS, timeZone);
  const occurrences = [local - before, local - after].filter(
    (instant) => instant + offsetMs(instant, timeZone) === local,
  );
  return new Date(occurrences.length > 0 ? Math.min(...occurrences) : local - before);
}
