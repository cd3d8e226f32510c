import { canonicalTimeZone } from '../shared/time/time-zones';

/**
 * The checks the contract's fields make beyond zod's own, as named functions with no zod in
 * them: the schemas (events/fields.ts) and the parsers compiled from them
 * (events/event-parsers.generated.ts) call the same ones.
 */

// C0 controls, DEL and C1 controls: any of them in a header-bound field could split a header.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export const trimText = (value: string): string => value.trim();

export const hasNoControlCharacters = (value: string): boolean => !CONTROL_CHARACTER.test(value);

/**
 * Characters that change what a patient reads without being seen, refused in every string shown
 * to one (contract 1.1): the next-line, line and paragraph separators, which some calendar and
 * mail parsers split lines on; the bidirectional embeddings, overrides and isolates, which can
 * show text reversed; the zero-width space and the byte-order mark. The zero-width joiner and
 * non-joiner (U+200D, U+200C) stay: some scripts need them in names.
 */
export const DISGUISING_CHARACTER = /[\u0085\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/;

export const hasNoDisguisingCharacters = (value: string): boolean => !DISGUISING_CHARACTER.test(value);

/**
 * An absolute https URL, as a clinic's website or booking page must be: an `http:` link would
 * send patients over plain text, a `javascript:` one would run script. The booking page may hold
 * `{bookingId}` and `{patientId}`, which CareLoop fills in (URL-encoded) before linking to it.
 */
export function isHttpsUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

export const isRealDateTime = (value: string): boolean => !Number.isNaN(Date.parse(value));

export const isRealDate = (value: string): boolean => !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

export const isIanaTimeZone = (value: string): boolean => canonicalTimeZone(value) !== undefined;

export function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/**
 * A string's length in code points, as zod counts it for minLength and maxLength: a surrogate
 * pair is one character. A copy of zod's own, which the compiled parsers cannot import.
 */
export function codePointLength(value: string): number {
  const units = value.length;
  if (!HIGH_SURROGATE.test(value)) return units;
  let count = units;
  for (let index = 0; index < units - 1; index++) {
    if ((value.charCodeAt(index) & 0xfc00) === 0xd800 && (value.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      count--;
      index++;
    }
  }
  return count;
}

/** What a compiled parser does when a rule answers with a promise: none of the above ever does. */
export function throwOnAsyncRule(): never {
  throw new Error('a field rule returned a promise; the contract’s rules are synchronous');
}
