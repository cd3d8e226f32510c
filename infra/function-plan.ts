import { eventCatalog } from '../events/catalog';
import { secretsOf, type FunctionDescriptor, type Trigger } from '../functions/descriptor';
import { ENV, type EnvName } from '../shared/config';
import { EMAIL_SORT_KEY_PREFIX, OUTBOX_SORT_KEY } from '../shared/table-definition';

/**
 * What a function's descriptor (functions/<name>/descriptor.ts) means for where and how it runs,
 * in one place and with no CDK in it: the CDK stack (infra/constructs/careloop-function.ts), the
 * local stack (infra/local/) and the operator tools all read it, so a function runs on a laptop
 * with what it is deployed with.
 */

/** How every function runs, on AWS and in the local stack alike. */
export const FUNCTION_SETTINGS = {
  memorySize: 256,
  timeoutSeconds: 30,
  /** Lambda's own retries of a failed async invocation, then the on-failure queue. */
  asyncRetryAttempts: 2,
  asyncMaxEventAgeHours: 6,
  /** EventBridge's retries when it cannot hand the event to Lambda (throttling, KMS, ...). */
  ruleRetryAttempts: 8,
  ruleMaxEventAgeHours: 6,
  logRetentionDays: 90,
} as const;

/**
 * The due-jobs queue and its consumer: a burst of reminders due in the same minute waits in
 * the queue and is sent at a rate SES accepts (docs/OPERATIONS.md, "Due jobs").
 */
export const DUE_JOBS_QUEUE = {
  batchSize: 10,
  /** The event source mapping's maximum concurrency: 2 is the least Lambda allows. */
  maxConcurrency: 2,
  /** AWS's advice for an SQS event source: at least six times the function's timeout. */
  visibilityTimeoutSeconds: FUNCTION_SETTINGS.timeoutSeconds * 6,
  /** Receives before a job goes to the due-jobs DLQ: throttled sends retry for about an hour. */
  maxReceiveCount: 20,
  retentionDays: 4,
} as const;

/**
 * How the outbox function reads the table's stream. Lambda's event filtering takes EventBridge's
 * pattern syntax, and a record that matches any of the filters is delivered: an outbox entry
 * written, and an email's claim marked sent, which carries its EmailSent (the claim's only write
 * with an event). Removing an entry or a claim's event once published, or erasing a claim, is not
 * delivered; nor is an entry written again while it waits.
 */
export const OUTBOX_STREAM = {
  filters: [
    { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [OUTBOX_SORT_KEY] } } } },
    {
      eventName: ['MODIFY'],
      dynamodb: {
        Keys: { sk: { S: [{ prefix: EMAIL_SORT_KEY_PREFIX }] } },
        NewImage: { event: { M: { detailType: { S: [{ exists: true }] } } } },
      },
    },
  ],
  batchSize: 10,
  /** Attempts after the first before the batch's position goes to the on-failure queue. */
  retryAttempts: 20,
  /** The stream keeps records for a day: what has not been published by then goes to the queue. */
  maxRecordAgeHours: 24,
} as const;

/** Where a function's handler module is, from the project root. */
export const handlerEntry = (descriptor: FunctionDescriptor) => `functions/${descriptor.name}/handler.ts`;

/** The trigger, narrowed to one kind (undefined for a function triggered otherwise). */
export function triggerOf<K extends Trigger['kind']>(
  descriptor: FunctionDescriptor,
  kind: K,
): Extract<Trigger, { kind: K }> | undefined {
  return descriptor.trigger.kind === kind ? (descriptor.trigger as Extract<Trigger, { kind: K }>) : undefined;
}

/**
 * Invoked asynchronously (by EventBridge or Scheduler): Lambda retries a failed invocation twice,
 * then sends it to the function's on-failure queue. A queue consumer's failures go back to its
 * queue; the public function answers its caller.
 */
export const invokedAsynchronously = (descriptor: FunctionDescriptor) =>
  descriptor.trigger.kind === 'bus' ||
  descriptor.trigger.kind === 'aws-events' ||
  descriptor.trigger.kind === 'schedule';

/**
 * Parses what it is given against the contract (bus events) or a job's shape (the due-jobs
 * queue), and sends what can never pass to the rejected-events queue instead of retrying it.
 */

export const reportsRejectedInput = (descriptor: FunctionDescriptor) =>
  descriptor.trigger.kind === 'bus' || descriptor.trigger.kind === 'queue';

/** The EventBridge rule pattern of a bus-triggered function: its events' sources and detail-types. */
export function eventPatternOf(descriptor: FunctionDescriptor): { source: string[]; 'detail-type': string[] } {
  const bus = triggerOf(descriptor, 'bus');
  if (!bus) throw new Error(`${descriptor.name} is not triggered by the bus`);
  return {
    source: [...new Set(bus.events.map((type) => eventCatalog[type].source))],
    'detail-type': [...bus.events],
  };
}

