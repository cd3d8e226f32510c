import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { detailTypes } from '../events/catalog';
import { EMAIL_KINDS } from '../shared/email/kinds';
import { METRIC_NAMES, METRICS_NAMESPACE, ROLLUP_DIMENSIONS, type MetricName } from '../shared/adapters/metrics';
import { acknowledge } from './nag';

/**
 * Alarms, the alarm topic and the dashboard of one CareLoop stage. Every alarm publishes to
 * one SNS topic (encrypted with the stack's key), names what failed, and points to its
 * runbook section in docs/OPERATIONS.md.
 */

/** Runbook sections of docs/OPERATIONS.md (their heading anchors); a test checks each exists. */
export const RUNBOOK = {
  rejectedEvents: 'rejected-events-queue',
  onFailure: 'on-failure-queues',
  ruleDeadLetter: 'rule-dead-letter-queues',
  schedulerDeadLetter: 'scheduler-dead-letter-queue',
  dueJobsDeadLetter: 'due-jobs-dead-letter-queue',
  functionErrors: 'function-errors',
  functionThrottles: 'function-throttles',
  schedulerDelivery: 'scheduler-delivery-failures',
  sesReputation: 'ses-bounce-and-complaint-rates',
  claimWithoutSend: 'email-claimed-without-send',
  claimStuck: 'stuck-email-claims',
} as const;
export type RunbookSection = (typeof RUNBOOK)[keyof typeof RUNBOOK];

export const RUNBOOK_DOCUMENT = 'docs/OPERATIONS.md';

/** Thresholds and windows, exported so the tests and the docs state the same numbers. */
export const ALARM_SETTINGS = {
  /** SES reviews an account at 5 % bounces and may pause sending at 10 %. */
  bounceRate: 0.05,
  /** SES reviews an account at 0.1 % complaints and may pause sending at 0.5 %. */
  complaintRate: 0.001,
  reputationPeriod: Duration.hours(1),
  /** Window of the "claimed without send" metric math. */
  claimWindow: Duration.minutes(15),
  /** Lambda, Scheduler, SQS and the stuck-claim count. */
  period: Duration.minutes(5),
} as const;

/** Which kind of terminal queue: decides the runbook section of its alarm. */
export type QueueKind =
  'rejected-events' | 'on-failure' | 'rule-dead-letter' | 'scheduler-dead-letter' | 'due-jobs-dead-letter';

export interface MonitoredQueue {
  /** Short name used in the alarm's name and description, e.g. `BookingCreatedFailureQueue`. */
  readonly name: string;
  readonly queue: sqs.IQueue;
  /** Inferred from the name when not given (see {@link queueKindOf}). */
  readonly kind?: QueueKind;
}

export interface CareLoopOperationsProps {
  /** Deployment stage: names are `careloop-<stage>-…`, the dashboard `careloop-<stage>`. */
  readonly stage: string;
  /** The stack's customer-managed key: encrypts the alarm topic. Must be a key this stack owns. */
  readonly key: kms.IKey;
  /** Every function, by route name: each gets an error and a throttle alarm. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** Every DLQ / on-failure / rejected-events / scheduler DLQ queue: each alarms on one visible message. */
  readonly queues: readonly MonitoredQueue[];
  readonly scheduleGroupName: string;
  readonly configurationSetName: string;
  /** Subscribed to the alarm topic by email when given (the address must confirm the subscription). */
  readonly alarmEmail?: string;
}

/** The queue's kind from the construct ids CareLoopStack gives its queues. */
export function queueKindOf(name: string): QueueKind | undefined {
  if (/RejectedEvents/i.test(name)) return 'rejected-events';
  if (/Scheduler.*DeadLetter/i.test(name)) return 'scheduler-dead-letter';
  if (/DueJobs.*DeadLetter/i.test(name)) return 'due-jobs-dead-letter';
  if (/RuleDeadLetter/i.test(name)) return 'rule-dead-letter';
  if (/FailureQueue/i.test(name)) return 'on-failure';
  return undefined;
}

