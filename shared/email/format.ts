/**
 * Locale and time formatting for emails: every date and time is formatted with Intl in
 * the appointment's time zone and the recipient's locale.
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
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0) return tag;
    } catch {
      // fall through to the default
    }
  }
  return language === 'en' ? 'en-GB' : language;
}

function validTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

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

export function createFormatter(locale: string | undefined, timeZone: string): Formatter {
  const language = resolveLanguage(locale);
  const intlLocale = resolveIntlLocale(locale, language);
  const zone = validTimeZone(timeZone);
  const cache = new Map<string, Intl.DateTimeFormat>();
  const dtf = (key: string, options: Intl.DateTimeFormatOptions, tag = intlLocale): Intl.DateTimeFormat => {
    let format = cache.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(tag, { ...options, timeZone: zone });
      cache.set(key, format);
    }
    return format;
  };
  const dayNumber = (at: Date): number => {
    const parts = dtf('ymd', { year: 'numeric', month: 'numeric', day: 'numeric' }, 'en-US').formatToParts(at);
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day')) / 86_400_000;
  };
  return {
    language,
    locale: intlLocale,
    timeZone: zone,
    shortDate: (at) => dtf('short', { weekday: 'short', day: 'numeric', month: 'short' }).format(at),
    longDate: (at) => dtf('long', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at),
    time: (at) => dtf('time', { hour: 'numeric', minute: '2-digit' }).format(at),
    zoneName: (at) =>
      dtf('zone', { timeZoneName: 'long' })
        .formatToParts(at)
        .find((part) => part.type === 'timeZoneName')?.value ?? zone,
    // Not Intl's unit formatting: loading its unit data cost every cold start about 6 ms, for
    // durations (5-480 minutes) that English and German write the same way as plain numbers.
    minutes: (count) => `${count} ${MINUTE_WORDS[language][count === 1 ? 'one' : 'other']}`,
    daysBetween: (from, to) => dayNumber(to) - dayNumber(from),
  };
}
