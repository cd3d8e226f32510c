import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { requireSetting, type RuntimeConfig } from '../config';
import type { JobScheduler } from '../domain/ports';
import { dueJobMessage } from '../due-jobs';

export interface SchedulerTargets {
  groupName: string;
  roleArn: string;
  deadLetterArn?: string;
  /** The due-jobs queue: every schedule sends its payload there, with the job's kind. */
  queueArn: string;
}

/** Scheduler's `at()` takes a wall time without zone; with ScheduleExpressionTimezone UTC that is the instant. */
const atExpression = (at: Date) => `at(${at.toISOString().slice(0, 19)})`;

/**
 * One-time schedules that send reminders and check-ins to the due-jobs queue (the body is
 * the payload plus `kind`: shared/due-jobs.ts), whose consumer sends at a bounded rate. They
 * delete themselves after firing; a schedule delayed past half an hour is dropped, since a
 * late reminder is worse than none.
 */
export function createJobScheduler(client: SchedulerClient, targets: SchedulerTargets): JobScheduler {
  return {
    async ensure(job) {
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: job.name,
            GroupName: targets.groupName,
            ScheduleExpression: atExpression(job.at),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: targets.queueArn,
              RoleArn: targets.roleArn,
              Input: dueJobMessage(job.target, job.payload),
              RetryPolicy: { MaximumEventAgeInSeconds: 1800, MaximumRetryAttempts: 10 },
              DeadLetterConfig: targets.deadLetterArn ? { Arn: targets.deadLetterArn } : undefined,
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
      }
    },
    async remove(name) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName: targets.groupName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
    async list(prefix) {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new ListSchedulesCommand({ GroupName: targets.groupName, NamePrefix: prefix, NextToken: nextToken }),
        );
        names.push(...(page.Schedules ?? []).flatMap((schedule) => (schedule.Name ? [schedule.Name] : [])));
        nextToken = page.NextToken;
      } while (nextToken);
      return names;
    },
  };
}

/** Where the stack's schedules live and send to, from the configuration: all required but the DLQ. */
export function scheduleTargetsOf(config: RuntimeConfig) {
  const part = 'the scheduler';
  return {
    groupName: requireSetting(config, 'scheduleGroupName', part),
    roleArn: requireSetting(config, 'schedulerRoleArn', part),
    deadLetterArn: config.schedulerDeadLetterArn,
    queueArn: requireSetting(config, 'dueJobsQueueArn', part),
  };
}

/** The deployed scheduler: the stack's schedule group, role and dead-letter queue, aimed at the due-jobs queue. */
export function jobSchedulerFor(config: RuntimeConfig): JobScheduler {
  return createJobScheduler(new SchedulerClient({}), scheduleTargetsOf(config));
}
