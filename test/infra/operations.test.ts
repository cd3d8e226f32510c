import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import { invokedAsynchronously, triggerOf } from '../../infra/function-plan';
import { CareLoopStack, PROJECT_ROOT } from '../../infra/careloop-stack';
import {
  ALARM_SETTINGS,
  CareLoopOperations,
  RUNBOOK,
  RUNBOOK_DOCUMENT,
  type CareLoopOperationsProps,
} from '../../infra/operations';
import { resolveSettings } from '../../infra/settings';
import {
  createMetricsRecorder,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  ROLLUP_DIMENSIONS,
} from '../../shared/adapters/metrics';

type Resource = { Type: string; Properties: Record<string, any> };

/** The full CareLoopStack (bundling skipped, as in careloop-stack.test.ts), which builds its operations construct. */
function synthFull(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings((key) => context[key], {});
  const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, { settings, env: { region: settings.region } });
  return { stack, operations: stack.operations, template: Template.fromStack(stack) };
}

/** A small stack: two functions, two queues, for the optional parts. */
function synthMinimal(overrides: Partial<CareLoopOperationsProps> = {}) {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Minimal', { env: { region: 'eu-central-1' } });
  const key = new kms.Key(stack, 'Key');
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });
  new CareLoopOperations(stack, 'Operations', {
    stage: 'test',
    key,
    functions: new Map([
      ['booking-created', fn('A')],
      ['reminder-due', fn('B')],
    ]),
    queues: [
      { name: 'RejectedEventsQueue', queue: new sqs.Queue(stack, 'Rejected') },
      { name: 'BookingCreatedFailureQueue', queue: new sqs.Queue(stack, 'Failure') },
    ],
    scheduleGroupName: 'careloop-test',
    configurationSetName: 'careloop-test',
    ...overrides,
  });
  return { stack, key, template: Template.fromStack(stack) };
}

