import { canonicalTimeZone } from '../time/time-zones';
import { wallClock, type WallClock } from '../time/wall-clock';

/**
 * Locale and time formatting for emails: every date and time in the appointment's time zone
 * and the recipient's locale, as Intl writes it.
 *
 * The locales CareLoop's patients mostly have (British and American English, German) are
 * written from the tables below and the wall clock (shared/time/wall-clock.ts), without
 * building an `Intl.DateTimeFormat`: the first one in a process is dear enough to show in every
 * cold start that writes an email (docs/decisions/0008-date-tables.md). Tests hold the tables
 * to Intl's own output. Every other locale (`de-AT`'s "Jänner", `en-AU`) is formatted by Intl
 * itself.
 */

export type Language = 'en' | 'de';

const LANGUAGES: readonly Language[] = ['en', 'de'];

function canonical(locale: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}

/** The template language for a BCP 47 tag: `de-AT` → `de`; unknown or invalid → `en`. */
export function resolveLanguage(locale: string | undefined): Language {
  const tag = locale ? canonical(locale) : undefined;
  const language = tag?.split('-')[0]?.toLowerCase();
  return LANGUAGES.find((known) => known === language) ?? 'en';
}

/**
 * The Intl locale for dates and numbers: the recipient's own tag when its language is the
 * template language (so `en-US` gets US dates, `de-AT` Austrian month names), else the
 * template language's default. A bare `en` is formatted the British way ("Wed 3 Mar,
 * 15:30"), the contract's example.
 */
export function resolveIntlLocale(locale: string | undefined, language: Language): string {
  const tag = locale ? canonical(locale) : undefined;
  if (tag && tag.split('-')[0]?.toLowerCase() === language && tag.toLowerCase() !== 'en') {
    if (Object.hasOwn(TABLES, tag)) return tag;
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0) return tag;
    } catch {
      // fall through to the default
    }
  }
  return language === 'en' ? 'en-GB' : language;
}

function validTimeZone(timeZone: string): string {
  return canonicalTimeZone(timeZone) ?? 'UTC';
}

interface LocaleTable {
  shortDate(clock: WallClock): string;
  longDate(clock: WallClock): string;
  time(clock: WallClock): string;
  /** The zone's long name from its English one; undefined where the table has none. */
  zoneName(englishName: string): string | undefined;
}

const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DE_DAYS = ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'];
const DE_MONTHS = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
];
const DE_SHORT_MONTHS = [
  'Jan.',
  'Feb.',
  'März',
  'Apr.',
  'Mai',
  'Juni',
  'Juli',
  'Aug.',
  'Sept.',
  'Okt.',
  'Nov.',
  'Dez.',
];

/** CLDR's German names for the zones of the English names Europe's clinics show; others come from Intl. */
const DE_ZONE_NAMES: Readonly<Record<string, string>> = {
  'Central European Standard Time': 'Mitteleuropäische Normalzeit',
  'Central European Summer Time': 'Mitteleuropäische Sommerzeit',
  'Western European Standard Time': 'Westeuropäische Normalzeit',
  'Western European Summer Time': 'Westeuropäische Sommerzeit',
  'Eastern European Standard Time': 'Osteuropäische Normalzeit',
  'Eastern European Summer Time': 'Osteuropäische Sommerzeit',
  'Greenwich Mean Time': 'Mittlere Greenwich-Zeit',
  'British Summer Time': 'Britische Sommerzeit',
  'Irish Standard Time': 'Irische Sommerzeit',
  'Coordinated Universal Time': 'Koordinierte Weltzeit',
};

const twoDigits = (value: number) => String(value).padStart(2, '0');
const hour24 = (clock: WallClock) => `${clock.hour}:${twoDigits(clock.minute)}`;
const american = (name: string) => name;
// The one metazone CLDR names differently in British English: no full stop after "St".
const british = (name: string) => name.replace(/^St\. Pierre/, 'St Pierre');

const GERMAN: LocaleTable = {
  shortDate: (c) => `${DE_DAYS[c.weekday]!.slice(0, 2)}., ${c.day}. ${DE_SHORT_MONTHS[c.month - 1]}`,
  longDate: (c) => `${DE_DAYS[c.weekday]}, ${c.day}. ${DE_MONTHS[c.month - 1]} ${c.year}`,
  time: hour24,
  zoneName: (name) => DE_ZONE_NAMES[name],
};

