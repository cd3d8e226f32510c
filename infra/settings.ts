import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { DEFAULT_TIMING, hoursToMinutes } from '../shared/defaults';
import { parseQuietHours } from '../shared/domain/quiet-hours';
import { DEFAULT_RETENTION_DAYS, parseRetention, RETENTION_RULE, type Retention } from '../shared/retention';
import { selfCareLibraryFromConfiguration } from '../shared/self-care/configured';
import type { ClinicProfileUpdated } from '../events/schemas';
import { parsePublishers, type Publisher } from './bus-policy';
import { ClinicsFileError, readClinicsFile } from './clinics-file';
import { parseExportReaders } from './export-readers';

/**
 * Deploy-time settings of the CareLoop stack, read from CDK context (`cdk.json` or
 * `-c key=value`) with defaults, and validated before any construct is built so a typo
 * fails `cdk synth` with a message that names the context key to fix.
 *
 * Pure: the caller passes a context getter and an environment, so tests need no App.
 */

export interface Settings {
  /** Deployment stage; part of the stack name and of physical names (`careloop-<stage>`). */
  readonly stage: string;
  /** Name of the custom EventBridge bus the front ends send to. */
  readonly busName: string;
  /** Principals allowed to PutEvents on the bus, each for its own sources (bus resource policy); absent: no policy. */
  readonly publishers?: readonly Publisher[];
  /** From address of every email; an SES identity is created for it (or for senderDomain). */
  readonly senderAddress: string;
  /** When given, the whole domain is verified (Easy DKIM) instead of the single address. */
  readonly senderDomain?: string;
  /** Hours before the appointment start at which reminders go out, largest first, no duplicates. */
  readonly reminderOffsetsHours: readonly number[];
  /** Hours after a completed session at which the check-in goes out. */
  readonly checkInDelayHours: number;
  /** Local hours in which reminders and check-ins are not delivered (`21:00-08:00`), or `off`. */
  readonly quietHours: string;
  /** The clinic's self-care overrides (JSON text of the file named by `selfCareFile`), if any. */
  readonly selfCareOverrides?: string;
  /**
   * Clinic profiles published to the bus at deploy time (`clinicsFile`), validated, each with its
   * eventId: see infra/constructs/clinic-seed.ts.
   */
  readonly clinicProfiles?: readonly ClinicProfileUpdated[];
  /** When given, subscribed by email to the alarm topic (the address must confirm the subscription). */
  readonly alarmEmail?: string;
  /**
   * Reserved concurrency of the public function (the patient-facing function URL): its ceiling,
   * so a flood of requests cannot take the account's concurrency from the other functions; `off`
   * reserves none (an account whose quota is too low to reserve any).
   */
  readonly publicFunctionConcurrency: number | 'off';
  /**
   * Days the table keeps sessions, answers and the email log after their own time (DynamoDB TTL),
   * or `off` to keep them until they are erased: see shared/retention.ts.
   */
  readonly retention: Retention;
  /**
   * Days the bus archive keeps every event for replay. Events carry patients' details, and an
   * erasure cannot reach into the archive: it is gone from there only when it ages out.
   */
  readonly archiveRetentionDays: number;
  /**
   * IAM roles or users that may read patient data exports from the export bucket (infra/export-readers.ts);
   * absent: nobody may.
   */
  readonly exportReaders?: readonly string[];
  /** How the functions are traced with X-Ray: see {@link TracingMode}. */
  readonly tracing: TracingMode;
  readonly region: string;
  readonly account?: string;
}

/**
 * Lambda's X-Ray tracing mode. `active`: Lambda decides for each invocation that arrives without a
 * sampled trace header, at X-Ray's fixed rate for Lambda (the first each second and 5% of the
 * rest; Lambda applies no custom sampling rule), which at a clinic's pace is every invocation.
 * `passthrough`: only what arrives already sampled is traced (a front end whose own X-Ray
 * sampling rules picked the request that published the event); Lambda starts no trace itself.
 */
