import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type CfnElement, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { careLoopFunctions } from '../functions/catalog';
import type { FunctionDescriptor } from '../functions/descriptor';
import { CareLoopFunction, FUNCTION_DEFAULTS, pascalCase } from './constructs/careloop-function';
import { ClinicSeed } from './constructs/clinic-seed';
import { DataStore } from './constructs/data';
import { EmailSending } from './constructs/email';
import { ExportStorage } from './constructs/exports';
import { defaultBusRuleName, Messaging } from './constructs/messaging';
import { PatientEndpoint } from './constructs/patient-endpoint';
import { SchemaRegistry } from './constructs/schema-registry';
import { Scheduling } from './constructs/scheduling';
import { withoutSections } from './constructs/section';
import { FUNCTION_RUNTIME_ENVIRONMENT } from './bundling';
import { DUE_JOBS_QUEUE, triggerOf, type DeploymentValues } from './function-plan';
import { CareLoopOperations, terminalQueuesOf } from './operations';
import { hoursToMinutes, type Settings } from './settings';

export { defaultBusRuleName, DUE_JOBS_QUEUE, FUNCTION_DEFAULTS, pascalCase };

/** The repository root (where package-lock.json and functions/ live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CareLoopStackProps extends StackProps {
  readonly settings: Settings;
  /** Where handler entries are resolved; the repository root unless a test says otherwise. */
  readonly projectRoot?: string;
  /** The functions to deploy: functions/catalog.ts unless a test adds its own. */
  readonly functions?: readonly FunctionDescriptor[];
}

