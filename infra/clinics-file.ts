import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { clinicProfileUpdatedSchema, type ClinicProfileUpdated } from '../events/schemas';
import { InvalidEventError, parseEvent } from '../events/validation';

/**
 * A file of clinic profiles, as `-c clinicsFile=clinics.json` seeds them at deploy time and
 * `npm run clinic -- --file` publishes them: each entry is a `ClinicProfileUpdated` detail
 * (`clinicId`, `occurredAt`, `profile`) whose `eventId` may be left out. Every entry is checked
 * with the contract's own schema, the one the handlers parse with, so what passes here passes
 * there.
 *
 * Problems name the file, the entry and the field (`clinics.json[1].profile.bookingUrl: must be
 * an https URL`), never a value: a profile's addresses are not for build logs.
 */

export class ClinicsFileError extends Error {
  override readonly name = 'ClinicsFileError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export interface ClinicsFileOptions {
  /**
   * Accept one entry on its own as well as an array: a profile file for `npm run clinic`. A
   * deployment's file is always an array, so a list of one clinic reads as a list.
   */
  readonly allowSingleEntry?: boolean;
}

const ENTRY_FIELDS = Object.keys(clinicProfileUpdatedSchema.shape);
const PROFILE_FIELDS = Object.keys(clinicProfileUpdatedSchema.shape.profile.shape);
const ENTRY_SHAPE = '{"clinicId", "occurredAt", "profile"} with an optional "eventId"';

/** What a value is, in words that never repeat it. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys in a stable order all the way down, so the same content always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The eventId of an entry that gives none: a hash of what it says (clinic, occurredAt, profile,
 * after the contract's trimming), so publishing an unchanged entry again is the same event, which
 * the handler skips, and any change to it is a new one.
 */
export function derivedEventId(detail: Omit<ClinicProfileUpdated, 'eventId'>): string {
  const { clinicId, occurredAt, profile } = detail;
  const digest = createHash('sha256').update(canonicalJson({ clinicId, occurredAt, profile })).digest('hex');
  return `clinic-profile-${digest.slice(0, 32)}`;
}

function unknownFields(value: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => JSON.stringify(key));
}

/**
 * Names a field of an entry in a problem: `clinics.json[1].profile.name` for an entry of a list,
 * `profile.json: profile.name` for a file that is one entry.
 */
type FieldNamer = (field?: string) => string;

const namerOf =
  (label: string, index: number | undefined): FieldNamer =>
  (field) =>
    index === undefined ? `${label}${field ? `: ${field}` : ''}` : `${label}[${index}]${field ? `.${field}` : ''}`;

/** One entry, checked: each problem names it with `at`. */
function parseEntry(entry: unknown, at: FieldNamer): { detail?: ClinicProfileUpdated; problems: string[] } {
  if (!isObject(entry)) return { problems: [`${at()}: must be an object ${ENTRY_SHAPE}, got ${kindOf(entry)}`] };
  const problems: string[] = [];
  // A misspelt optional field would otherwise be dropped without a word, as the contract drops
  // unknown fields: in a file someone wrote by hand, that is a mistake to point at.
  const unknownEntryFields = unknownFields(entry, ENTRY_FIELDS);
  if (unknownEntryFields.length > 0) {
    problems.push(`${at()}: unknown field ${unknownEntryFields.join(', ')} (only ${ENTRY_FIELDS.join(', ')})`);
  }
  if (isObject(entry.profile)) {
    const unknownProfileFields = unknownFields(entry.profile, PROFILE_FIELDS);
    if (unknownProfileFields.length > 0) {
      problems.push(
        `${at('profile')}: unknown field ${unknownProfileFields.join(', ')} (only ${PROFILE_FIELDS.join(', ')})`,
      );
    }
  }
  const derived = entry.eventId === undefined;
  // The schema requires an eventId: a stand-in, replaced below by the hash of what was parsed.
  const candidate = derived ? { ...entry, eventId: 'derived-from-content' } : entry;
  try {
    const { detail } = parseEvent('clinic.admin', 'ClinicProfileUpdated', candidate);
    if (problems.length > 0) return { problems };
    const parsed = detail as ClinicProfileUpdated;
    return { detail: derived ? { ...parsed, eventId: derivedEventId(parsed) } : parsed, problems };
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    // The contract names a problem of the whole detail `detail: …`; here that is the entry.
    const named = error.problems.map((problem) =>
      problem.startsWith('detail: ') ? `${at()}: ${problem.slice('detail: '.length)}` : `${at(problem)}`,
    );
    return { problems: [...problems, ...named] };
  }
}