describe('CareLoopOperations on the CareLoop stack', () => {
  let stack: CareLoopStack;
  let operations: CareLoopOperations;
  let template: Template;
  let resources: Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const alarmsList = () => Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const topicRef = () => ({ Ref: idOf(operations.topic) });

  beforeAll(() => {
    ({ stack, operations, template } = synthFull());
    resources = template.toJSON().Resources;
  });

  it('alarms on one visible message in every queue of the stack (DLQs, on-failure, rejected, scheduler DLQ)', () => {
    // Every queue but the due-jobs queue (it has a redrive policy): a working queue, its DLQ is the terminal one.
    const queueIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue' && !r.Properties.RedrivePolicy)
      .map(([id]) => id);
    // One on-failure queue per asynchronously invoked function and per stream reader, a rule DLQ
    // per rule, the rejected-events, scheduler and due-jobs DLQs.
    const asyncFunctions = careLoopFunctions.filter(invokedAsynchronously).length;
    const streamReaders = careLoopFunctions.filter((route) => triggerOf(route, 'table-stream')).length;
    expect(streamReaders).toBe(1);
    expect(queueIds.length).toBe(asyncFunctions + streamReaders + stack.rules.size + 3);
    for (const queueId of queueIds) {
      const matching = alarmsList().filter(
        (a) =>
          a.Properties.Namespace === 'AWS/SQS' &&
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties.Dimensions) ===
            JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
      );
      expect(matching, queueId).toHaveLength(1);
      expect(matching[0]!.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        Statistic: 'Maximum',
      });
    }
  });

  it('points each queue alarm at the runbook section for its kind of queue', () => {
    const descriptionOf = (queue: sqs.IQueue) =>
      alarmsList().find(
        (a) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties.Dimensions).includes(`"${idOf(queue)}"`),
      )!.Properties.AlarmDescription as string;
    expect(descriptionOf(stack.rejectedEventsQueue)).toContain(`#${RUNBOOK.rejectedEvents}`);
    expect(descriptionOf(stack.schedulerDeadLetterQueue)).toContain(`#${RUNBOOK.schedulerDeadLetter}`);
  });

  it.each(careLoopFunctions.map((route) => route.name))('alarms on errors and throttles of %s', (name) => {
    const fnId = idOf(stack.functions.get(name)!);
    for (const metricName of ['Errors', 'Throttles']) {
      const matching = alarmsList().filter(
        (a) =>
          a.Properties.Namespace === 'AWS/Lambda' &&
          a.Properties.MetricName === metricName &&
          JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId } }]),
      );
      expect(matching, `${name} ${metricName}`).toHaveLength(1);
      expect(matching[0]!.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Period: 300,
        Statistic: 'Sum',
      });
    }
  });

  it('alarms on Scheduler target errors, dropped invocations and DLQ failures of the CareLoop group', () => {
    for (const metricName of [
      'TargetErrorCount',
      'InvocationDroppedCount',
      'InvocationsFailedToBeSentToDeadLetterCount',
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Scheduler',
        MetricName: metricName,
        Dimensions: [{ Name: 'ScheduleGroup', Value: 'careloop-dev' }],
        Threshold: 1,
      });
    }
  });

  it('alarms on the account-wide SES bounce (5 %) and complaint (0.1 %) rates', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.001,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    for (const alarm of alarmsList().filter((a) => a.Properties.Namespace === 'AWS/SES')) {
      expect(alarm.Properties.Dimensions ?? []).toEqual([]);
    }
  });

  it('computes "claimed without send" from the very metrics the code emits, over 15-minute windows', () => {
    const [alarm] = alarmsList().filter((a) => a.Properties.AlarmName === 'careloop-dev-email-claimed-without-send');
    expect(alarm).toBeDefined();
    const queries = alarm!.Properties.Metrics as any[];
    const expression = queries.find((q) => q.Expression);
    expect(expression.Expression).toBe('FILL(claimed, 0) - FILL(sent, 0) - FILL(released, 0)');
    expect(expression.ReturnData).toBe(true);
    const stats = Object.fromEntries(queries.filter((q) => q.MetricStat).map((q) => [q.Id, q.MetricStat]));
    const expected = {
      claimed: METRIC_NAMES.emailsClaimed,
      sent: METRIC_NAMES.emailsSent,
      released: METRIC_NAMES.emailClaimsReleased,
    };
    for (const [id, metricName] of Object.entries(expected)) {
      expect(stats[id]).toEqual({
        Metric: {
          Namespace: METRICS_NAMESPACE,
          MetricName: metricName,
          Dimensions: Object.entries(ROLLUP_DIMENSIONS).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: ALARM_SETTINGS.claimWindow.toSeconds(),
        Stat: 'Sum',
      });
    }
    expect(alarm!.Properties).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'careloop-dev-email-claims-stuck',
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC_NAMES.emailClaimsStuck,
      Dimensions: [{ Name: 'service', Value: 'careloop' }],
      Threshold: 1,
    });
  });

  it('writes those metrics under exactly those names, namespace and dimensions, as EMF lines', () => {
    const lines: any[] = [];
    const recorder = createMetricsRecorder({ write: (line) => lines.push(JSON.parse(line)) });
    recorder.count(METRIC_NAMES.emailsClaimed, { kind: 'reminder' });
    recorder.count(METRIC_NAMES.emailsClaimed, { kind: 'confirmation' });
    recorder.count(METRIC_NAMES.emailsSent, { kind: 'reminder' });
    recorder.flush();
    const rollup = lines.find((line) => line._aws.CloudWatchMetrics[0].Dimensions[0].length === 1);
    expect(rollup._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [Object.keys(ROLLUP_DIMENSIONS)],
    });
    expect(rollup).toMatchObject({
      ...ROLLUP_DIMENSIONS,
      [METRIC_NAMES.emailsClaimed]: 2,
      [METRIC_NAMES.emailsSent]: 1,
      [METRIC_NAMES.emailClaimsReleased]: 0,
    });
    const byKind = lines.filter((line) => line._aws.CloudWatchMetrics[0].Dimensions[0].includes('kind'));
    expect(byKind.map((line) => [line.kind, line[METRIC_NAMES.emailsClaimed], line[METRIC_NAMES.emailsSent]])).toEqual(
      expect.arrayContaining([
        ['reminder', 1, 1],
        ['confirmation', 1, undefined],
      ]),
    );
    expect(lines).toHaveLength(3);
    // Each line is Embedded Metric Format as CloudWatch reads it: every dimension and metric
    // named in _aws is a top-level member; the service dimension is on every line.
    for (const line of lines) {
      expect(line._aws.Timestamp).toEqual(expect.any(Number));
      const [directive] = line._aws.CloudWatchMetrics;
      expect(line._aws.CloudWatchMetrics).toHaveLength(1);
      expect(directive.Dimensions).toHaveLength(1);
      expect(directive.Dimensions[0][0]).toBe('service');
      for (const dimension of directive.Dimensions[0]) expect(line[dimension]).toEqual(expect.any(String));
      for (const metric of directive.Metrics) {
        expect(metric.Unit).toBe('Count');
        expect(line[metric.Name]).toEqual(expect.any(Number));
      }
    }
    // Nothing counted, nothing written.
    recorder.flush();
    expect(lines).toHaveLength(3);
  });

  it('publishes every alarm to the topic, on alarm and on recovery, with missing data not breaching', () => {
    const all = alarmsList();
    expect(all.length).toBe(operations.alarms.size);
    for (const alarm of all) {
      expect(alarm.Properties.AlarmActions, alarm.Properties.AlarmName).toEqual([topicRef()]);
      expect(alarm.Properties.OKActions).toEqual([topicRef()]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      expect(alarm.Properties.AlarmName).toMatch(/^careloop-dev-/);
      expect(alarm.Properties.AlarmDescription).toMatch(new RegExp(`Runbook: ${RUNBOOK_DOCUMENT}#[a-z-]+$`));
    }
  });

  it('links only to runbook sections that exist in docs/OPERATIONS.md', () => {
    const doc = readFileSync(path.join(PROJECT_ROOT, RUNBOOK_DOCUMENT), 'utf8');
    const anchors = new Set(
      [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .trim()
          .replace(/ /g, '-'),
      ),
    );
    for (const section of Object.values(RUNBOOK)) expect(anchors, section).toContain(section);
    for (const alarm of alarmsList()) {
      const section = (alarm.Properties.AlarmDescription as string).split('#').pop()!;
      expect(anchors).toContain(section);
    }
  });

  it("encrypts the alarm topic with the stack's key and lets CloudWatch alarms of this stage use the key", () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'careloop-dev-alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [idOf(stack.key), 'Arn'] },
    });
    const keyPolicy = resources[idOf(stack.key)]!.Properties.KeyPolicy.Statement as any[];
    const statement = keyPolicy.find((s) => s.Sid === 'AllowCloudWatchAlarmsToPublish');
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    });
    expect(JSON.stringify(statement.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:careloop-dev-*');
    expect(statement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  });

  it('refuses non-TLS publishing to the topic', () => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it('subscribes no email when alarmEmail is not set', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('has the careloop-<stage> dashboard with events, emails, failures and scheduler widgets', () => {
    const [dashboard] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboard!.Properties.DashboardName).toBe('careloop-dev');
    const body = JSON.stringify(stack.resolve(dashboard!.Properties.DashboardBody));
    for (const text of [
      'Events in, processed by type',
      'Emails sent, by kind',
      'Failures: messages in terminal queues',
      'Failures: function errors',
      'Failures: email claims stuck',
      'Scheduler (careloop-dev): errors',
      METRIC_NAMES.eventsProcessed,
      METRIC_NAMES.emailsSent,
      METRIC_NAMES.emailClaimsStuck,
      'TargetErrorCount',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(body).toContain(text);
    }
  });
});

describe('CareLoopOperations options', () => {
  it('subscribes the alarm email to the topic when alarmEmail is set', () => {
    const { template } = synthMinimal({ alarmEmail: 'ops@riverside.example' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@riverside.example',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 1);
  });

  it('takes alarmEmail from the settings (context key alarmEmail) on the full stack', () => {
    const { template } = synthFull({ alarmEmail: 'ops@riverside.example', stage: 'prod' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@riverside.example' });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'careloop-prod' });
  });

  it('watches exactly the queues and functions it is given', () => {
    const { template } = synthMinimal();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms.filter((a) => a.Properties.Namespace === 'AWS/SQS')).toHaveLength(2);
    expect(alarms.filter((a) => a.Properties.Namespace === 'AWS/Lambda')).toHaveLength(4);
    expect(alarms.map((a) => a.Properties.AlarmName)).toContain('careloop-test-queue-RejectedEventsQueue');
  });

  it('refuses a key whose policy it cannot change: alarms would be dropped silently', () => {
    const stack = new Stack(new App(), 'Imported');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-central-1:123456789012:key/abcd');
    expect(
      () =>
        new CareLoopOperations(stack, 'Operations', {
          stage: 'x',
          key,
          functions: new Map(),
          queues: [],
          scheduleGroupName: 'g',
          configurationSetName: 'c',
        }),
    ).toThrow(/key policy/);
  });
});