/**
 * The pattern of the rule that invokes a function, whichever bus it is on: its contract events on
 * the CareLoop bus, or AWS's own events (SES feedback) on the account's default bus.
 */
export function rulePatternOf(
  descriptor: FunctionDescriptor,
): { source: string[]; 'detail-type': string[] } | undefined {
  if (triggerOf(descriptor, 'bus')) return eventPatternOf(descriptor);
  const aws = triggerOf(descriptor, 'aws-events');
  return aws && { source: [...aws.source], 'detail-type': [...aws.detailTypes] };
}

/**
 * The values a deployment gives its functions: CloudFormation tokens from the CDK stack, local
 * endpoints and names from the local stack. A function gets the ones its descriptor calls for.
 */
export interface DeploymentValues {
  tableName: string;
  senderAddress: string;
  sesConfigurationSet?: string;
  scheduleGroupName: string;
  schedulerRoleArn: string;
  schedulerDeadLetterArn: string;
  dueJobsQueueArn: string;
  /** Comma-separated whole minutes, largest first. */
  reminderOffsetsMinutes: string;
  checkInDelayMinutes: string;
  quietHours: string;
  /** Days sessions, answers and the email log are kept, or `off` (shared/retention.ts). */
  retentionDays: string;
  rejectedEventsQueueUrl: string;
  /** Where unsubscribe links point: the public function's URL. */
  unsubscribeBaseUrl: string;
  unsubscribeSecretId: string;
  addressKeySecretId: string;
  /** The bus CareLoop listens to, where it publishes its own events too. */
  eventBusName: string;
  /** Where patient data exports are written. */
  exportBucketName: string;
  /** The key exports are encrypted with: the stack's KMS key, the bucket's default. */
  exportKeyArn: string;
  /** The variables every function's runtime reads (service name, log level). */
  runtime: Readonly<Record<string, string>>;
}

/**
 * The environment of one function: the table and how long what it writes there is kept, the
 * runtime's own variables, and the settings of the parts it wires, nothing else. Each part asks
 * for its own when it is built (shared/config.ts requireSetting), so a variable missing here is
 * a function that fails.
 */
export function functionEnvironment(descriptor: FunctionDescriptor, values: DeploymentValues): Record<string, string> {
  const environment: Partial<Record<EnvName, string>> = {
    [ENV.tableName]: values.tableName,
    // Every function, not only those that write sessions, answers or emails today: the store is
    // the same in each, and which items a function writes follows from its code, not from its
    // descriptor. A function left without it would write with the default instead of the
    // deployment's setting, and one that rewrites a session (a contact change marks it no longer
    // waiting) would move its expiry.
    [ENV.retention]: values.retentionDays,
  };
  const wires = (port: FunctionDescriptor['ports'][number]) => descriptor.ports.includes(port);
  if (reportsRejectedInput(descriptor)) environment[ENV.rejectedEventsQueueUrl] = values.rejectedEventsQueueUrl;
  if (wires('mailer')) {
    environment[ENV.senderAddress] = values.senderAddress;
    if (values.sesConfigurationSet !== undefined) environment[ENV.sesConfigurationSet] = values.sesConfigurationSet;
  }
  if (wires('scheduler')) {
    Object.assign(environment, {
      [ENV.scheduleGroupName]: values.scheduleGroupName,
      [ENV.schedulerRoleArn]: values.schedulerRoleArn,
      [ENV.schedulerDeadLetterArn]: values.schedulerDeadLetterArn,
      [ENV.dueJobsQueueArn]: values.dueJobsQueueArn,
      [ENV.reminderOffsetsMinutes]: values.reminderOffsetsMinutes,
      [ENV.checkInDelayMinutes]: values.checkInDelayMinutes,
      [ENV.quietHours]: values.quietHours,
    });
  }
  // The public function only checks links: it cannot be given its own URL (a circular reference).
  if (wires('unsubscribeLinks') && descriptor.trigger.kind !== 'public-url') {
    environment[ENV.unsubscribeBaseUrl] = values.unsubscribeBaseUrl;
  }
  if (wires('events')) environment[ENV.eventBusName] = values.eventBusName;
  if (wires('exports')) {
    environment[ENV.exportBucketName] = values.exportBucketName;
    environment[ENV.exportKeyArn] = values.exportKeyArn;
  }
  const secrets = secretsOf(descriptor);
  if (secrets.includes('unsubscribeSigningKey')) environment[ENV.unsubscribeSecretId] = values.unsubscribeSecretId;
  if (secrets.includes('suppressedAddressKey')) environment[ENV.addressKeySecretId] = values.addressKeySecretId;
  return { ...environment, ...values.runtime };
}

/** The IAM actions on the table a function's role gets, whether it may query the index, and its partitions. */
export function tableAccessOf(descriptor: FunctionDescriptor) {
  return {
    actions: [...new Set(descriptor.table.map((action) => `dynamodb:${action === 'QueryIndex' ? 'Query' : action}`))],
    index: descriptor.table.includes('QueryIndex'),
    partitions: descriptor.tablePartitions,
  };
}