const TABLES: Readonly<Record<string, LocaleTable>> = {
  'en-GB': {
    // CLDR's British abbreviation for September is "Sept".
    shortDate: (c) =>
      `${EN_DAYS[c.weekday]!.slice(0, 3)} ${c.day} ${c.month === 9 ? 'Sept' : EN_MONTHS[c.month - 1]!.slice(0, 3)}`,
    longDate: (c) => `${EN_DAYS[c.weekday]}, ${c.day} ${EN_MONTHS[c.month - 1]} ${c.year}`,
    time: hour24,
    zoneName: british,
  },
  'en-US': {
    shortDate: (c) => `${EN_DAYS[c.weekday]!.slice(0, 3)}, ${EN_MONTHS[c.month - 1]!.slice(0, 3)} ${c.day}`,
    longDate: (c) => `${EN_DAYS[c.weekday]}, ${EN_MONTHS[c.month - 1]} ${c.day}, ${c.year}`,
    time: (c) => `${c.hour % 12 || 12}:${twoDigits(c.minute)} ${c.hour < 12 ? 'AM' : 'PM'}`,
    zoneName: american,
  },
  de: GERMAN,
  'de-DE': GERMAN,
};

/** How dates, times and zone names are written: from the tables where the locale has one, or by Intl. */
export type DateWriting = 'tables' | 'intl';

/** `'intl'` here is the way back from the tables for every locale (docs/decisions/0008-date-tables.md). */
const DATE_WRITING: DateWriting = 'tables';

const MINUTE_WORDS: Record<Language, Record<'one' | 'other', string>> = {
  en: { one: 'minute', other: 'minutes' },
  de: { one: 'Minute', other: 'Minuten' },
};

export interface Formatter {
  readonly language: Language;
  readonly locale: string;
  readonly timeZone: string;
  /** "Wed 3 Mar" */
  shortDate(at: Date): string;
  /** "Wednesday 3 March 2027" */
  longDate(at: Date): string;
  /** "15:30" (or "3:30 PM" where the locale says so) */
  time(at: Date): string;
  /** "Central European Standard Time" */
  zoneName(at: Date): string;
  /** "60 minutes" */
  minutes(count: number): string;
  /** Calendar days from `from` to `to`, counted in the time zone (0: same day, 1: next day). */
  daysBetween(from: Date, to: Date): number;
}

/** `writing` is for the tests, which write every date both ways and compare. */
export function createFormatter(
  locale: string | undefined,
  timeZone: string,
  writing: DateWriting = DATE_WRITING,
): Formatter {
  const language = resolveLanguage(locale);
  const intlLocale = resolveIntlLocale(locale, language);
  const zone = validTimeZone(timeZone);
  const cache = new Map<string, Intl.DateTimeFormat>();
  const dtf = (key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => {
    let format = cache.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(intlLocale, { ...options, timeZone: zone });
      cache.set(key, format);
    }
    return format;
  };
  const intlZoneName = (at: Date) =>
    dtf('zone', { timeZoneName: 'long' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? zone;
  const table = writing === 'tables' && Object.hasOwn(TABLES, intlLocale) ? TABLES[intlLocale] : undefined;
  // An email writes the same instant several times (date, time, zone name): read it once.
  const readings = new Map<number, WallClock>();
  const clock = (at: Date) => {
    let reading = readings.get(at.getTime());
    if (!reading) {
      reading = wallClock(at, zone);
      readings.set(at.getTime(), reading);
    }
    return reading;
  };
  const dayNumber = (at: Date): number => {
    const { year, month, day } = clock(at);
    return Date.UTC(year, month - 1, day) / 86_400_000;
  };
  return {
    language,
    locale: intlLocale,
    timeZone: zone,
    shortDate: (at) =>
      table
        ? table.shortDate(clock(at))
        : dtf('short', { weekday: 'short', day: 'numeric', month: 'short' }).format(at),
    longDate: (at) =>
      table
        ? table.longDate(clock(at))
        : dtf('long', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at),
    time: (at) => (table ? table.time(clock(at)) : dtf('time', { hour: 'numeric', minute: '2-digit' }).format(at)),
    zoneName: (at) => (table ? table.zoneName(clock(at).englishZoneName) : undefined) ?? intlZoneName(at),
    // Not Intl's unit formatting, whose unit data every cold start would load, for durations
    // (5-480 minutes) that English and German write as plain numbers
    // (docs/decisions/0004-durations-without-intl.md).
    minutes: (count) => `${count} ${MINUTE_WORDS[language][count === 1 ? 'one' : 'other']}`,
    daysBetween: (from, to) => dayNumber(to) - dayNumber(from),
  };
}
