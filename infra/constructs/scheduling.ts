import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DUE_JOBS_QUEUE } from '../function-plan';
import { acknowledge, REASONS } from '../nag';
import { terminalQueue } from './queues';
import { StackSection } from './section';

/**
 * Reminders, check-ins and the other one-time jobs: the schedule group, the role EventBridge
 * Scheduler assumes, and the due-jobs queue it drops each job on as it falls due, which the
 * due-jobs function drains at a rate SES accepts (docs/OPERATIONS.md, "Due jobs").
 */
export class Scheduling extends StackSection {
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly schedulerDeadLetterQueue: sqs.Queue;
  readonly dueJobsQueue: sqs.Queue;
  readonly dueJobsDeadLetterQueue: sqs.Queue;
  /** The ARN pattern of every schedule of the group: what the functions that schedule may manage. */
  readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: { prefix: string; key: kms.Key }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: props.prefix,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerDeadLetterQueue = terminalQueue(this, 'SchedulerDeadLetterQueue', props.key);
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to send due reminders and check-ins to the due-jobs queue',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.schedulerDeadLetterQueue.grantSendMessages(this.schedulerRole);
    acknowledge(this.schedulerRole, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', REASONS.kmsGenerateDataKey);
    acknowledge(this.schedulerRole, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', REASONS.kmsReEncrypt);
    acknowledge(this.schedulerRole, 'HIPAA.Security-IAMNoInlinePolicy', REASONS.roleOwnPolicy);
    this.schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });

    // Schedules send to the due-jobs queue; its consumer's bounded concurrency, not the size
    // of a burst, sets the sending rate. A job still failing after maxReceiveCount receives
    // (a throttled send is retried after each visibility timeout) goes to the due-jobs DLQ.
    this.dueJobsDeadLetterQueue = terminalQueue(this, 'DueJobsDeadLetterQueue', props.key, { redriveTarget: true });
    this.dueJobsQueue = new sqs.Queue(this, 'DueJobsQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(DUE_JOBS_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(DUE_JOBS_QUEUE.retentionDays),
      deadLetterQueue: { queue: this.dueJobsDeadLetterQueue, maxReceiveCount: DUE_JOBS_QUEUE.maxReceiveCount },
    });
    // Scheduler may send to the due-jobs queue and nothing else (the CMK is granted with its DLQ).
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendDueJobs',
        actions: ['sqs:SendMessage'],
        resources: [this.dueJobsQueue.queueArn],
      }),
    );
  }
}
