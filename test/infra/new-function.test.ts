import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings } from '../../infra/settings';
import { probeFunction, projectWithProbe } from '../support/new-function';

/**
 * Adding a function is one folder and one descriptor: the stack builds everything else from it.
 */
type Json = Record<string, any>;

let root: string;
beforeAll(() => {
  root = projectWithProbe();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function synthWith(extra: FunctionDescriptor) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings(() => undefined, {});
  const stack = new CareLoopStack(app, 'CareLoop-dev', {
    settings,
    env: { region: settings.region },
    projectRoot: root,
    functions: [...careLoopFunctions, extra],
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Json>;
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return { stack, resources, fnId: id(stack.functions.get(extra.name)!), id };
}

const ofType = (resources: Record<string, Json>, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('a function added from one descriptor', () => {
  it('is deployed with its trigger, its dead-letter and on-failure queues, its grants and its environment', () => {
    const { stack, resources, fnId, id } = synthWith(probeFunction);
    const fn = resources[fnId]!;
    expect(fn.Properties.FunctionName).toBe('careloop-dev-probe');
    expect(fn.Properties.Description).toBe(probeFunction.description);
    // The trigger: a rule on the CareLoop bus for its event, with a DLQ of its own.
    const [[, rule]] = ofType(resources, 'AWS::Events::Rule').filter(([, r]) =>
      r.Properties.Targets.some((t: Json) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] })),
    ) as [[string, Json]];
    expect(rule.Properties.EventPattern).toEqual({ source: ['clinic.booking'], 'detail-type': ['BookingCancelled'] });
    expect(rule.Properties.EventBusName).toEqual({ Ref: id(stack.bus) });
    const dlqId = rule.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0];
    expect(resources[dlqId]!.Type).toBe('AWS::SQS::Queue');
    // Failed asynchronous invocations: after two retries, an on-failure queue of its own.
    const [[, invokeConfig]] = ofType(resources, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fnId }),
    ) as [[string, Json]];
    expect(invokeConfig.Properties.MaximumRetryAttempts).toBe(2);
    // Its grants: the table actions it declares, SES for the mailer, the address key, the rejected-events queue.
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:BatchGetItem',
        'ses:SendEmail',
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
      ]),
    );
    expect(actions).not.toContain('dynamodb:Query');
    // Its environment: the table and its retention, the mailer's settings and the address key, nothing of the scheduler.
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual([
      'ADDRESS_KEY_SECRET_ID',
      'LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'REJECTED_EVENTS_QUEUE_URL',
      'RETENTION_DAYS',
      'SENDER_ADDRESS',
      'SES_CONFIGURATION_SET',
      'TABLE_NAME',
    ]);
    // And its alarms.
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.AlarmName as string);
    expect(alarms).toEqual(
      expect.arrayContaining(['careloop-dev-function-probe-errors', 'careloop-dev-function-probe-throttles']),
    );
  });

  it('runs on a recurring schedule when its descriptor says so, with Scheduler retries and a DLQ', () => {
    const recurring: FunctionDescriptor = {
      ...probeFunction,
      trigger: { kind: 'schedule', every: { amount: 1, unit: 'hours' } },
    };
    const { resources, fnId } = synthWith(recurring);
    const [[, schedule]] = ofType(resources, 'AWS::Scheduler::Schedule') as [[string, Json]];
    expect(schedule.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(schedule.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(8);
    const dlqId = schedule.Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    expect(resources[dlqId]!.Type).toBe('AWS::SQS::Queue');
    // Not a contract event handler: it reports no rejected input.
    expect(resources[fnId]!.Properties.Environment.Variables.REJECTED_EVENTS_QUEUE_URL).toBeUndefined();
  });
});
