import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  AssetHashType,
  CfnOutput,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventPatternFor, functionRoutes, handlerEntry, type FunctionRoute } from '../functions/routes';
import { ENV } from '../shared/config';
import type { OptionalPort } from '../shared/domain/ports';
import { tableDefinition } from '../shared/table-definition';
import { applyPublisherPolicy } from './bus-policy';
import { bundleFunction, FUNCTION_RUNTIME_ENVIRONMENT } from './bundling';
import { CareLoopOperations, terminalQueuesOf } from './operations';
import { acknowledge, REASONS, wildcardResourceFinding } from './nag';
import { hoursToMinutes, type Settings } from './settings';

/** The repository root (where package-lock.json and functions/ live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A function's package, bundled on this machine when CDK synthesizes (infra/bundling.ts: esbuild,
 * split into chunks, which NodejsFunction cannot do) and hashed by its output, so a function whose
 * bundle did not change is not uploaded again. The asset's source is the function's own folder,
 * what CDK hashes when a test skips bundling.
 */
function functionCode(projectRoot: string, entry: string, selfCareOverrides: string | undefined): lambda.Code {
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

/** Tuning shared by every function; exported so tests assert the same numbers. */
export const FUNCTION_DEFAULTS = {
  memorySize: 256,
  timeout: Duration.seconds(30),
  /** Lambda's own retries of a failed async invocation, then the on-failure DLQ. */
  asyncRetryAttempts: 2,
  asyncMaxEventAge: Duration.hours(6),
  /** EventBridge's retries when it cannot hand the event to Lambda (throttling, KMS, ...). */
  ruleRetryAttempts: 8,
  ruleMaxEventAge: Duration.hours(6),
  logRetention: logs.RetentionDays.THREE_MONTHS,
  dlqRetention: Duration.days(14),
} as const;

/**
 * The due-jobs queue and its consumer: a burst of reminders due in the same minute waits in
 * the queue and is sent at a rate SES accepts (docs/OPERATIONS.md, "Due jobs").
 */
export const DUE_JOBS = {
  batchSize: 10,
  /** The event source mapping's maximum concurrency: 2 is the least Lambda allows. */
  maxConcurrency: 2,
  /** AWS's advice for an SQS event source: at least six times the function's timeout. */
  visibilityTimeout: Duration.seconds(FUNCTION_DEFAULTS.timeout.toSeconds() * 6),
  /** Receives before a job goes to the due-jobs DLQ: throttled sends retry for about an hour. */
  maxReceiveCount: 20,
  retentionPeriod: Duration.days(4),
} as const;

export interface CareLoopStackProps extends StackProps {
  readonly settings: Settings;
  /** Where handlerEntry() paths are resolved; the repository root unless a test says otherwise. */
  readonly projectRoot?: string;
}

export class CareLoopStack extends Stack {
  readonly key: kms.Key;
  readonly table: dynamodb.TableV2;
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly rejectedEventsQueue: sqs.Queue;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly schedulerDeadLetterQueue: sqs.Queue;
  /** Where Scheduler sends reminders and check-ins as they fall due; the due-jobs function consumes it. */
  readonly dueJobsQueue: sqs.Queue;
  readonly dueJobsDeadLetterQueue: sqs.Queue;
  readonly configurationSet: ses.ConfigurationSet;
  readonly operations: CareLoopOperations;
  readonly emailIdentity: ses.EmailIdentity;
  /** Deployed function of each route, by route name. */
  readonly functions: ReadonlyMap<string, lambda.Function>;
  /** EventBridge rule of each event route, by route name. */
  readonly rules: ReadonlyMap<string, events.Rule>;

  constructor(scope: Construct, id: string, props: CareLoopStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const prefix = `careloop-${settings.stage}`;

    // ---- Encryption: one customer-managed key for data at rest --------------------------
    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/${prefix}`,
      description: `CareLoop ${settings.stage}: table, queues, logs and event archive`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts log groups with the key only if its key policy lets it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // Rule-target dead-letter queues are encrypted with the key: EventBridge writes to them, for
    // the rules on the CareLoop bus (`rule/<bus>/<name>`) and for those on the account's default
    // bus, where SES publishes mail feedback: their ARNs have no bus segment (`rule/<name>`), so
    // they are named with the stage's prefix (see defaultBusRuleName) and matched by it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeRuleDeadLetterQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'aws:SourceArn': [`${settings.busName}/*`, `${defaultBusRuleName(prefix, '*')}`].map((resourceName) =>
              this.formatArn({ service: 'events', resource: 'rule', resourceName }),
            ),
          },
        },
      }),
    );

    // Every queue is a terminal one: failed invocations, undeliverable events and rejected events.
    const newQueue = (queueId: string, { redriveTarget = false } = {}) => {
      const queue = new sqs.Queue(this, queueId, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        retentionPeriod: FUNCTION_DEFAULTS.dlqRetention,
      });
      // AwsSolutions-SQS3 already accepts a queue that is another queue's dead-letter queue.
      if (!redriveTarget) acknowledge(queue, 'AwsSolutions-SQS3', REASONS.terminalQueue);
      acknowledge(queue, 'Serverless-SQSRedrivePolicy', REASONS.terminalQueue);
      return queue;
    };

    // ---- DynamoDB ------------------------------------------------------------------------
    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: string },
      sortKey: { name: tableDefinition.sortKey, type: string },
      globalSecondaryIndexes: tableDefinition.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: index.sortKey, type: string },
      })),
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Besides PITR: a daily AWS Backup copy kept 35 days in a vault encrypted with the CMK (the
    // HIPAA contingency-plan control; AWS Config's dynamodb-in-backup-plan checks it).
    const backupVault = new backup.BackupVault(this, 'BackupVault', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const backupSelection = backup.BackupPlan.daily35DayRetention(this, 'BackupPlan', backupVault).addSelection(
      'Table',
      { resources: [backup.BackupResource.fromArn(this.table.tableArn)] },
    );
    acknowledge(
      backupSelection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      REASONS.backupServiceRole,
    );

    // ---- EventBridge bus and archive -------------------------------------------------------
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: settings.busName,
      description: 'CareLoop clinic events (booking, care, patients)',
    });
    applyPublisherPolicy(this.bus, settings.publishers ?? []);
    // Not bus.archive(): in aws-cdk-lib 2.276 that helper drops kmsKey.
    this.archive = new events.Archive(this, 'BusArchive', {
      sourceEventBus: this.bus,
      description: `Every event on ${settings.busName}, for replay`,
      // An empty prefix matches every source: the archive keeps all events on the bus.
      eventPattern: { source: events.Match.prefix('') },
      retention: Duration.days(settings.archiveRetentionDays),
      kmsKey: this.key,
    });

    this.rejectedEventsQueue = newQueue('RejectedEventsQueue');

    // ---- SES v2 --------------------------------------------------------------------------
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: prefix,
      // Emails carry appointment and care details: never deliver them in clear text.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.emailIdentity = new ses.EmailIdentity(this, 'EmailIdentity', {
      identity: settings.senderDomain
        ? ses.Identity.domain(settings.senderDomain)
        : ses.Identity.email(settings.senderAddress),
      configurationSet: this.configurationSet,
      ...(settings.senderDomain ? { dkimIdentity: ses.DkimIdentity.easyDkim() } : {}),
    });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    // ---- EventBridge Scheduler -------------------------------------------------------------
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: prefix,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerDeadLetterQueue = newQueue('SchedulerDeadLetterQueue');
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to send due reminders and check-ins to the due-jobs queue',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    this.schedulerDeadLetterQueue.grantSendMessages(this.schedulerRole);
    acknowledge(this.schedulerRole, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', REASONS.kmsGenerateDataKey);
    acknowledge(this.schedulerRole, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', REASONS.kmsReEncrypt);
    acknowledge(this.schedulerRole, 'HIPAA.Security-IAMNoInlinePolicy', REASONS.roleOwnPolicy);
    const schedulesArn = this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });

    // Schedules send to the due-jobs queue; its consumer's bounded concurrency, not the size
    // of a burst, sets the sending rate. A job still failing after maxReceiveCount receives
    // (a throttled send is retried after each visibility timeout) goes to the due-jobs DLQ.
    this.dueJobsDeadLetterQueue = newQueue('DueJobsDeadLetterQueue', { redriveTarget: true });
    this.dueJobsQueue = new sqs.Queue(this, 'DueJobsQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      visibilityTimeout: DUE_JOBS.visibilityTimeout,
      retentionPeriod: DUE_JOBS.retentionPeriod,
      deadLetterQueue: { queue: this.dueJobsDeadLetterQueue, maxReceiveCount: DUE_JOBS.maxReceiveCount },
    });
    // Scheduler may send to the due-jobs queue and nothing else (the CMK is granted with its DLQ).
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendDueJobs',
        actions: ['sqs:SendMessage'],
        resources: [this.dueJobsQueue.queueArn],
      }),
    );

    // Fixed function names (careloop-<stage>-<route>): what operators look for in the console.
    const functionName = (route: FunctionRoute) => `${prefix}-${route.name}`;

    // Signs one-click unsubscribe links. Generated by Secrets Manager, never seen by anyone.
    const unsubscribeSecret = new secretsmanager.Secret(this, 'UnsubscribeSigningKey', {
      description: 'CareLoop: HMAC key that signs one-click unsubscribe links in follow-up emails',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(unsubscribeSecret, 'AwsSolutions-SMG4', REASONS.unsubscribeKeyRotation);
    acknowledge(unsubscribeSecret, 'HIPAA.Security-SecretsManagerRotationEnabled', REASONS.unsubscribeKeyRotation);

    // Keys suppressed addresses (an HMAC of each): without it, the table's keys cannot be matched
    // against a list of likely addresses. Generated by Secrets Manager, never seen by anyone.
    const addressKeySecret = new secretsmanager.Secret(this, 'SuppressedAddressKey', {
      description: 'CareLoop: HMAC key that suppressed email addresses are stored under',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(addressKeySecret, 'AwsSolutions-SMG4', REASONS.addressKeyRotation);
    acknowledge(addressKeySecret, 'HIPAA.Security-SecretsManagerRotationEnabled', REASONS.addressKeyRotation);

    const environment: Record<string, string> = {
      [ENV.tableName]: this.table.tableName,
      [ENV.senderAddress]: settings.senderAddress,
      [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName,
      [ENV.scheduleGroupName]: this.scheduleGroup.scheduleGroupName,
      [ENV.schedulerRoleArn]: this.schedulerRole.roleArn,
      [ENV.schedulerDeadLetterArn]: this.schedulerDeadLetterQueue.queueArn,
      [ENV.dueJobsQueueArn]: this.dueJobsQueue.queueArn,
      [ENV.reminderOffsetsMinutes]: settings.reminderOffsetsHours.map(hoursToMinutes).join(','),
      [ENV.checkInDelayMinutes]: String(hoursToMinutes(settings.checkInDelayHours)),
      [ENV.rejectedEventsQueueUrl]: this.rejectedEventsQueue.queueUrl,
      [ENV.quietHours]: settings.quietHours,
      [ENV.unsubscribeSecretId]: unsubscribeSecret.secretArn,
      [ENV.addressKeySecretId]: addressKeySecret.secretArn,
      ...FUNCTION_RUNTIME_ENVIRONMENT,
    };
    // The unsubscribe link's base is the unsubscribe function's own URL, added to the other
    // functions once that URL exists (a function cannot carry its own URL: a circular reference).
    const missing = Object.values(ENV).filter((name) => !(name in environment) && name !== ENV.unsubscribeBaseUrl);
    if (missing.length > 0) throw new Error(`CareLoopStack sets no value for ${missing.join(', ')}`);

    // ---- Functions -------------------------------------------------------------------------
    const functions = new Map<string, lambda.Function>();
    let unsubscribeUrl: lambda.FunctionUrl | undefined;
    const rules = new Map<string, events.Rule>();
    for (const route of functionRoutes) {
      const id = pascalCase(route.name);
      const logGroup = new logs.LogGroup(this, `${id}Logs`, {
        retention: FUNCTION_DEFAULTS.logRetention,
        encryptionKey: this.key,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // Only an asynchronously invoked function has failures to keep: the due-jobs function is
      // polled from SQS (its queue's redrive policy keeps them), the public one answers its caller.
      const onFailureQueue = route.scheduled || route.http ? undefined : newQueue(`${id}FailureQueue`);
      // Its own role, which may write to its own log group only (AWSLambdaBasicExecutionRole,
      // CDK's default, allows creating and writing any log group in the account).
      const role = new iam.Role(this, `${id}Role`, {
        description: `Execution role of ${functionName(route)}`,
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      logGroup.grantWrite(role);
      acknowledge(role, 'HIPAA.Security-IAMNoInlinePolicy', REASONS.roleOwnPolicy);
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        route.ports.includes('scheduler') ? REASONS.xrayAndListSchedulesOnAnyResource : REASONS.xrayOnAnyResource,
      );
      const fn = new lambda.Function(this, `${id}Function`, {
        functionName: functionName(route),
        description: route.scheduled
          ? 'CareLoop reminders and check-ins due (the due-jobs queue, fed by EventBridge Scheduler)'
          : route.http
            ? 'CareLoop one-click unsubscribe link (function URL)'
            : route.awsEvents
              ? `CareLoop: ${route.awsEvents['detail-type'].join(', ')} from ${route.awsEvents.source.join(', ')}`
              : `CareLoop: ${route.events.join(', ')}`,
        code: functionCode(projectRoot, handlerEntry(route), settings.selfCareOverrides),
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: FUNCTION_DEFAULTS.memorySize,
        timeout: FUNCTION_DEFAULTS.timeout,
        role,
        logGroup,
        // Lambda's own segments only (timings, errors): no payload, nothing about patients.
        tracing: lambda.Tracing.ACTIVE,
        environment,
        // Anyone on the internet can call the public function: its ceiling keeps a flood from
        // taking the account's concurrency, and so the reminders' and bookings' functions, with it.
        ...(route.http &&
          settings.publicFunctionConcurrency !== 'off' && {
            reservedConcurrentExecutions: settings.publicFunctionConcurrency,
          }),
        ...(onFailureQueue && {
          retryAttempts: FUNCTION_DEFAULTS.asyncRetryAttempts,
          maxEventAge: FUNCTION_DEFAULTS.asyncMaxEventAge,
          onFailure: sendOnlyDestination(onFailureQueue),
        }),
      });
      functions.set(route.name, fn);
      acknowledge(fn, 'HIPAA.Security-LambdaInsideVPC', REASONS.noVpc);
      if (!route.http) acknowledge(fn, 'HIPAA.Security-LambdaConcurrency', REASONS.noReservedConcurrency);
      else if (settings.publicFunctionConcurrency === 'off') {
        acknowledge(fn, 'HIPAA.Security-LambdaConcurrency', REASONS.publicConcurrencyOff);
      }
      const dlqReason = route.http
        ? REASONS.synchronousNoDlq
        : route.scheduled
          ? REASONS.sqsRedrive
          : REASONS.onFailureDestination;
      acknowledge(fn, 'HIPAA.Security-LambdaDLQ', dlqReason);
      acknowledge(fn, 'Serverless-LambdaDLQ', dlqReason);

      // Only the item actions the function's code calls (routes.ts `table`), on the index only
      // for a function that queries it, on its own partitions only where it has those; and the
      // CMK that encrypts the table, the queues and the secrets.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'UseCareLoopTable',
          actions: [...new Set(route.table.map((action) => `dynamodb:${action === 'QueryIndex' ? 'Query' : action}`))],
          resources: [
            this.table.tableArn,
            ...(route.table.includes('QueryIndex') ? [`${this.table.tableArn}/index/*`] : []),
          ],
          ...(route.tablePartitions && {
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...route.tablePartitions] } },
          }),
        }),
      );
      this.key.grant(fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
      // CDK's grant on the CMK (table, queues): the two wildcards expand to data-key and
      // re-encrypt actions only, on this one key.
      acknowledge(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', REASONS.kmsGenerateDataKey);
      acknowledge(role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', REASONS.kmsReEncrypt);
      if (route.table.includes('QueryIndex')) {
        acknowledge(role, wildcardResourceFinding(this, `${this.table.tableArn}/index/*`), REASONS.tableIndexes);
      }
      // What the function's handler wires (routes.ts) is what its role may do.
      const wires = (port: OptionalPort) => route.ports.includes(port);
      if (route.events.length > 0 || route.scheduled) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.rejectedEventsQueue.queueArn] }),
        );
      }
      const secrets = [
        ...(wires('unsubscribeLinks') ? [unsubscribeSecret.secretArn] : []),
        // Every email is checked against the suppressed addresses; SES feedback records them.
        ...(wires('mailer') || route.awsEvents ? [addressKeySecret.secretArn] : []),
      ];
      if (secrets.length > 0) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secrets }));
      }
      if (wires('mailer')) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'SendEmailFromCareLoopIdentity',
            actions: ['ses:SendEmail'],
            resources: [this.emailIdentity.emailIdentityArn, configurationSetArn],
            conditions: { StringEquals: { 'ses:FromAddress': settings.senderAddress } },
          }),
        );
      }
      if (route.http) {
        // Public by design: the link in an email is opened by a mail client or a browser,
        // and is worthless without its HMAC signature.
        unsubscribeUrl = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
        // The two resource policies (lambda:InvokeFunctionUrl, lambda:InvokeFunction) the URL needs.
        acknowledge(fn, 'HIPAA.Security-LambdaFunctionPublicAccessProhibited', REASONS.publicUnsubscribeUrl);
      }
      if (route.scheduled) {
        // Partial batch responses: only the failed records of a batch are delivered again.
        fn.addEventSource(
          new SqsEventSource(this.dueJobsQueue, {
            batchSize: DUE_JOBS.batchSize,
            maxConcurrency: DUE_JOBS.maxConcurrency,
            reportBatchItemFailures: true,
          }),
        );
        acknowledge(fn, 'Serverless-LambdaEventSourceMappingDestination', REASONS.sqsEventSourceRedrive);
      }
      if (route.awsEvents) {
        // SES publishes mail feedback to the account's default bus only.
        const rule = new events.Rule(this, `${id}Rule`, {
          eventBus: events.EventBus.fromEventBusName(this, `${id}DefaultBus`, 'default'),
          // Named, so the key policy can name it before it exists (a token would be circular).
          ruleName: defaultBusRuleName(prefix, route.name),
          description: `${route.awsEvents['detail-type'].join(', ')} -> ${functionName(route)}`,
          eventPattern: {
            source: [...route.awsEvents.source],
            detailType: [...route.awsEvents['detail-type']],
          },
        });
        rule.addTarget(
          new targets.LambdaFunction(fn, {
            deadLetterQueue: newQueue(`${id}RuleDeadLetterQueue`),
            retryAttempts: FUNCTION_DEFAULTS.ruleRetryAttempts,
            maxEventAge: FUNCTION_DEFAULTS.ruleMaxEventAge,
          }),
        );
        rules.set(route.name, rule);
      }

      if (wires('scheduler')) {
        // Create, move and delete the reminder and check-in schedules.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'ManageCareLoopSchedules',
            actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
            resources: [schedulesArn],
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
        acknowledge(role, wildcardResourceFinding(this, schedulesArn), REASONS.schedulesOfGroup);
        this.schedulerRole.grantPassRole(fn.grantPrincipal);
      }

      if (route.events.length > 0) {
        const rule = new events.Rule(this, `${id}Rule`, {
          eventBus: this.bus,
          description: `${route.events.join(', ')} -> ${functionName(route)}`,
          eventPattern: eventPatternFor(route),
        });
        rule.addTarget(
          new targets.LambdaFunction(fn, {
            deadLetterQueue: newQueue(`${id}RuleDeadLetterQueue`),
            retryAttempts: FUNCTION_DEFAULTS.ruleRetryAttempts,
            maxEventAge: FUNCTION_DEFAULTS.ruleMaxEventAge,
          }),
        );
        rules.set(route.name, rule);
      }
    }
    this.functions = functions;
    this.rules = rules;
    if (!unsubscribeUrl) throw new Error('functions/routes.ts has no route with http: true (the unsubscribe link)');
    for (const [name, fn] of functions) {
      if (!functionRoutes.find((route) => route.name === name)?.http) {
        fn.addEnvironment(ENV.unsubscribeBaseUrl, unsubscribeUrl.url);
      }
    }

    // Bounces and complaints go to EventBridge (default bus), where the ses-feedback rule takes them.
    this.configurationSet.addEventDestination('MailFeedbackToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'SesDefaultBus', 'default')),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    // ---- Operations: alarms -> SNS topic, dashboard careloop-<stage> (docs/OPERATIONS.md) ----
    this.operations = new CareLoopOperations(this, 'Operations', {
      stage: settings.stage,
      key: this.key,
      functions,
      queues: terminalQueuesOf(this),
      scheduleGroupName: this.scheduleGroup.scheduleGroupName,
      configurationSetName: this.configurationSet.configurationSetName,
      alarmEmail: settings.alarmEmail,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.topic.topicArn });

    // ---- Outputs ---------------------------------------------------------------------------
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'RejectedEventsQueueUrl', { value: this.rejectedEventsQueue.queueUrl });
    new CfnOutput(this, 'SchedulerDeadLetterQueueUrl', { value: this.schedulerDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'DueJobsQueueUrl', { value: this.dueJobsQueue.queueUrl });
    new CfnOutput(this, 'DueJobsDeadLetterQueueUrl', { value: this.dueJobsDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.configurationSet.configurationSetName });
    new CfnOutput(this, 'UnsubscribeUrl', { value: unsubscribeUrl.url });
  }
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

/**
 * The name of a rule on the account's default bus. Its ARN is `rule/<name>`, with no bus in it,
 * so the key policy that lets EventBridge write the rule's dead-letter queue matches it by this
 * stage's prefix.
 */
export const defaultBusRuleName = (prefix: string, name: string) => `${prefix}-${name}`;

/** `booking-created` -> `BookingCreated` (construct ids of a route's resources). */
export const pascalCase = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
