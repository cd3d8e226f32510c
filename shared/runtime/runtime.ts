import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  createJobScheduler,
  createSesMailer,
  createSqsRejectedEventSink,
  systemClock,
  type RejectedEventSink,
} from '../adapters/aws';
import { createDynamoStore } from '../adapters/dynamo-store';
import { createMetricsRecorder } from '../adapters/metrics';
import { createSecretsManagerKeyLoader, createUnsubscribeLinks } from '../adapters/unsubscribe-links';
import { loadRuntimeConfig } from '../config';
import type { Clock, Dependencies } from '../domain/ports';
import { selfCareLibraryFromConfiguration } from '../self-care/configured';

/**
 * The composition root: the one place where configuration becomes clients and adapters.
 * Built on the first invocation of a cold start and reused after; endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_* variables, so the same code serves AWS and the local stack.
 */
export interface Runtime {
  dependencies: Dependencies;
  rejected: RejectedEventSink;
  logger: Logger;
}

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'careloop' });

/**
 * Counts for CloudWatch (namespace CareLoop), written once per invocation by the handler
 * factories in handlers.ts. A handler built without them must call `metrics.flush()` itself.
 */
export const metrics = createMetricsRecorder({
  onError: (error) => logger.warn('metrics not published', { error: (error as Error).message }),
});

let current: Runtime | undefined;
let clockOverride: Clock | undefined;

function build(): Runtime {
  const config = loadRuntimeConfig();
  const dynamo = new DynamoDBClient({});
  const dependencies: Dependencies = {
    store: createDynamoStore(dynamo, config.tableName),
    mailer: createSesMailer(new SESv2Client({ maxAttempts: 1 }), {
      from: config.senderAddress,
      configurationSet: config.sesConfigurationSet,
    }),
    scheduler: createJobScheduler(new SchedulerClient({}), {
      groupName: config.scheduleGroupName,
      roleArn: config.schedulerRoleArn,
      deadLetterArn: config.schedulerDeadLetterArn,
      queueArn: config.dueJobsQueueArn,
    }),
    clock: clockOverride ?? systemClock,
    settings: {
      senderAddress: config.senderAddress,
      reminderOffsetsMinutes: config.reminderOffsetsMinutes,
      checkInDelayMinutes: config.checkInDelayMinutes,
      quietHours: config.quietHours,
    },
    // Deployed bundles have the clinic's file inlined here by esbuild; locally npm start sets it.
    library: selfCareLibraryFromConfiguration(process.env.CARELOOP_SELF_CARE_OVERRIDES),
    unsubscribeLinks: createUnsubscribeLinks({
      baseUrl: config.unsubscribeBaseUrl,
      // Fetched on first use only: most invocations send no follow-up and need no key.
      loadKey: createSecretsManagerKeyLoader(new SecretsManagerClient({}), config.unsubscribeSecretId),
    }),
    log: (message, fields) => logger.info(message, fields),
    metrics,
  };
  return {
    dependencies,
    rejected: createSqsRejectedEventSink(new SQSClient({}), config.rejectedEventsQueueUrl),
    logger,
  };
}

export function runtime(): Runtime {
  current ??= build();
  return current;
}

/**
 * Replaces the clock for every handler in this process: the local stack's clock can be
 * moved forward to fire reminders. Handlers still read time only through the Clock port.
 */
export function useClock(clock: Clock) {
  clockOverride = clock;
  if (current) current.dependencies.clock = clock;
}
