import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock, JobScheduler, Mailer, ScheduledTarget } from '../domain/ports';

export const systemClock: Clock = { now: () => new Date() };

/** SES v2 `Content.Simple`: text, HTML, custom headers and the calendar attachment, no hand-built MIME. */
export function createSesMailer(client: SESv2Client, options: { from: string; configurationSet?: string }): Mailer {
  return {
    async send(email) {
      const { MessageId } = await client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [email.to] },
          ConfigurationSetName: options.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
              Headers:
                email.headers.length > 0
                  ? email.headers.map(({ name, value }) => ({ Name: name, Value: value }))
                  : undefined,
              Attachments:
                email.attachments.length > 0
                  ? email.attachments.map((attachment) => ({
                      FileName: attachment.fileName,
                      ContentType: attachment.contentType,
                      ContentDisposition: 'ATTACHMENT',
                      RawContent: new TextEncoder().encode(attachment.content),
                    }))
                  : undefined,
            },
          },
        }),
      );
      if (!MessageId) throw new Error('SES accepted the email without a message id');
      return { messageId: MessageId };
    },
  };
}

export interface SchedulerTargets {
  groupName: string;
  roleArn: string;
  deadLetterArn?: string;
  functionArns: Record<ScheduledTarget, string>;
}

/** Scheduler's `at()` takes a wall time without zone; with ScheduleExpressionTimezone UTC that is the instant. */
const atExpression = (at: Date) => `at(${at.toISOString().slice(0, 19)})`;

/**
 * One-time schedules that invoke the reminder and check-in functions. They delete
 * themselves after firing; a schedule delayed past half an hour is dropped, since a late
 * reminder is worse than none.
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
              Arn: targets.functionArns[job.target],
              RoleArn: targets.roleArn,
              Input: JSON.stringify(job.payload),
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

export interface RejectedEvent {
  source: unknown;
  detailType: unknown;
  /** As published: an object, or the raw text when it was not JSON. */
  detail: unknown;
  /** Names the failing fields, never their values. */
  error: string;
  at: string;
}

export interface RejectedEventSink {
  reject(event: RejectedEvent): Promise<void>;
}

/** Events that can never succeed go straight to a queue an operator watches, instead of being retried. */
export function createSqsRejectedEventSink(client: SQSClient, queueUrl: string): RejectedEventSink {
  return {
    async reject(event) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
    },
  };
}