/**
 * The entries of a parsed clinics file, validated, each with its eventId. `label` names the file
 * in problems (the path as it was given). Throws a ClinicsFileError listing every problem.
 */
export function parseClinicEntries(
  value: unknown,
  label: string,
  options: ClinicsFileOptions = {},
): ClinicProfileUpdated[] {
  const single = options.allowSingleEntry === true && isObject(value);
  if (!single && !Array.isArray(value)) {
    const expected = options.allowSingleEntry ? `an object ${ENTRY_SHAPE} or a JSON array of them` : 'a JSON array';
    throw new ClinicsFileError([
      `${label}: must be ${expected} of clinic profiles, each ${ENTRY_SHAPE}; got ${kindOf(value)}`,
    ]);
  }
  const entries: unknown[] = single ? [value] : (value as unknown[]);
  if (entries.length === 0) {
    throw new ClinicsFileError([
      `${label}: lists no clinic profile` +
        (options.allowSingleEntry ? '' : ' (leave clinicsFile out to deploy without a seed)'),
    ]);
  }

  const problems: string[] = [];
  const details: ClinicProfileUpdated[] = [];
  const clinics = new Map<string, number>();
  const eventIds = new Map<string, number>();
  entries.forEach((entry, index) => {
    const at = namerOf(label, single ? undefined : index);
    const parsed = parseEntry(entry, at);
    problems.push(...parsed.problems);
    if (!parsed.detail) return;
    // Two profiles of one clinic in one file: which one the clinic ends up with would depend on
    // their occurredAt alone, and one of them is surely a mistake.
    const sameClinic = clinics.get(parsed.detail.clinicId);
    if (sameClinic !== undefined) {
      problems.push(`${at('clinicId')}: the same clinic as [${sameClinic}]; one profile per clinic`);
      return;
    }
    // The handler acts once per eventId: the second entry would be skipped as a duplicate.
    const sameEvent = eventIds.get(parsed.detail.eventId);
    if (sameEvent !== undefined) {
      problems.push(`${at('eventId')}: the same as [${sameEvent}]'s; every entry needs its own (or none)`);
      return;
    }
    clinics.set(parsed.detail.clinicId, index);
    eventIds.set(parsed.detail.eventId, index);
    details.push(parsed.detail);
  });
  if (problems.length > 0) throw new ClinicsFileError(problems);
  return details;
}

/** Why a file could not be read, without the text of any exception that might quote it. */
function readProblem(error: unknown, absolute: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? 'unreadable');
  return `cannot be read: ${why} (${absolute})`;
}

/** Where JSON.parse stopped (line and column, or offset), without the text around it. */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const where = /line (\d+) column (\d+)/.exec(message) ?? /position (\d+)/.exec(message);
  if (!where) return 'is not valid JSON';
  return where.length === 3
    ? `is not valid JSON (line ${where[1]}, column ${where[2]})`
    : `is not valid JSON (at character ${where[1]})`;
}

/**
 * Reads and validates a clinics file. A relative path is resolved from the working directory
 * (where `cdk` or `npm run` was started). Throws a ClinicsFileError naming the file.
 */
export function readClinicsFile(
  file: string,
  options: ClinicsFileOptions = {},
  cwd: string = process.cwd(),
): ClinicProfileUpdated[] {
  const absolute = resolvePath(cwd, file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ClinicsFileError([`${file}: ${readProblem(error, absolute)}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ClinicsFileError([`${file}: ${jsonProblem(error)}`]);
  }
  return parseClinicEntries(value, file, options);
}
