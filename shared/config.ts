import { DEFAULT_TIMING, hoursToMinutes } from './defaults';
import { parseQuietHours, type QuietHours } from './domain/quiet-hours';
import { DEFAULT_RETENTION_DAYS, parseRetention, RETENTION_RULE, type Retention } from './retention';

/**
 * Runtime configuration of a function, read once per cold start from its environment. The CDK
 * stack and the local stack give each function the variables its descriptor calls for
 * (infra/function-plan.ts), so no handler ever asks where it runs. Names are the contract
 * between infra/ and functions/.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  senderAddress: 'SENDER_ADDRESS',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  scheduleGroupName: 'SCHEDULE_GROUP_NAME',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  schedulerDeadLetterArn: 'SCHEDULER_DLQ_ARN',
  dueJobsQueueArn: 'DUE_JOBS_QUEUE_ARN',
  reminderOffsetsMinutes: 'REMINDER_OFFSETS_MINUTES',
  checkInDelayMinutes: 'CHECK_IN_DELAY_MINUTES',
  rejectedEventsQueueUrl: 'REJECTED_EVENTS_QUEUE_URL',
  quietHours: 'QUIET_HOURS',
  retention: 'RETENTION_DAYS',
  unsubscribeBaseUrl: 'UNSUBSCRIBE_BASE_URL',
  unsubscribeSecretId: 'UNSUBSCRIBE_SECRET_ID',
  addressKeySecretId: 'ADDRESS_KEY_SECRET_ID',
  eventBusName: 'EVENT_BUS_NAME',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  exportBucketName: 'EXPORT_BUCKET_NAME',
  exportKeyArn: 'EXPORT_KEY_ARN',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/**
 * What a function was given. Only the table is needed by every function; the rest belongs to
 * the parts that use it (the mailer, the scheduler, the links, the rejected-events queue, the
 * address key), and each of those asks for its own with {@link requireSetting} when it is built,
 * so a function given too little fails on its first invocation, naming the variable.
 */
export interface RuntimeConfig {
  tableName: string;
  senderAddress?: string;
  sesConfigurationSet?: string;
  scheduleGroupName?: string;
  schedulerRoleArn?: string;
  schedulerDeadLetterArn?: string;
  dueJobsQueueArn?: string;
  /** Minutes before a visit, largest first, each once. */
  reminderOffsetsMinutes: number[];
  checkInDelayMinutes: number;
  rejectedEventsQueueUrl?: string;
  quietHours: QuietHours | undefined;
  /** How long sessions, answers and the email log are kept (shared/retention.ts): every write of them reads it. */
  retention: Retention;
  unsubscribeBaseUrl?: string;
  unsubscribeSecretId?: string;
  /** The secret that keys suppressed addresses (shared/adapters/dynamo-store.ts). */
  addressKeySecretId?: string;
  /** The bus CareLoop publishes its own events on (the one it listens to). */
  eventBusName?: string;
  /**
   * Whether an S3 client addresses buckets by path (`host/bucket/key`) rather than by host name
   * (`bucket.host/key`): the SDK reads no environment variable for it, and the local stack's S3
   * endpoint answers by path only, so the local stack sets it and a deployment leaves it unset.
   */
  s3ForcePathStyle?: boolean;
  /** The bucket patient data exports are written to (the `exports` port). */
  exportBucketName?: string;
  /**
   * The KMS key every export is put with, named on each PutObject: S3 takes `aws:kms` without a
   * key to mean its AWS managed key (aws/s3), not the bucket's default key.
   */
  exportKeyArn?: string;
}

/** One variable's reading: its value, or what is wrong with it. */
type Reading<T> = { value: T } | { problem: string };

const required = (raw: string | undefined): Reading<string> =>
  raw === undefined ? { problem: 'is required' } : { value: raw };

const optional = (raw: string | undefined, minLength = 1): Reading<string | undefined> =>
  raw === undefined || raw.length >= minLength
    ? { value: raw }
    : { problem: `must be at least ${minLength} characters` };

const minutesList = (raw: string): Reading<number[]> =>
  /^[1-9]\d*(,[1-9]\d*)*$/.test(raw)
    ? { value: [...new Set(raw.split(',').map(Number))].sort((a, b) => b - a) }
    : { problem: 'must be a comma-separated list of whole minutes, each above 0' };

