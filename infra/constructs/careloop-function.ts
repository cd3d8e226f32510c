import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { secretsOf, type FunctionDescriptor, type SecretName } from '../../functions/descriptor';
import { bundleFunction } from '../bundling';
import {
  DUE_JOBS_QUEUE,
  FUNCTION_SETTINGS,
  eventPatternOf,
  functionEnvironment,
  handlerEntry,
  invokedAsynchronously,
  OUTBOX_STREAM,
  reportsRejectedInput,
  tableAccessOf,
  triggerOf,
  type DeploymentValues,
} from '../function-plan';
import { acknowledge, REASONS, wildcardResourceFinding } from '../nag';
import type { Settings } from '../settings';
import type { EmailSending } from './email';
import type { ExportStorage } from './exports';
import { defaultBusRuleName } from './messaging';
import type { PatientEndpoint } from './patient-endpoint';
import { terminalQueue } from './queues';
import type { Scheduling } from './scheduling';
import { StackSection } from './section';

/** Tuning shared by every function, in CDK's units; the numbers are FUNCTION_SETTINGS'. */
export const FUNCTION_DEFAULTS = {
  memorySize: FUNCTION_SETTINGS.memorySize,
  timeout: Duration.seconds(FUNCTION_SETTINGS.timeoutSeconds),
  asyncRetryAttempts: FUNCTION_SETTINGS.asyncRetryAttempts,
  asyncMaxEventAge: Duration.hours(FUNCTION_SETTINGS.asyncMaxEventAgeHours),
  ruleRetryAttempts: FUNCTION_SETTINGS.ruleRetryAttempts,
  ruleMaxEventAge: Duration.hours(FUNCTION_SETTINGS.ruleMaxEventAgeHours),
  logRetention: logs.RetentionDays.THREE_MONTHS,
} as const;

/** What every function of a stack is built against. */
export interface FunctionSurroundings {
  readonly settings: Settings;
  readonly prefix: string;
  /** Where handler entries are resolved: the repository root unless a test says otherwise. */
  readonly projectRoot: string;
  readonly key: kms.Key;
  readonly table: dynamodb.TableV2;
  readonly bus: events.IEventBus;
  readonly rejectedEventsQueue: sqs.IQueue;
  readonly scheduling: Scheduling;
  readonly email: EmailSending;
  readonly endpoint: PatientEndpoint;
  readonly exports: ExportStorage;
  readonly secrets: Readonly<Record<SecretName, string>>;
  /** The values its environment is made of (infra/function-plan.ts functionEnvironment). */
  readonly values: DeploymentValues;
}

/** `booking-created` -> `BookingCreated` (construct ids of a function's resources). */
export const pascalCase = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * One CareLoop function as its descriptor describes it: its own log group and role, the code,
 * the trigger and where its failures go, exactly the grants its code needs, and its environment.
 * A section of the stack: its resources keep the logical ids they had before it existed.
 */
export class CareLoopFunction extends StackSection {
  readonly fn: lambda.Function;
  /** The rule that triggers it, for a bus or AWS-events trigger. */
  readonly rule?: events.Rule;