/**
 * One clinic's CareLoop: its data, the bus and its rules, the contract's schemas, the schedules,
 * email, the patient endpoint, a function per descriptor, and the alarms. Each part is a section
 * of its own (infra/constructs/), named as a reader would look for it; the functions are built
 * from their descriptors (functions/catalog.ts) by CareLoopFunction.
 */
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
  /** Deployed function of each descriptor, by name. */
  readonly functions: ReadonlyMap<string, lambda.Function>;
  /** EventBridge rule of each function a rule triggers, by name. */
  readonly rules: ReadonlyMap<string, events.Rule>;
  /** The clinic profiles published at deploy time, when `clinicsFile` names any. */
  readonly clinicSeed?: ClinicSeed;
  /** Every event of the contract, accepted and published, in EventBridge's schema registry. */
  readonly schemaRegistry: SchemaRegistry;
  /** Where patient data exports are written, readable by the `exportReaders` only, for a week. */
  readonly exportBucket: s3.Bucket;
  /** The export bucket's server access logs. */
  readonly exportAccessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: CareLoopStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const prefix = `careloop-${settings.stage}`;
    const descriptors = props.functions ?? careLoopFunctions;

    const data = new DataStore(this, 'Data', { stage: settings.stage });
    this.key = data.key;
    this.table = data.table;

    const exportStorage = new ExportStorage(this, 'Exports', {
      key: this.key,
      readers: settings.exportReaders ?? [],
    });
    this.exportBucket = exportStorage.bucket;
    this.exportAccessLogBucket = exportStorage.accessLogBucket;

    // Its role before the bus: the bus policy must let it send clinic.admin.
    this.clinicSeed = settings.clinicProfiles
      ? new ClinicSeed(this, 'ClinicSeed', {
          prefix,
          key: this.key,
          // The repository's own provider, wherever a test resolves the catalog's handlers.
          projectRoot: PROJECT_ROOT,
          profiles: settings.clinicProfiles,
        })
      : undefined;

    const messaging = new Messaging(this, 'Messaging', {
      prefix,
      busName: settings.busName,
      publishers: settings.publishers ?? [],
      stackPublishers: this.clinicSeed ? [this.clinicSeed.publisher] : [],
      archiveRetentionDays: settings.archiveRetentionDays,
      key: this.key,
    });
    this.bus = messaging.bus;
    this.archive = messaging.archive;
    this.rejectedEventsQueue = messaging.rejectedEventsQueue;

    this.schemaRegistry = new SchemaRegistry(this, 'SchemaRegistry', { registryName: prefix });

    const email = new EmailSending(this, 'Email', {
      prefix,
      senderAddress: settings.senderAddress,
      senderDomain: settings.senderDomain,
      key: this.key,
    });
    this.configurationSet = email.configurationSet;
    this.emailIdentity = email.emailIdentity;

    const scheduling = new Scheduling(this, 'Scheduling', { prefix, key: this.key });
    this.scheduleGroup = scheduling.scheduleGroup;
    this.schedulerRole = scheduling.schedulerRole;
    this.schedulerDeadLetterQueue = scheduling.schedulerDeadLetterQueue;
    this.dueJobsQueue = scheduling.dueJobsQueue;
    this.dueJobsDeadLetterQueue = scheduling.dueJobsDeadLetterQueue;

    const endpoint = new PatientEndpoint(this, 'PatientEndpoint', { key: this.key });

    const values: Omit<DeploymentValues, 'unsubscribeBaseUrl'> = {
      tableName: this.table.tableName,
      senderAddress: settings.senderAddress,
      sesConfigurationSet: this.configurationSet.configurationSetName,
      scheduleGroupName: this.scheduleGroup.scheduleGroupName,
      schedulerRoleArn: this.schedulerRole.roleArn,
      schedulerDeadLetterArn: this.schedulerDeadLetterQueue.queueArn,
      dueJobsQueueArn: this.dueJobsQueue.queueArn,
      reminderOffsetsMinutes: settings.reminderOffsetsHours.map(hoursToMinutes).join(','),
      checkInDelayMinutes: String(hoursToMinutes(settings.checkInDelayHours)),
      quietHours: settings.quietHours,
      retentionDays: String(settings.retention),
      rejectedEventsQueueUrl: this.rejectedEventsQueue.queueUrl,
      unsubscribeSecretId: endpoint.signingKeySecret.secretArn,
      addressKeySecretId: email.addressKeySecret.secretArn,
      eventBusName: this.bus.eventBusName,
      exportBucketName: this.exportBucket.bucketName,
      exportKeyArn: this.key.keyArn,
      runtime: FUNCTION_RUNTIME_ENVIRONMENT,
    };
    const surroundings = (unsubscribeBaseUrl: string) => ({
      settings,
      prefix,
      projectRoot: props.projectRoot ?? PROJECT_ROOT,
      key: this.key,
      table: this.table,
      bus: this.bus,
      rejectedEventsQueue: this.rejectedEventsQueue,
      scheduling,
      email,
      endpoint,
      exports: exportStorage,
      secrets: {
        unsubscribeSigningKey: endpoint.signingKeySecret.secretArn,
        suppressedAddressKey: email.addressKeySecret.secretArn,
      },
      values: { ...values, unsubscribeBaseUrl },
    });

    // The public function first: the links the others put in emails point to its URL.
    const built = new Map<string, CareLoopFunction>();
    const isPublic = (descriptor: FunctionDescriptor) => descriptor.trigger.kind === 'public-url';
    for (const descriptor of descriptors.filter(isPublic)) {
      built.set(descriptor.name, new CareLoopFunction(this, descriptor, surroundings('')));
    }
    const baseUrl = endpoint.urlOrThrow.url;
    for (const descriptor of descriptors.filter((candidate) => !isPublic(candidate))) {
      built.set(descriptor.name, new CareLoopFunction(this, descriptor, surroundings(baseUrl)));
    }
    // In the catalog's order, whatever order they were built in.
    this.functions = new Map(descriptors.map((descriptor) => [descriptor.name, built.get(descriptor.name)!.fn]));
    this.rules = new Map(
      descriptors.flatMap((descriptor) => {
        const rule = built.get(descriptor.name)!.rule;
        return rule ? [[descriptor.name, rule] as const] : [];
      }),
    );

    email.publishFeedbackToDefaultBus();
    // Every function is built: those that wire `exports` are the only writers the bucket allows.
    exportStorage.allowOnlyGrantedWriters();

    // Published once every function and its rule exist (a profile published before its rule
    // would reach no function), and the archive, which keeps it.
    this.clinicSeed?.publishTo(this.bus, {
      after: [...built.values(), this.archive],
      consumers: descriptors
        .filter((descriptor) => triggerOf(descriptor, 'bus')?.events.includes('ClinicProfileUpdated'))
        .map((descriptor) => descriptor.name),
    });

    // ---- Operations: alarms -> SNS topic, dashboard careloop-<stage> (docs/OPERATIONS.md) ----
    this.operations = new CareLoopOperations(this, 'Operations', {
      stage: settings.stage,
      key: this.key,
      functions: this.functions,
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
    new CfnOutput(this, 'UnsubscribeUrl', { value: baseUrl });
    new CfnOutput(this, 'SchemaRegistryName', { value: this.schemaRegistry.registry.attrRegistryName });
    new CfnOutput(this, 'ExportBucketName', { value: this.exportBucket.bucketName });
  }

  /**
   * CDK's own naming, with the sections left out of each resource's path: the resources keep
   * the logical ids they had before the stack was split into sections (see StackSection).
   */
  protected override allocateLogicalId(element: CfnElement): string {
    return super.allocateLogicalId(withoutSections(element));
  }
}