export const TRACING_MODES = ['active', 'passthrough'] as const;
export type TracingMode = (typeof TRACING_MODES)[number];

/** Context keys read by {@link resolveSettings}; each is also the key named in errors. */
export const CONTEXT_KEYS = [
  'stage',
  'busName',
  'publishers',
  'senderAddress',
  'senderDomain',
  'reminderOffsetsHours',
  'checkInDelayHours',
  'quietHours',
  'selfCareFile',
  'clinicsFile',
  'alarmEmail',
  'publicFunctionConcurrency',
  'retention',
  'archiveRetentionDays',
  'exportReaders',
  'tracing',
  'region',
  'account',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export const DEFAULT_SETTINGS = {
  stage: 'dev',
  busName: 'clinic-events',
  senderAddress: 'appointments@example.com',
  ...DEFAULT_TIMING,
  publicFunctionConcurrency: 10,
  retention: DEFAULT_RETENTION_DAYS,
  /** As long as point-in-time recovery reaches back, and the processed-event markers last. */
  archiveRetentionDays: 35,
  // Active tracing would trace every invocation (TRACING_MODES); see REASONS.tracingPassThrough.
  tracing: 'passthrough' as TracingMode,
  region: 'eu-central-1',
} as const;

/** Ten years: any longer and the archive outlives every records-retention rule a clinic has. */
const MAX_ARCHIVE_DAYS = 3650;

/**
 * Lambda keeps at least 100 of an account's concurrency unreserved, so a reservation above what
 * a default quota (1,000) leaves is refused at deploy; far above what a patient page ever needs.
 */
const MAX_PUBLIC_CONCURRENCY = 500;

/** Upper bound of offsets and delays: EventBridge Scheduler one-time schedules are fine far out, but a year is plenty. */
const MAX_HOURS = 24 * 366;

export class SettingsError extends Error {
  constructor(readonly problems: readonly { key: ContextKey; message: string }[]) {
    super(
      `Invalid CareLoop deploy settings:\n${problems
        .map((p) => `  - context key "${p.key}": ${p.message} (set it with -c ${p.key}=... or in cdk.json "context")`)
        .join('\n')}`,
    );
    this.name = 'SettingsError';
  }
}

const STAGE = /^[a-z0-9-]{1,20}$/;
const BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;
// Deliberately strict: the address ends up in a From header and in an IAM condition.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const DOMAIN = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;

const show = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/** Reads the context value; empty strings (e.g. `-c senderDomain=`) count as not given. */
function read(getContext: (key: string) => unknown, key: ContextKey): unknown {
  const value = getContext(key);
  return value === '' || value === null ? undefined : value;
}

/** A number of hours that converts to a whole number of minutes, > 0 and ≤ a year. */
function parseHours(value: unknown): number | undefined {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(number) || number <= 0 || number > MAX_HOURS) return undefined;
  if (!Number.isInteger(Math.round(number * 60 * 1e6) / 1e6)) return undefined;
  return number;
}

/** Accepts an array (cdk.json), a JSON array string, a comma list (`-c reminderOffsetsHours=24,2`) or one number. */
function parseHoursList(value: unknown): number[] | undefined {
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'number') items = [value];
  else if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return undefined;
        items = parsed;
      } catch {
        return undefined;
      }
    } else items = text.split(',');
  } else return undefined;
  if (items.length === 0 || items.length > 5) return undefined;
  const hours = items.map(parseHours);
  if (hours.some((h) => h === undefined)) return undefined;
  return [...new Set(hours as number[])].sort((a, b) => b - a);
}