  constructor(
    scope: Construct,
    readonly descriptor: FunctionDescriptor,
    around: FunctionSurroundings,
  ) {
    const id = pascalCase(descriptor.name);
    super(scope, id);
    const { settings, key, table } = around;
    const functionName = `${around.prefix}-${descriptor.name}`;
    const trigger = descriptor.trigger;

    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: FUNCTION_DEFAULTS.logRetention,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const onFailureQueue = invokedAsynchronously(descriptor)
      ? terminalQueue(this, `${id}FailureQueue`, key)
      : undefined;
    // The stream's event source mapping sends where a batch it gave up on was (not the records).
    const streamFailureQueue =
      trigger.kind === 'table-stream' ? terminalQueue(this, `${id}FailureQueue`, key) : undefined;
    // Its own role, which may write to its own log group only (AWSLambdaBasicExecutionRole,
    // CDK's default, allows creating and writing any log group in the account).
    const role = new iam.Role(this, `${id}Role`, {
      description: `Execution role of ${functionName}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    acknowledge(role, 'HIPAA.Security-IAMNoInlinePolicy', REASONS.roleOwnPolicy);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      descriptor.ports.includes('scheduler')
        ? REASONS.xrayAndListSchedulesOnAnyResource
        : trigger.kind === 'table-stream'
          ? REASONS.xrayAndListStreamsOnAnyResource
          : REASONS.xrayOnAnyResource,
    );
    const reserved =
      trigger.kind === 'public-url' && settings.publicFunctionConcurrency !== 'off'
        ? settings.publicFunctionConcurrency
        : undefined;
    this.fn = new lambda.Function(this, `${id}Function`, {
      functionName,
      description: descriptor.description,
      code: functionCode(around.projectRoot, handlerEntry(descriptor), settings.selfCareOverrides),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: FUNCTION_DEFAULTS.memorySize,
      timeout: FUNCTION_DEFAULTS.timeout,
      role,
      logGroup,
      // Lambda's own segments only (timings, errors): no payload, nothing about patients.
      tracing: settings.tracing === 'active' ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH,
      environment: functionEnvironment(descriptor, around.values),
      // Anyone on the internet can call the public function: its ceiling keeps a flood from
      // taking the account's concurrency, and so the reminders' and bookings' functions, with it.
      ...(reserved !== undefined && { reservedConcurrentExecutions: reserved }),
      ...(onFailureQueue && {
        retryAttempts: FUNCTION_DEFAULTS.asyncRetryAttempts,
        maxEventAge: FUNCTION_DEFAULTS.asyncMaxEventAge,
        onFailure: sendOnlyDestination(onFailureQueue),
      }),
    });
    const fn = this.fn;
    acknowledge(fn, 'HIPAA.Security-LambdaInsideVPC', REASONS.noVpc);
    if (settings.tracing === 'passthrough') acknowledge(fn, 'Serverless-LambdaTracing', REASONS.tracingPassThrough);
    if (trigger.kind !== 'public-url') {
      acknowledge(fn, 'HIPAA.Security-LambdaConcurrency', REASONS.noReservedConcurrency);
    } else if (reserved === undefined) {
      acknowledge(fn, 'HIPAA.Security-LambdaConcurrency', REASONS.publicConcurrencyOff);
    }
    const dlqReason =
      trigger.kind === 'public-url'
        ? REASONS.synchronousNoDlq
        : trigger.kind === 'queue'
          ? REASONS.sqsRedrive
          : trigger.kind === 'table-stream'
            ? REASONS.streamOnFailure
            : REASONS.onFailureDestination;
    acknowledge(fn, 'HIPAA.Security-LambdaDLQ', dlqReason);
    acknowledge(fn, 'Serverless-LambdaDLQ', dlqReason);

    // Only the item actions its code calls (its descriptor's `table`), on the index only for a
    // function that queries it, on its own partitions only where it has those; and the CMK that
    // encrypts the table, the queues and the secrets.
    const tableAccess = tableAccessOf(descriptor);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UseCareLoopTable',
        actions: tableAccess.actions,
        resources: [table.tableArn, ...(tableAccess.index ? [`${table.tableArn}/index/*`] : [])],
        ...(tableAccess.partitions && {
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...tableAccess.partitions] } },
        }),
      }),
    );
    key.grant(fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
    // CDK's grant on the CMK (table, queues): the two wildcards expand to data-key and
    // re-encrypt actions only, on this one key.
    acknowledge(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', REASONS.kmsGenerateDataKey);
    acknowledge(role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', REASONS.kmsReEncrypt);
    if (tableAccess.index) {
      acknowledge(role, wildcardResourceFinding(this, `${table.tableArn}/index/*`), REASONS.tableIndexes);
    }
    if (reportsRejectedInput(descriptor)) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [around.rejectedEventsQueue.queueArn] }),
      );
    }
    const secrets = secretsOf(descriptor);
    if (secrets.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: secrets.map((secret) => around.secrets[secret]),
        }),
      );
    }
    if (descriptor.ports.includes('mailer')) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'SendEmailFromCareLoopIdentity',
          actions: ['ses:SendEmail'],
          resources: [around.email.emailIdentity.emailIdentityArn, around.email.configurationSetArn],
          conditions: { StringEquals: { 'ses:FromAddress': settings.senderAddress } },
        }),
      );
    }

    if (descriptor.ports.includes('events')) {
      // CareLoop's own events only: the contract's sources belong to the front ends.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'PublishCareLoopEvents',
          actions: ['events:PutEvents'],
          resources: [around.bus.eventBusArn],
          conditions: { StringLike: { 'events:source': ['careloop.*'] } },
        }),
      );
    }

    if (descriptor.ports.includes('exports')) {
      // Put exports, S3 encrypting them with the key; never read one (the bucket policy denies it).
      around.exports.grantWrite(role);
      acknowledge(role, wildcardResourceFinding(this, around.exports.bucket.arnForObjects('*')), REASONS.exportObjects);
    }

    switch (trigger.kind) {
      case 'public-url':
        around.endpoint.serve(fn);
        break;
      case 'table-stream':
        fn.addEventSource(
          new DynamoEventSource(around.table, {
            // From the oldest record kept: an entry written before the mapping existed is still owed.
            startingPosition: lambda.StartingPosition.TRIM_HORIZON,
            batchSize: OUTBOX_STREAM.batchSize,
            retryAttempts: OUTBOX_STREAM.retryAttempts,
            maxRecordAge: Duration.hours(OUTBOX_STREAM.maxRecordAgeHours),
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            onFailure: new SqsDlq(streamFailureQueue!),
            filters: OUTBOX_STREAM.filters.map((filter) => lambda.FilterCriteria.filter(filter)),
          }),
        );
        break;
      case 'queue':
        // Partial batch responses: only the failed records of a batch are delivered again.
        fn.addEventSource(
          new SqsEventSource(around.scheduling.dueJobsQueue, {
            batchSize: DUE_JOBS_QUEUE.batchSize,
            maxConcurrency: DUE_JOBS_QUEUE.maxConcurrency,
            reportBatchItemFailures: true,
          }),
        );
        acknowledge(fn, 'Serverless-LambdaEventSourceMappingDestination', REASONS.sqsEventSourceRedrive);
        break;
      case 'aws-events':
        // AWS publishes its own events (SES's mail feedback) to the account's default bus only.
        this.rule = this.ruleTo(
          events.EventBus.fromEventBusName(this, `${id}DefaultBus`, 'default'),
          `${trigger.detailTypes.join(', ')} -> ${functionName}`,
          { source: [...trigger.source], detailType: [...trigger.detailTypes] },
          key,
          // Named, so the key policy can name it before it exists (a token would be circular).
          defaultBusRuleName(around.prefix, descriptor.name),
        );
        break;
      case 'schedule': {
        const deadLetterQueue = terminalQueue(this, `${id}ScheduleDeadLetterQueue`, key);
        new scheduler.Schedule(this, `${id}Schedule`, {
          description: `Runs ${functionName} every ${trigger.every.amount} ${trigger.every.unit}`,
          schedule: scheduler.ScheduleExpression.rate(
            trigger.every.unit === 'minutes'
              ? Duration.minutes(trigger.every.amount)
              : trigger.every.unit === 'hours'
                ? Duration.hours(trigger.every.amount)
                : Duration.days(trigger.every.amount),
          ),
          scheduleGroup: around.scheduling.scheduleGroup,
          target: new schedulerTargets.LambdaInvoke(fn, {
            deadLetterQueue,
            retryAttempts: FUNCTION_DEFAULTS.ruleRetryAttempts,
            maxEventAge: FUNCTION_DEFAULTS.ruleMaxEventAge,
          }),
        });
        break;
      }
      case 'bus':
        break;
    }

    if (descriptor.ports.includes('scheduler')) {
      // Create, move and delete the reminder and check-in schedules.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ManageCareLoopSchedules',
          actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          resources: [around.scheduling.schedulesArn],
        }),
      );
      // Reminder sync lists a booking's schedules by name prefix; ListSchedules has no
      // resource-level permissions (Resource must be "*"), the handler always passes GroupName.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ListCareLoopSchedules',
          actions: ['scheduler:ListSchedules'],
          resources: ['*'],
        }),
      );
      acknowledge(role, wildcardResourceFinding(this, around.scheduling.schedulesArn), REASONS.schedulesOfGroup);
      around.scheduling.schedulerRole.grantPassRole(fn.grantPrincipal);
    }

    const bus = triggerOf(descriptor, 'bus');
    if (bus) {
      this.rule = this.ruleTo(
        around.bus,
        `${bus.events.join(', ')} -> ${functionName}`,
        eventPatternOf(descriptor),
        key,
      );
    }
  }

  /** A rule of the bus that targets this function, with its own dead-letter queue and retry policy. */
  private ruleTo(
    bus: events.IEventBus,
    description: string,
    eventPattern: events.EventPattern | { source: string[]; 'detail-type': string[] },
    key: kms.Key,
    ruleName?: string,
  ): events.Rule {
    const id = pascalCase(this.descriptor.name);
    const rule = new events.Rule(this, `${id}Rule`, {
      eventBus: bus,
      ...(ruleName && { ruleName }),
      description,
      eventPattern: eventPattern as events.EventPattern,
    });
    rule.addTarget(
      new targets.LambdaFunction(this.fn, {
        deadLetterQueue: terminalQueue(this, `${id}RuleDeadLetterQueue`, key),
        retryAttempts: FUNCTION_DEFAULTS.ruleRetryAttempts,
        maxEventAge: FUNCTION_DEFAULTS.ruleMaxEventAge,
      }),
    );
    return rule;
  }
}

/**
 * A function's package, bundled on this machine when CDK synthesizes (infra/bundling.ts: esbuild,
 * split into chunks, which NodejsFunction cannot do) and hashed by its output, so a function whose
 * bundle did not change is not uploaded again. The asset's source is the function's own folder,
 * what CDK hashes when a test skips bundling.
 */
export function functionCode(projectRoot: string, entry: string, selfCareOverrides: string | undefined): lambda.Code {
  return lambda.Code.fromAsset(path.join(projectRoot, path.dirname(entry)), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: bundling runs locally, with the esbuild that npm ci installed.
      image: DockerImage.fromRegistry('careloop-bundles-locally'),
      local: {
        tryBundle(outputDir) {
          bundleFunction(path.join(projectRoot, entry), outputDir, projectRoot, { selfCareOverrides });
          return true;
        },
      },
    },
  });
}

/**
 * Lambda's on-failure destination, like SqsDestination but granting only sqs:SendMessage (the
 * CMK is granted with the table): SqsDestination's grantSendMessages adds GetQueueAttributes
 * and GetQueueUrl, which Lambda does not use.
 */
const sendOnlyDestination = (queue: sqs.IQueue): lambda.IDestination => ({
  bind: (_scope, fn) => {
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
    return { destination: queue.queueArn };
  },
});
