import * as z from 'zod/mini';
import './zod-messages';
import {
  hasNoControlCharacters,
  hasNoDisguisingCharacters,
  isHttpsUrl,
  isIanaTimeZone,
  isLanguageTag,
  isRealDate,
  isRealDateTime,
  trimText,
} from './field-rules';

/**
 * Field rules shared by every event of the contract (docs/EVENTS.md).
 * Messages name the rule, never the value: validation errors end up in logs and
 * dead letters, and a value may be a patient's name or address.
 */

/** Unbounded strings in the contract are at most 500 characters. */
export const DEFAULT_MAX_LENGTH = 500;

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const CLINIC_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

/** zod's `z.trim()`, through a function the compiled parsers can name. */
const trim = () => z.overwrite(trimText);

export const text = (max = DEFAULT_MAX_LENGTH) => z.string().check(trim(), z.minLength(1), z.maxLength(max));

/**
 * A string shown to a patient (location, note, reason): free of the characters that would change
 * what they read without being seen. Checked before trimming, as trimming removes some of them.
 */
export const shownText = (max = DEFAULT_MAX_LENGTH) => z.pipe(noDisguisingCharacters(), text(max));

/**
 * A string that can reach an email header (names, service and therapist names): no control
 * characters, and, as it is shown to the patient too, none that disguise it. The checks run before
 * trimming: a trailing CR/LF is an injection attempt, not whitespace to tidy away.
 */
export const headerSafeText = (max = DEFAULT_MAX_LENGTH) =>
  z.pipe(noControlCharacters(), z.pipe(noDisguisingCharacters(), text(max)));

const noControlCharacters = () =>
  z.string().check(
    z.refine(hasNoControlCharacters, {
      message: 'must not contain control characters',
      abort: true,
    }),
  );

const noDisguisingCharacters = () =>
  z.string().check(
    z.refine(hasNoDisguisingCharacters, {
      message:
        'must not contain line or paragraph separators, bidirectional controls, zero-width spaces or byte-order marks',
      abort: true,
    }),
  );

export const identifier = () =>
  z.string().check(trim(), z.regex(ID_PATTERN, { message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' }));

export const clinicId = () =>
  z.string().check(trim(), z.regex(CLINIC_ID_PATTERN, { message: 'must be 1-64 characters of a-z 0-9 -' }));

/** ISO 8601 date-time that names its offset, so it is one instant wherever it is read. */
export const instant = () =>
  z.pipe(
    z.string().check(trim()),
    z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset (Z or ±hh:mm)' })
      .check(z.refine(isRealDateTime, { message: 'must be a real date-time' })),
  );

export const isoDate = () =>
  z.pipe(
    z.string().check(trim()),
    z.iso
      .date({ message: 'must be an ISO 8601 date (YYYY-MM-DD)' })
      .check(z.refine(isRealDate, { message: 'must be a real date' })),
  );

export const timeZone = () =>
  z
    .string()
    .check(
      trim(),
      z.maxLength(64),
      z.refine(isIanaTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
    );

export const locale = () =>
  z
    .string()
    .check(
      trim(),
      z.maxLength(35),
      z.refine(isLanguageTag, { message: 'must be a BCP 47 language tag such as en or de-AT' }),
    );

export const emailAddress = () =>
  z.pipe(
    noControlCharacters(),
    z.pipe(z.string().check(trim(), z.maxLength(254)), z.email({ message: 'must be an email address' })),
  );

/** An https URL (isHttpsUrl): http, javascript and anything else are refused. */
export const httpsUrl = () =>
  z.pipe(
    noControlCharacters(),
    z
      .string()
      .check(trim(), z.maxLength(DEFAULT_MAX_LENGTH), z.refine(isHttpsUrl, { message: 'must be an https URL' })),
  );

/** A phone number as a clinic writes it: 3-40 digits, spaces and `+()-./`. */
export const phoneNumber = () =>
  z
    .string()
    .check(
      trim(),
      z.regex(/^[0-9 +()\-./]{3,40}$/, { message: 'must be 3-40 characters of digits, spaces and + ( ) - . /' }),
    );

/** A whole number: one that is not a number at all is told so, apart from one with a fraction. */
const wholeNumber = () =>
  z.int({ error: (issue) => (typeof issue.input === 'number' ? 'must be an integer' : 'must be a number') });

const atLeast = (min: number) => z.minimum(min, { message: `must be at least ${min}` });

export const integerBetween = (min: number, max: number) =>
  wholeNumber().check(atLeast(min), z.maximum(max, { message: `must be at most ${max}` }));

/** A count with no bound of the contract's own above it (zod keeps it a safe integer). */
export const integerFrom = (min: number) => wholeNumber().check(atLeast(min));

/** One of a few codes, the message listing them all (`must be permanent or transient`). */
export const oneOf = <const T extends readonly [string, ...string[]]>(codes: T) => {
  const listed = codes.length === 1 ? codes[0] : `${codes.slice(0, -1).join(', ')} or ${codes.at(-1)}`;
  return z.enum(codes, { message: `must be ${listed}` });
};

/**
 * An object that refuses a field it does not list, for the events CareLoop publishes: there an
 * unlisted field is CareLoop's own mistake, and could carry a name or an address out, never a
 * producer's extension to ignore. The message names no key: keys are the sender's text too.
 */
export const closedObject = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? 'must not have fields the contract does not list' : undefined,
  });

export const therapist = () =>
  z.object({
    therapistId: text(),
    name: headerSafeText(),
  });

/**
 * A schema built the first time it is asked for, once: a function handles one event, and building
 * every schema would cost each cold start those it never uses
 * (docs/decisions/0009-one-schema-per-function.md).
 */
export const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};

/** A description for the JSON Schema (events/json-schema.ts reads zod's global registry). */
export const described = <T extends z.ZodMiniType>(schema: T, description: string): T => {
  z.globalRegistry.add(schema, { description });
  return schema;
};

/** The fields every detail carries. */
export const commonFields = () => ({
  eventId: identifier(),
  occurredAt: instant(),
  clinicId: clinicId(),
});