const wholeMinutes = (raw: string): Reading<number> => {
  const value = Number(raw);
  return raw.trim() !== '' && Number.isInteger(value) && value > 0
    ? { value }
    : { problem: 'must be a whole number of minutes above 0' };
};

const quietHoursSetting = (raw: string): Reading<QuietHours | undefined> => {
  try {
    return { value: parseQuietHours(raw) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
};

const flag = (raw: string | undefined): Reading<boolean | undefined> =>
  raw === undefined || raw === 'true' || raw === 'false'
    ? { value: raw === undefined ? undefined : raw === 'true' }
    : { problem: 'must be true or false' };

const retentionSetting = (raw: string): Reading<Retention> => {
  const value = parseRetention(raw);
  return value === undefined ? { problem: RETENTION_RULE } : { value };
};

const httpUrl = (raw: string | undefined): Reading<string | undefined> => {
  if (raw === undefined) return { value: undefined };
  try {
    return /^https?:$/.test(new URL(raw).protocol) ? { value: raw } : { problem: 'must be an http(s) URL' };
  } catch {
    return { problem: 'must be an http(s) URL' };
  }
};

/**
 * Read without zod on purpose: the settings are a dozen strings our own stack writes, and a zod
 * schema for them added to every cold start what the event contract's schemas cost
 * (docs/decisions/0011-no-zod-outside-the-contract.md). zod stays where its messages and JSON Schemas matter: the event contract.
 * Values given are checked here, all at once; values missing are reported by the part that needs them.
 */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const raw = (key: keyof typeof ENV) => (env[ENV[key]] === '' ? undefined : env[ENV[key]]);
  const given = (key: keyof typeof ENV): Reading<string | undefined> => ({ value: raw(key) });
  const readings = {
    tableName: required(raw('tableName')),
    senderAddress: optional(raw('senderAddress'), 3),
    sesConfigurationSet: given('sesConfigurationSet'),
    scheduleGroupName: given('scheduleGroupName'),
    schedulerRoleArn: given('schedulerRoleArn'),
    schedulerDeadLetterArn: given('schedulerDeadLetterArn'),
    dueJobsQueueArn: given('dueJobsQueueArn'),
    reminderOffsetsMinutes: minutesList(
      raw('reminderOffsetsMinutes') ?? DEFAULT_TIMING.reminderOffsetsHours.map(hoursToMinutes).join(','),
    ),
    checkInDelayMinutes: wholeMinutes(
      raw('checkInDelayMinutes') ?? String(hoursToMinutes(DEFAULT_TIMING.checkInDelayHours)),
    ),
    rejectedEventsQueueUrl: given('rejectedEventsQueueUrl'),
    quietHours: quietHoursSetting(raw('quietHours') ?? DEFAULT_TIMING.quietHours),
    retention: retentionSetting(raw('retention') ?? String(DEFAULT_RETENTION_DAYS)),
    unsubscribeBaseUrl: httpUrl(raw('unsubscribeBaseUrl')),
    unsubscribeSecretId: given('unsubscribeSecretId'),
    addressKeySecretId: given('addressKeySecretId'),
    eventBusName: given('eventBusName'),
    s3ForcePathStyle: flag(raw('s3ForcePathStyle')),
    exportBucketName: given('exportBucketName'),
    exportKeyArn: given('exportKeyArn'),
  } satisfies { [K in keyof RuntimeConfig]-?: Reading<RuntimeConfig[K]> };
  const problems = Object.entries(readings).flatMap(([key, reading]) =>
    'problem' in reading ? [`${ENV[key as keyof typeof ENV]}: ${reading.problem}`] : [],
  );
  if (problems.length > 0) throw new Error(`CareLoop configuration is incomplete: ${problems.join('; ')}`);
  // No problems: every reading holds its value.
  return Object.fromEntries(
    Object.entries(readings).map(([key, reading]) => [key, (reading as { value: unknown }).value]),
  ) as unknown as RuntimeConfig;
}

/**
 * A setting the part being built cannot do without: its value, or an error naming the variable
 * and the part. The stack gives a function the variables of the parts its descriptor wires.
 */
export function requireSetting<K extends keyof typeof ENV & keyof RuntimeConfig>(
  config: RuntimeConfig,
  key: K,
  part: string,
): NonNullable<RuntimeConfig[K]> {
  const value = config[key];
  if (value === undefined || value === '') {
    throw new Error(`CareLoop configuration is incomplete: ${ENV[key]} is required by ${part}`);
  }
  return value as NonNullable<RuntimeConfig[K]>;
}
