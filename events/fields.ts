import * as z from 'zod/mini';
import './zod-messages';
import { canonicalTimeZone } from './time-zones';

/**
 * Field rules shared by every event of contract version 1 (../shared/contract/EVENTS.md).
 * Messages name the rule, never the value: validation errors end up in logs and
 * dead letters, and a value may be a patient's name or address.
 */

/** Unbounded strings in the contract are at most 500 characters. */
export const DEFAULT_MAX_LENGTH = 500;

// C0 controls, DEL and C1 controls: any of them in a header-bound field could split a header.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const CLINIC_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

export const text = (max = DEFAULT_MAX_LENGTH) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/**
 * A string that can reach an email header (names, service and therapist names, addresses).
 * The control-character check runs before trimming: a trailing CR/LF is an injection attempt,
 * not whitespace to tidy away.
 */
export const headerSafeText = (max = DEFAULT_MAX_LENGTH) => z.pipe(noControlCharacters(), text(max));

const noControlCharacters = () =>
  z.string().check(
    z.refine((value) => !CONTROL_CHARACTER.test(value), {
      message: 'must not contain control characters',
      abort: true,
    }),
  );

export const identifier = () =>
  z.string().check(z.trim(), z.regex(ID_PATTERN, { message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' }));

export const clinicId = () =>
  z.string().check(z.trim(), z.regex(CLINIC_ID_PATTERN, { message: 'must be 1-64 characters of a-z 0-9 -' }));

/** ISO 8601 date-time that names its offset, so it is one instant wherever it is read. */
export const instant = () =>
  z.pipe(
    z.string().check(z.trim()),
    z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset (Z or ±hh:mm)' })
      .check(z.refine((value) => !Number.isNaN(Date.parse(value)), { message: 'must be a real date-time' })),
  );

export const isoDate = () =>
  z.pipe(
    z.string().check(z.trim()),
    z.iso
      .date({ message: 'must be an ISO 8601 date (YYYY-MM-DD)' })
      .check(z.refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), { message: 'must be a real date' })),
  );

const isIanaTimeZone = (value: string): boolean => canonicalTimeZone(value) !== undefined;

export const timeZone = () =>
  z
    .string()
    .check(
      z.trim(),
      z.maxLength(64),
      z.refine(isIanaTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
    );

function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export const locale = () =>
  z
    .string()
    .check(
      z.trim(),
      z.maxLength(35),
      z.refine(isLanguageTag, { message: 'must be a BCP 47 language tag such as en or de-AT' }),
    );

export const emailAddress = () =>
  z.pipe(
    noControlCharacters(),
    z.pipe(z.string().check(z.trim(), z.maxLength(254)), z.email({ message: 'must be an email address' })),
  );

/** A whole number: one that is not a number at all is told so, apart from one with a fraction. */
export const integerBetween = (min: number, max: number) =>
  z
    .int({ error: (issue) => (typeof issue.input === 'number' ? 'must be an integer' : 'must be a number') })
    .check(
      z.minimum(min, { message: `must be at least ${min}` }),
      z.maximum(max, { message: `must be at most ${max}` }),
    );

export const therapist = () =>
  z.object({
    therapistId: text(),
    name: headerSafeText(),
  });

/** The fields every detail carries. */
export const commonFields = () => ({
  eventId: identifier(),
  occurredAt: instant(),
  clinicId: clinicId(),
});
