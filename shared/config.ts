import { parseQuietHours, type QuietHours } from './domain/quiet-hours';

/**
 * Runtime configuration of every function, read once per cold start from the environment.
 * The CDK stack sets these variables on deploy and the local stack sets the same ones, so
 * no handler ever asks where it runs. Names are the contract between infra/ and functions/.
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
  unsubscribeBaseUrl: 'UNSUBSCRIBE_BASE_URL',
  unsubscribeSecretId: 'UNSUBSCRIBE_SECRET_ID',
  addressKeySecretId: 'ADDRESS_KEY_SECRET_ID',
} as const;

export interface RuntimeConfig {
  tableName: string;
  senderAddress: string;
  sesConfigurationSet?: string;
  scheduleGroupName: string;
  schedulerRoleArn: string;
  schedulerDeadLetterArn?: string;
  dueJobsQueueArn: string;
  /** Minutes before a visit, largest first, each once. */
  reminderOffsetsMinutes: number[];
  checkInDelayMinutes: number;
  rejectedEventsQueueUrl: string;
  quietHours: QuietHours | undefined;
  unsubscribeBaseUrl: string;
  unsubscribeSecretId: string;
  /** The secret that keys suppressed addresses (shared/adapters/dynamo-store.ts). */
  addressKeySecretId: string;
}

const DEFAULTS = {
  reminderOffsetsMinutes: String(24 * 60),
  checkInDelayMinutes: String(3 * 24 * 60),
  quietHours: '21:00-08:00',
} as const;

/** One variable's reading: its value, or what is wrong with it. */
type Reading<T> = { value: T } | { problem: string };

const required = (raw: string | undefined, minLength = 1): Reading<string> =>
  raw === undefined
    ? { problem: 'is required' }
    : raw.length < minLength
      ? { problem: `must be at least ${minLength} characters` }
      : { value: raw };

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

const httpUrl = (raw: string | undefined): Reading<string> => {
  if (raw === undefined) return { problem: 'is required' };
  try {
    return /^https?:$/.test(new URL(raw).protocol) ? { value: raw } : { problem: 'must be an http(s) URL' };
  } catch {
    return { problem: 'must be an http(s) URL' };
  }
};

/**
 * Read without zod on purpose: the settings are a dozen strings our own stack writes, and
 * building and running a zod schema for them cost every cold start 6-10 ms (npm run bench).
 * zod stays where its messages and JSON Schemas matter: the event contract.
 */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const raw = (key: keyof typeof ENV) => (env[ENV[key]] === '' ? undefined : env[ENV[key]]);
  const optional = (key: keyof typeof ENV): Reading<string | undefined> => ({ value: raw(key) });
  const readings = {
    tableName: required(raw('tableName')),
    senderAddress: required(raw('senderAddress'), 3),
    sesConfigurationSet: optional('sesConfigurationSet'),
    scheduleGroupName: required(raw('scheduleGroupName')),
    schedulerRoleArn: required(raw('schedulerRoleArn')),
    schedulerDeadLetterArn: optional('schedulerDeadLetterArn'),
    dueJobsQueueArn: required(raw('dueJobsQueueArn')),
    reminderOffsetsMinutes: minutesList(raw('reminderOffsetsMinutes') ?? DEFAULTS.reminderOffsetsMinutes),
    checkInDelayMinutes: wholeMinutes(raw('checkInDelayMinutes') ?? DEFAULTS.checkInDelayMinutes),
    rejectedEventsQueueUrl: required(raw('rejectedEventsQueueUrl')),
    quietHours: quietHoursSetting(raw('quietHours') ?? DEFAULTS.quietHours),
    unsubscribeBaseUrl: httpUrl(raw('unsubscribeBaseUrl')),
    unsubscribeSecretId: required(raw('unsubscribeSecretId')),
    addressKeySecretId: required(raw('addressKeySecretId')),
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