/**
 * Every terminal SQS queue defined under `scope`, named by its construct id: every queue
 * without a redrive policy (on-failure, rule DLQ, rejected events, scheduler and due-jobs
 * DLQs), so a queue added later is watched without anyone remembering to list it. A queue
 * with a redrive policy (the due-jobs queue) is a working queue: its DLQ is the terminal one.
 * Call it after the queues exist.
 */
export function terminalQueuesOf(scope: IConstruct): MonitoredQueue[] {
  return scope.node
    .findAll()
    .filter((construct): construct is sqs.Queue => construct instanceof sqs.Queue && !construct.deadLetterQueue)
    .map((queue) => ({ name: queue.node.id, queue }));
}

const runbookSectionOf = (kind: QueueKind | undefined): RunbookSection => {
  switch (kind) {
    case 'rejected-events':
      return RUNBOOK.rejectedEvents;
    case 'scheduler-dead-letter':
      return RUNBOOK.schedulerDeadLetter;
    case 'due-jobs-dead-letter':
      return RUNBOOK.dueJobsDeadLetter;
    case 'rule-dead-letter':
      return RUNBOOK.ruleDeadLetter;
    default:
      return RUNBOOK.onFailure;
  }
};

/** A CareLoop metric under the rollup dimensions (`service` only): what the alarms read. */
export function careLoopMetric(name: MetricName, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { ...ROLLUP_DIMENSIONS },
    statistic: cloudwatch.Stats.SUM,
    period: ALARM_SETTINGS.period,
    ...props,
  });
}

