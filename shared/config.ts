import * as z from 'zod';
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

const minutesList = z
  .string()
  .regex(/^[1-9]\d*(,[1-9]\d*)*$/, { message: 'must be a comma-separated list of whole minutes, each above 0' })
  .transform((value) => [...new Set(value.split(',').map(Number))].sort((a, b) => b - a));

const runtimeConfigSchema = z.object({
  tableName: z.string().min(1),
  senderAddress: z.string().min(3),
  sesConfigurationSet: z.string().min(1).optional(),
  scheduleGroupName: z.string().min(1),
  schedulerRoleArn: z.string().min(1),
  schedulerDeadLetterArn: z.string().min(1).optional(),
  dueJobsQueueArn: z.string().min(1),
  reminderOffsetsMinutes: minutesList.default([24 * 60]),
  checkInDelayMinutes: z.coerce
    .number()
    .int()
    .positive()
    .default(3 * 24 * 60),
  rejectedEventsQueueUrl: z.string().min(1),
  quietHours: z
    .string()
    .default('21:00-08:00')
    .transform((value, context) => {
      try {
        return parseQuietHours(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  unsubscribeBaseUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  unsubscribeSecretId: z.string().min(1),
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
