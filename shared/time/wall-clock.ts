import { canonicalTimeZone } from './time-zones';

/**
 * What a clock on the wall shows in a time zone at an instant: the date, the time, the offset
 * from UTC and the zone's English name.
 *
 * Read through `Date` rather than `Intl.DateTimeFormat`, because the first formatter a process
 * builds is dear (V8 lists every locale ICU has, ICU builds a pattern generator), and every
 * email and every quiet-hours check would pay it in the cold start
 * (docs/decisions/0007-wall-clock-through-date.md, with its figures and the way back). `Date`
 * reads the same ICU time-zone data without that: Node re-reads the `TZ` variable whenever
 * `process.env.TZ` is assigned, and `Date` then keeps local time in that zone. So a reading sets
 * `TZ`, reads the fields and puts `TZ` back, all synchronously: no other code runs in between,
 * and nothing outside the reading ever sees the zone changed.
 *
 * Where that cannot work, Intl answers instead: for the few zone names with digits
 * (`Etc/GMT+3`, which ICU does not take from `TZ`), and wherever a one-time probe finds `TZ`
 * ignored (worker threads, whose `process.env` is a copy ICU never reads). Names come from `Date` only
 * when it writes them in English. `Date` names a zone as ICU names it today, so before a zone was
 * last renamed (Kazakhstan's zones in 2024) it gives today's name; emails name the zone of an
 * appointment to come.
 */

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
  /** Minutes ahead of UTC (Berlin in summer: 120). */
  offsetMinutes: number;
  /** "Central European Summer Time": the zone's long name in American English, as ICU writes it. */
  englishZoneName: string;
}

function readInZone<T>(timeZone: string, read: () => T): T {
  const previous = process.env.TZ;
  process.env.TZ = timeZone;
  try {
    return read();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

const ZONE_NAME = /\(([^()]+)\)$/;

function fromDate(date: Date): WallClock {
  return {
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    weekday: date.getDay(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    // Not -offset, which is -0 in UTC.
    offsetMinutes: 0 - date.getTimezoneOffset(),
    englishZoneName: ZONE_NAME.exec(date.toString())?.[1] ?? '',
  };
}

interface DateSupport {
  /** Date follows `TZ` as it is assigned. */
  fields: boolean;
  /** …and names zones in English. */
  englishNames: boolean;
}

let support: DateSupport | undefined;

/**
 * Reads two zones that no host shares with both (+05:30; St Pierre's -03:00): if both read back,
 * `Date` follows `TZ` here. In a worker thread it does not (its `process.env` is a copy ICU never
 * reads), nor wherever Node stops re-reading `TZ`; readings then come from Intl. (Asking
 * `node:worker_threads` instead would load that module into every cold start.)
 */
function probe(): DateSupport {
  const kolkata = readInZone('Asia/Kolkata', () => fromDate(new Date(0)));
  const miquelon = readInZone('America/Miquelon', () => fromDate(new Date(Date.UTC(2027, 0, 15))));
  const fields = kolkata.offsetMinutes === 330 && miquelon.offsetMinutes === -180;
  // The names are ICU's default locale's: American English where it is en-US, as on Lambda.
  const englishNames =
    kolkata.englishZoneName === 'India Standard Time' &&
    miquelon.englishZoneName === 'St. Pierre & Miquelon Standard Time';
  return { fields, englishNames: fields && englishNames };
}

/** ICU takes a zone from `TZ` only when it looks like an Olson name: no digits, no commas. */
const READABLE_FROM_TZ = /^[^\d,]+$/;

/**
 * `Date` names the zone right only between 1970 and the end of 32-bit seconds (2038-01-19): V8
 * takes the summer-or-winter of a later or earlier instant from an equivalent year (Brasília
 * "Summer Time" in 2040). Outside, the name comes from Intl; the fields are right either way.
 */
const NAMED_BY_DATE_UNTIL = 2 ** 31 * 1000;
const namedByDate = (instant: Date) => instant.getTime() >= 0 && instant.getTime() < NAMED_BY_DATE_UNTIL;

const intlFormats = new Map<string, Intl.DateTimeFormat>();

/** The reading through Intl, in a zone as Intl spells it. */
function readThroughIntl(instant: Date, timeZone: string): WallClock {
  let format = intlFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      timeZoneName: 'long',
    });
    intlFormats.set(timeZone, format);
  }
  const parts = new Map(format.formatToParts(instant).map((part) => [part.type, part.value]));
  const number = (type: Intl.DateTimeFormatPartTypes) => Number(parts.get(type));
  const [year, month, day, hour, minute] = [
    number('year'),
    number('month'),
    number('day'),
    number('hour'),
    number('minute'),
  ];
  const wholeMinute = Math.floor(instant.getTime() / 60_000) * 60_000;
  return {
    year,
    month,
    day,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    hour,
    minute,
    offsetMinutes: Math.round((Date.UTC(year, month - 1, day, hour, minute) - wholeMinute) / 60_000),
    englishZoneName: parts.get('timeZoneName') ?? timeZone,
  };
}

/** Where wallClockFromDate reads the zone from here: `date` (the fast way) or `intl`. */
export function wallClockSource(timeZone: string): 'date' | 'intl' {
  support ??= probe();
  const zone = canonicalTimeZone(timeZone);
  return support.fields && zone !== undefined && READABLE_FROM_TZ.test(zone) ? 'date' : 'intl';
}

/** The zone as Intl spells it; one Intl does not know is a RangeError, as it is for Intl. */
function knownZone(timeZone: string): string {
  const zone = canonicalTimeZone(timeZone);
  if (zone === undefined) throw new RangeError(`Invalid time zone specified: ${timeZone}`);
  return zone;
}

/** The wall clock read through `Date` with `TZ` switched, and through Intl where that cannot work. */
export function wallClockFromDate(instant: Date, timeZone: string): WallClock {
  // ICU reads TZ by its exact name; Intl also takes other spellings and aliases.
  const zone = knownZone(timeZone);
  support ??= probe();
  if (!support.fields || !READABLE_FROM_TZ.test(zone)) return readThroughIntl(instant, zone);
  const clock = readInZone(zone, () => fromDate(instant));
  return support.englishNames && namedByDate(instant)
    ? clock
    : { ...clock, englishZoneName: readThroughIntl(instant, zone).englishZoneName };
}

/** The wall clock read through Intl every time: the way back, and what the tests hold the other to. */
export const wallClockFromIntl = (instant: Date, timeZone: string): WallClock =>
  readThroughIntl(instant, knownZone(timeZone));

/**
 * The wall clock in an IANA time zone (in any letter case Intl accepts: `europe/berlin`) at an
 * instant. A zone Intl does not know is a RangeError, as it is for Intl. The way back to Intl for
 * every reading is `= wallClockFromIntl` here (docs/decisions/0007-wall-clock-through-date.md).
 */
export const wallClock: (instant: Date, timeZone: string) => WallClock = wallClockFromDate;

/** Minutes ahead of UTC in the zone at the instant. */
export const offsetMinutes = (instant: Date, timeZone: string): number => wallClock(instant, timeZone).offsetMinutes;