export class CareLoopOperations extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, by its alarm name. */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: CareLoopOperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = `careloop-${props.stage}`;
    const alarms = new Map<string, cloudwatch.Alarm>();

    // ---- Alarm topic ---------------------------------------------------------------------
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      displayName: `CareLoop ${props.stage} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes to an encrypted topic only if the key lets it make data keys
    // (SNS "compatibility with AWS services"); limited to this stage's alarms in this account.
    const { statementAdded } = props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${prefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (!statementAdded) {
      throw new Error('CareLoopOperations: the key policy cannot be changed (imported key?): alarms could not publish');
    }
    if (props.alarmEmail) {
      const subscription = this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      acknowledge(
        subscription,
        'Serverless-SNSRedrivePolicy',
        'The alarm email subscription: SNS retries email delivery itself, and an alarm notification that still ' +
          'cannot be delivered is not work to redrive: the alarm stays in ALARM, shown on the careloop-<stage> ' +
          'dashboard and in the CloudWatch console, until its cause is fixed. A dead-letter queue would only keep ' +
          'stale notifications that nobody reads.',
      );
    }
    const action = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      name: string,
      metric: cloudwatch.IMetric,
      options: {
        threshold: number;
        what: string;
        runbook: RunbookSection;
        evaluationPeriods?: number;
        datapointsToAlarm?: number;
        comparisonOperator?: cloudwatch.ComparisonOperator;
      },
    ) => {
      const alarmName = `${prefix}-${name}`;
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmName,
        alarmDescription: `${options.what} Runbook: ${RUNBOOK_DOCUMENT}#${options.runbook}`,
        metric,
        threshold: options.threshold,
        comparisonOperator:
          options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
        // No data means nothing happened: no failure, no message, no send.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      alarms.set(alarmName, created);
      return created;
    };

    // ---- Terminal queues: one visible message is one failure nobody retries any more ------
    const queueDepths: cloudwatch.IMetric[] = [];
    for (const { name, queue, kind } of props.queues) {
      // Alarms get unlabelled metrics (a label turns an alarm into a metric-math alarm); graphs get labels.
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: ALARM_SETTINGS.period,
      });
      queueDepths.push(depth.with({ label: name }));
      const queueKind = kind ?? queueKindOf(name);
      alarm(`${name}MessagesAlarm`, `queue-${name}`, depth, {
        threshold: 1,
        what: `${name} holds at least one message: ${describeQueue(queueKind)} Read the error (not the patient data in the body), fix the cause, then redrive or delete the messages.`,
        runbook: runbookSectionOf(queueKind),
      });
    }

    // ---- Functions -----------------------------------------------------------------------
    const functionErrors: cloudwatch.IMetric[] = [];
    const functionThrottles: cloudwatch.IMetric[] = [];
    for (const [route, fn] of props.functions) {
      const id = pascalCase(route);
      const errors = fn.metricErrors({ period: ALARM_SETTINGS.period, statistic: cloudwatch.Stats.SUM });
      const throttles = fn.metricThrottles({ period: ALARM_SETTINGS.period, statistic: cloudwatch.Stats.SUM });
      functionErrors.push(errors.with({ label: route }));
      functionThrottles.push(throttles.with({ label: route }));
      alarm(`${id}ErrorsAlarm`, `function-${route}-errors`, errors, {
        threshold: 1,
        what: `The ${route} function failed at least once in 5 minutes (Lambda retries asynchronous invocations twice, then the event goes to its on-failure queue). Read its log group for the error.`,
        runbook: RUNBOOK.functionErrors,
      });
      alarm(`${id}ThrottlesAlarm`, `function-${route}-throttles`, throttles, {
        threshold: 1,
        what: `The ${route} function was throttled at least once in 5 minutes: the account's concurrency is exhausted.`,
        runbook: RUNBOOK.functionThrottles,
      });
    }

    // ---- EventBridge Scheduler (reminders and check-ins) -------------------------------------
    const schedulerMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName,
        dimensionsMap: { ScheduleGroup: props.scheduleGroupName },
        statistic: cloudwatch.Stats.SUM,
        period: ALARM_SETTINGS.period,
      });
    const scheduler = {
      targetErrors: schedulerMetric('TargetErrorCount'),
      dropped: schedulerMetric('InvocationDroppedCount'),
      failedToDeadLetter: schedulerMetric('InvocationsFailedToBeSentToDeadLetterCount'),
      sentToDeadLetter: schedulerMetric('InvocationsSentToDeadLetterCount'),
      throttled: schedulerMetric('InvocationThrottleCount'),
      attempts: schedulerMetric('InvocationAttemptCount'),
    };
    alarm('SchedulerTargetErrorsAlarm', 'scheduler-target-errors', scheduler.targetErrors, {
      threshold: 1,
      what: `EventBridge Scheduler could not send a due reminder or check-in to the due-jobs queue (group ${props.scheduleGroupName}); it retries, then sends the job to the scheduler DLQ.`,
      runbook: RUNBOOK.schedulerDelivery,
    });
    alarm('SchedulerDroppedAlarm', 'scheduler-dropped', scheduler.dropped, {
      threshold: 1,
      what: `EventBridge Scheduler gave up on a reminder or check-in (group ${props.scheduleGroupName}): retries exhausted.`,
      runbook: RUNBOOK.schedulerDelivery,
    });
    alarm('SchedulerDeadLetterFailedAlarm', 'scheduler-dlq-failed', scheduler.failedToDeadLetter, {
      threshold: 1,
      what: `EventBridge Scheduler could not even put a failed reminder or check-in into the scheduler DLQ (group ${props.scheduleGroupName}): that job is lost unless rebuilt.`,
      runbook: RUNBOOK.schedulerDelivery,
    });

    // ---- SES reputation (account-wide: every sender of this account and region counts) -----
    const sesRate = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: ALARM_SETTINGS.reputationPeriod,
      });
    const bounceRate = sesRate('Reputation.BounceRate');
    const complaintRate = sesRate('Reputation.ComplaintRate');
    alarm('SesBounceRateAlarm', 'ses-bounce-rate', bounceRate, {
      threshold: ALARM_SETTINGS.bounceRate,
      what: `The SES account's bounce rate reached ${ALARM_SETTINGS.bounceRate * 100} % (account-wide, all senders in this region); SES may pause sending at 10 %.`,
      runbook: RUNBOOK.sesReputation,
    });
    alarm('SesComplaintRateAlarm', 'ses-complaint-rate', complaintRate, {
      threshold: ALARM_SETTINGS.complaintRate,
      what: `The SES account's complaint rate reached ${ALARM_SETTINGS.complaintRate * 100} % (account-wide, all senders in this region); SES may pause sending at 0.5 %.`,
      runbook: RUNBOOK.sesReputation,
    });

    // ---- Emails claimed but never sent ------------------------------------------------------
    // sendOnce claims an email (a conditional write) before calling SES, and each claim ends in
    // one of: SES accepted it (EmailsSent), SES refused it and the claim was released for the
    // retry (EmailClaimsReleased), or neither: SES timed out or failed in a way that leaves it
    // unknown whether the patient got the email, or releasing the claim failed. Such a claim
    // is never sent again (a duplicate is the worse failure), so a patient may have missed it.
    // 'already-sent' and 'in-flight' outcomes are not counted as claims at all.
    //
    // The counts of one invocation are flushed together in one EMF record with one timestamp,
    // so claimed − sent − released is exact per period: never a transient imbalance, and any
    // value above 0 is a claim left without a send. FILL(…, 0) keeps the difference defined in
    // a period where some of the three have no datapoint (the adapter also writes all three
    // together). The alarm looks at two 15-minute windows and fires on the first that shows one.
    //
    // An invocation killed before it flushes (timeout, crash) leaves no count at all: its
    // claim is found by the retry and, once older than a minute, counted as EmailClaimsStuck,
    // the second alarm.
    const claimed = careLoopMetric(METRIC_NAMES.emailsClaimed, { period: ALARM_SETTINGS.claimWindow });
    const sent = careLoopMetric(METRIC_NAMES.emailsSent, { period: ALARM_SETTINGS.claimWindow });
    const released = careLoopMetric(METRIC_NAMES.emailClaimsReleased, { period: ALARM_SETTINGS.claimWindow });
    const claimedWithoutSend = new cloudwatch.MathExpression({
      expression: 'FILL(claimed, 0) - FILL(sent, 0) - FILL(released, 0)',
      usingMetrics: { claimed, sent, released },
      period: ALARM_SETTINGS.claimWindow,
      label: 'emails claimed without a send',
    });
    alarm('EmailClaimedWithoutSendAlarm', 'email-claimed-without-send', claimedWithoutSend, {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      what: 'An email was claimed but neither sent nor released (SES timed out or failed ambiguously): it will not be sent again automatically, and the patient may not have received it.',
      runbook: RUNBOOK.claimWithoutSend,
    });
    const claimsStuck = careLoopMetric(METRIC_NAMES.emailClaimsStuck);
    alarm('EmailClaimsStuckAlarm', 'email-claims-stuck', claimsStuck, {
      threshold: 1,
      what: 'A retry found an email claim left by an invocation that died mid-send: CareLoop does not send it again, and the patient may not have received it.',
      runbook: RUNBOOK.claimStuck,
    });

    // ---- Dashboard -------------------------------------------------------------------------
    const eventsProcessed = detailTypes.map((detailType) =>
      careLoopMetric(METRIC_NAMES.eventsProcessed, {
        dimensionsMap: { ...ROLLUP_DIMENSIONS, detailType, status: 'processed' },
        label: detailType,
      }),
    );
    const search = (metricName: MetricName, dimensions: string[], label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${['service', ...dimensions].sort().join(',')}} MetricName="${metricName}"', 'Sum', ${ALARM_SETTINGS.period.toSeconds()})`,
        usingMetrics: {},
        period: ALARM_SETTINGS.period,
        label,
      });
    const byKind = (name: MetricName) =>
      EMAIL_KINDS.map((kind) => careLoopMetric(name, { dimensionsMap: { ...ROLLUP_DIMENSIONS, kind }, label: kind }));
    const wide = { width: 12, height: 6 } as const;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# CareLoop ${props.stage}\nRed alarm = something failed. What each alarm means and what to do: \`${RUNBOOK_DOCUMENT}\` (runbook). Failures: the "Failures" row; a queue line above 0 holds failed events until redriven.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [...alarms.values()],
            width: 24,
            height: 6,
            sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Events in, processed by type',
            left: eventsProcessed,
            stacked: true,
            ...wide,
          }),
          new cloudwatch.GraphWidget({
            title: 'Events by type and status (processed, duplicate, rejected, failed)',
            left: [search(METRIC_NAMES.eventsProcessed, ['detailType', 'status'], 'events')],
            ...wide,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Emails sent, by kind',
            left: byKind(METRIC_NAMES.emailsSent),
            stacked: true,
            ...wide,
          }),
          new cloudwatch.GraphWidget({
            title: 'Emails not sent: suppressed addresses, released claims (by kind)',
            left: byKind(METRIC_NAMES.emailsSuppressed),
            right: byKind(METRIC_NAMES.emailClaimsReleased),
            ...wide,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Failures: messages in terminal queues (DLQ, on-failure, rejected)',
            left: queueDepths,
            ...wide,
          }),
          new cloudwatch.GraphWidget({ title: 'Failures: function errors', left: functionErrors, ...wide }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Failures: email claims stuck or claimed without send',
            left: [claimsStuck.with({ label: 'claims stuck' }), claimedWithoutSend],
            ...wide,
          }),
          new cloudwatch.GraphWidget({ title: 'Function throttles', left: functionThrottles, ...wide }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: `Scheduler (${props.scheduleGroupName}): errors`,
            left: [
              scheduler.targetErrors.with({ label: 'target errors' }),
              scheduler.dropped.with({ label: 'dropped' }),
              scheduler.failedToDeadLetter.with({ label: 'failed to reach the DLQ' }),
              scheduler.sentToDeadLetter.with({ label: 'sent to the DLQ' }),
              scheduler.throttled.with({ label: 'throttled' }),
            ],
            right: [scheduler.attempts.with({ label: 'attempts' })],
            ...wide,
          }),
          new cloudwatch.GraphWidget({
            title: 'Reminders, check-ins and plan checks, by outcome',
            left: [search(METRIC_NAMES.scheduledJobs, ['job', 'outcome'], 'jobs')],
            ...wide,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: `SES reputation (account-wide; configuration set ${props.configurationSetName} sends through it)`,
            left: [bounceRate.with({ label: 'bounce rate (account)' })],
            right: [complaintRate.with({ label: 'complaint rate (account)' })],
            leftAnnotations: [{ value: ALARM_SETTINGS.bounceRate, label: 'bounce alarm', color: cloudwatch.Color.RED }],
            rightAnnotations: [
              { value: ALARM_SETTINGS.complaintRate, label: 'complaint alarm', color: cloudwatch.Color.ORANGE },
            ],
            ...wide,
          }),
        ],
      ],
    });
    this.alarms = alarms;
  }
}

function describeQueue(kind: QueueKind | undefined): string {
  switch (kind) {
    case 'rejected-events':
      return 'an event that broke the contract was refused (it is never retried).';
    case 'scheduler-dead-letter':
      return 'EventBridge Scheduler could not send a due reminder or check-in to the due-jobs queue.';
    case 'due-jobs-dead-letter':
      return 'a reminder or check-in still failed after 20 deliveries from the due-jobs queue.';
    case 'rule-dead-letter':
      return 'EventBridge could not invoke the function for an event.';
    case 'on-failure':
      return 'a function kept failing on an event after Lambda retried it twice.';
    default:
      return 'a failure that is no longer retried.';
  }
}

/** `booking-created` -> `BookingCreated` (construct ids). */
const pascalCase = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
