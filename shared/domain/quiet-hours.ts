import { offsetMinutes, wallClock } from '../time/wall-clock';

/**
 * Quiet hours: reminders and check-ins are not delivered at night in the booking's time
 * zone. A reminder that would fall inside them moves earlier (it must still come before the
 * visit); a check-in moves later (the next morning is kinder than late at night).
 */

export interface QuietHours {
  /** Minutes after local midnight when quiet hours begin, e.g. 21:00 → 1260. */
  startMinutes: number;
  /** Minutes after local midnight when they end, e.g. 08:00 → 480. */
  endMinutes: number;
}

/** A reminder moved out of quiet hours goes this long before they begin, leaving time for delivery. */
const EARLIER_MARGIN_MINUTES = 15;

/** Parses `21:00-08:00`; `off` (or empty) means no quiet hours. */
export function parseQuietHours(value: string | undefined): QuietHours | undefined {
  if (value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'off') return undefined;
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(value.trim());
  if (!match) throw new Error(`quiet hours must look like 21:00-08:00 or off, not "${value}"`);
  const [startHour, startMinute, endHour, endMinute] = match.slice(1).map(Number) as [number, number, number, number];
  if (startHour > 23 || endHour > 23 || startMinute > 59 || endMinute > 59) {
    throw new Error(`quiet hours must use times from 00:00 to 23:59, not "${value}"`);
  }
  const quiet = { startMinutes: startHour * 60 + startMinute, endMinutes: endHour * 60 + endMinute };
  if (quiet.startMinutes === quiet.endMinutes) throw new Error('quiet hours must not start and end at the same time');
  return quiet;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

function wallTime(instant: Date, timeZone: string): WallTime {
  const clock = wallClock(instant, timeZone);
  return { year: clock.year, month: clock.month, day: clock.day, minutes: clock.hour * 60 + clock.minute };
}

/**
 * The instant a local wall time names. A time skipped by a DST change resolves to the same
 * distance past the change (02:30 on a spring-forward night is 03:30), as calendars do.
 */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, 0, minutes);
  const first = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  const second = guess - offsetMinutes(new Date(first), timeZone) * 60_000;
  return new Date(Math.max(first, second));
}

function inQuietHours(minutes: number, quiet: QuietHours): boolean {
  return quiet.startMinutes < quiet.endMinutes
    ? minutes >= quiet.startMinutes && minutes < quiet.endMinutes
    : minutes >= quiet.startMinutes || minutes < quiet.endMinutes;
}

const addDays = (wall: WallTime, days: number) => {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
};

/** Moves an instant out of quiet hours in the zone: earlier to just before they begin, or later to their end. */
export function outsideQuietHours(
  instant: Date,
  timeZone: string,
  quiet: QuietHours | undefined,
  direction: 'earlier' | 'later',
): Date {
  if (!quiet) return instant;
  const wall = wallTime(instant, timeZone);
  if (!inQuietHours(wall.minutes, quiet)) return instant;
  const wraps = quiet.startMinutes > quiet.endMinutes;
  // The local day on which this stretch of quiet hours began, and the one on which it ends.
  const startedYesterday = wraps && wall.minutes < quiet.endMinutes;
  const endsTomorrow = wraps && wall.minutes >= quiet.startMinutes;
  if (direction === 'earlier') {
    const day = startedYesterday ? addDays(wall, -1) : addDays(wall, 0);
    return instantOf(day.year, day.month, day.day, quiet.startMinutes - EARLIER_MARGIN_MINUTES, timeZone);
  }
  const day = endsTomorrow ? addDays(wall, 1) : addDays(wall, 0);
  return instantOf(day.year, day.month, day.day, quiet.endMinutes, timeZone);
}
