import * as z from 'zod/mini';
import '../events/zod-messages';
import { parseQuietHours } from './domain/quiet-hours';

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
} as const;

const minutesList = z.pipe(
  z
    .string()
    .check(
      z.regex(/^[1-9]\d*(,[1-9]\d*)*$/, { message: 'must be a comma-separated list of whole minutes, each above 0' }),
    ),
  z.transform((value: string) => [...new Set(value.split(',').map(Number))].sort((a, b) => b - a)),
);

const nonEmpty = () => z.string().check(z.minLength(1));

const runtimeConfigSchema = z.object({
  tableName: nonEmpty(),
  senderAddress: z.string().check(z.minLength(3)),
  sesConfigurationSet: z.optional(nonEmpty()),
  scheduleGroupName: nonEmpty(),
  schedulerRoleArn: nonEmpty(),
  schedulerDeadLetterArn: z.optional(nonEmpty()),
  dueJobsQueueArn: nonEmpty(),
  reminderOffsetsMinutes: z._default(minutesList, [24 * 60]),
  checkInDelayMinutes: z._default(z.coerce.number().check(z.int(), z.positive()), 3 * 24 * 60),
  rejectedEventsQueueUrl: nonEmpty(),
  quietHours: z.pipe(
    z._default(z.string(), '21:00-08:00'),
    z.transform((value: string, context) => {
      try {
        return parseQuietHours(value);
      } catch (error) {
        context.issues.push({ code: 'custom', message: (error as Error).message, input: value });
        return z.NEVER;
      }
    }),
  ),
  unsubscribeBaseUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  unsubscribeSecretId: nonEmpty(),
});

export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const raw = Object.fromEntries(
    Object.entries(ENV).map(([key, variable]) => [key, env[variable] === '' ? undefined : env[variable]]),
  );
  const result = runtimeConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${ENV[issue.path[0] as keyof typeof ENV] ?? String(issue.path[0])}: ${issue.message}`,
    );
    throw new Error(`CareLoop configuration is incomplete: ${problems.join('; ')}`);
  }
  return result.data;
}