export function resolveSettings(
  getContext: (key: string) => unknown,
  env: Readonly<Record<string, string | undefined>> = {},
): Settings {
  const problems: { key: ContextKey; message: string }[] = [];
  const text = (key: ContextKey, fallback: string | undefined, pattern: RegExp, rule: string): string | undefined => {
    const raw = read(getContext, key) ?? fallback;
    if (raw === undefined) return undefined;
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (typeof value !== 'string' || !pattern.test(value)) {
      problems.push({ key, message: `${rule}, got ${show(raw)}` });
      return undefined;
    }
    return value;
  };

  const stage = text('stage', DEFAULT_SETTINGS.stage, STAGE, 'must be 1-20 characters of [a-z0-9-]');
  const busName = text('busName', DEFAULT_SETTINGS.busName, BUS_NAME, 'must be 1-256 characters of [A-Za-z0-9._-]');
  if (busName === 'default') problems.push({ key: 'busName', message: 'must name a custom bus, not "default"' });
  const { publishers, problems: publisherProblems } = parsePublishers(read(getContext, 'publishers'));
  for (const message of publisherProblems) problems.push({ key: 'publishers', message });
  const senderAddress = text('senderAddress', DEFAULT_SETTINGS.senderAddress, EMAIL, 'must be a plain email address');
  const senderDomain = text(
    'senderDomain',
    undefined,
    DOMAIN,
    'must be a domain name such as mail.example.com',
  )?.toLowerCase();
  if (senderAddress && senderDomain && !senderAddress.toLowerCase().endsWith(`@${senderDomain}`)) {
    problems.push({
      key: 'senderAddress',
      message: `must be an address in senderDomain "${senderDomain}" (SES sends only from verified identities), got "${senderAddress}"`,
    });
  }

  const rawOffsets = read(getContext, 'reminderOffsetsHours');
  const reminderOffsetsHours =
    rawOffsets === undefined ? [...DEFAULT_SETTINGS.reminderOffsetsHours] : parseHoursList(rawOffsets);
  if (!reminderOffsetsHours) {
    problems.push({
      key: 'reminderOffsetsHours',
      message: `must be 1-5 positive numbers of hours (whole minutes, at most ${MAX_HOURS}) as a JSON array or comma list such as "24,2", got ${show(rawOffsets)}`,
    });
  }

  const rawDelay = read(getContext, 'checkInDelayHours');
  const checkInDelayHours = rawDelay === undefined ? DEFAULT_SETTINGS.checkInDelayHours : parseHours(rawDelay);
  if (checkInDelayHours === undefined) {
    problems.push({
      key: 'checkInDelayHours',
      message: `must be a positive number of hours (whole minutes, at most ${MAX_HOURS}), got ${show(rawDelay)}`,
    });
  }

  const quietHours = String(read(getContext, 'quietHours') ?? DEFAULT_SETTINGS.quietHours).trim();
  try {
    parseQuietHours(quietHours);
  } catch (error) {
    problems.push({ key: 'quietHours', message: (error as Error).message });
  }

  const selfCareFile = read(getContext, 'selfCareFile');
  let selfCareOverrides: string | undefined;
  if (selfCareFile !== undefined) {
    try {
      selfCareOverrides = readFileSync(resolvePath(String(selfCareFile)), 'utf8');
      selfCareLibraryFromConfiguration(selfCareOverrides);
    } catch (error) {
      problems.push({ key: 'selfCareFile', message: (error as Error).message });
    }
  }

  const clinicsFile = read(getContext, 'clinicsFile');
  let clinicProfiles: ClinicProfileUpdated[] | undefined;
  if (clinicsFile !== undefined) {
    try {
      clinicProfiles = readClinicsFile(String(clinicsFile));
    } catch (error) {
      if (!(error instanceof ClinicsFileError)) throw error;
      for (const message of error.problems) problems.push({ key: 'clinicsFile', message });
    }
  }

  const alarmEmail = text('alarmEmail', undefined, EMAIL, 'must be a plain email address');

  const rawConcurrency = read(getContext, 'publicFunctionConcurrency');
  const publicFunctionConcurrency = parseConcurrency(rawConcurrency);
  if (publicFunctionConcurrency === undefined) {
    problems.push({
      key: 'publicFunctionConcurrency',
      message: `must be a whole number from 1 to ${MAX_PUBLIC_CONCURRENCY}, or off, got ${show(rawConcurrency)}`,
    });
  }

  const rawRetention = read(getContext, 'retention');
  const retention = rawRetention === undefined ? DEFAULT_SETTINGS.retention : parseRetention(rawRetention);
  if (retention === undefined) {
    problems.push({ key: 'retention', message: `${RETENTION_RULE}, got ${show(rawRetention)}` });
  }

  const rawArchiveDays = read(getContext, 'archiveRetentionDays');
  const archiveRetentionDays =
    rawArchiveDays === undefined
      ? DEFAULT_SETTINGS.archiveRetentionDays
      : wholeNumber(rawArchiveDays, 1, MAX_ARCHIVE_DAYS);
  if (archiveRetentionDays === undefined) {
    problems.push({
      key: 'archiveRetentionDays',
      message: `must be a whole number of days from 1 to ${MAX_ARCHIVE_DAYS}, got ${show(rawArchiveDays)}`,
    });
  }

  const { readers: exportReaders, problems: readerProblems } = parseExportReaders(read(getContext, 'exportReaders'));
  for (const message of readerProblems) problems.push({ key: 'exportReaders', message });
  // Once an event's processed markers have expired, the email log is what keeps a replay of it
  // from mailing the patient again: it must reach back as far as a replay can.
  if (typeof retention === 'number' && archiveRetentionDays !== undefined && retention < archiveRetentionDays) {
    problems.push({
      key: 'retention',
      message: `must be at least archiveRetentionDays (${archiveRetentionDays}), or off: a replay from the archive would email again what the expired log no longer shows as sent, got ${show(rawRetention)}`,
    });
  }

  const rawTracing = read(getContext, 'tracing');
  const tracing = rawTracing === undefined ? DEFAULT_SETTINGS.tracing : parseTracing(rawTracing);
  if (tracing === undefined) {
    problems.push({
      key: 'tracing',
      message: `must be active (Lambda samples invocations by X-Ray's fixed rule for Lambda) or passthrough (only what a front end's tracing already sampled), got ${show(rawTracing)}`,
    });
  }

  const region = text(
    'region',
    env.CDK_DEFAULT_REGION || DEFAULT_SETTINGS.region,
    REGION,
    'must be an AWS region such as eu-central-1',
  );
  const account = text('account', env.CDK_DEFAULT_ACCOUNT || undefined, ACCOUNT, 'must be a 12-digit AWS account id');

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    stage: stage!,
    busName: busName!,
    ...(publishers.length > 0 ? { publishers } : {}),
    senderAddress: senderAddress!,
    ...(senderDomain ? { senderDomain } : {}),
    reminderOffsetsHours: reminderOffsetsHours!,
    checkInDelayHours: checkInDelayHours!,
    quietHours,
    ...(selfCareOverrides ? { selfCareOverrides } : {}),
    ...(clinicProfiles ? { clinicProfiles } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    publicFunctionConcurrency: publicFunctionConcurrency!,
    retention: retention!,
    archiveRetentionDays: archiveRetentionDays!,
    ...(exportReaders.length > 0 ? { exportReaders } : {}),
    tracing: tracing!,
    region: region!,
    ...(account ? { account } : {}),
  };
}

/** A whole number from min to max, given as a number (cdk.json) or its digits (`-c key=35`). */
function wholeNumber(value: unknown, min: number, max: number): number | undefined {
  const text = typeof value === 'string' ? value.trim() : value;
  const number = typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

function parseConcurrency(value: unknown): number | 'off' | undefined {
  if (value === undefined) return DEFAULT_SETTINGS.publicFunctionConcurrency;
  if (typeof value === 'string' && value.trim() === 'off') return 'off';
  return wholeNumber(value, 1, MAX_PUBLIC_CONCURRENCY);
}

function parseTracing(value: unknown): TracingMode | undefined {
  const text = typeof value === 'string' ? value.trim() : value;
  return TRACING_MODES.find((mode) => mode === text);
}

/** Minutes as the functions read them (REMINDER_OFFSETS_MINUTES, CHECK_IN_DELAY_MINUTES). */
export { hoursToMinutes };
