import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings } from '../../infra/settings';
import { ENV } from '../../shared/config';
import {
  arnOf,
  identityAllows,
  resolve,
  resourcePolicyAllows,
  type Environment,
  type Resources,
  type Statement,
} from './policy-evaluation';

/**
 * Every queue that EventBridge or EventBridge Scheduler writes to must be writable by it. The
 * queues are encrypted with the stack's key, so a write needs both the queue's policy (or the
 * writer's role) and the key's: a key policy that leaves one rule out silently drops what that
 * rule could not deliver. Read from the synthesized template, with each rule's ARN as AWS forms it.
 */

const ENVIRONMENT: Environment = {
  account: '111122223333',
  region: 'eu-central-1',
  partition: 'aws',
  stackName: 'CareLoop-dev',
};

type Json = Record<string, any>;

function synth() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings(() => undefined, {});
  const stack = new CareLoopStack(app, ENVIRONMENT.stackName, {
    settings,
    env: { region: ENVIRONMENT.region, account: ENVIRONMENT.account },
  });
  return Template.fromStack(stack).toJSON().Resources as Resources;
}

const logicalIdOfArn = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('queues written by EventBridge and Scheduler', () => {
  let resources: Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const keyPolicyOf = (queueId: string): Statement[] => {
    const keyId = logicalIdOfArn(resources[queueId]!.Properties!.KmsMasterKeyId);
    return resources[keyId]!.Properties!.KeyPolicy.Statement;
  };
  const queuePolicyOf = (queueId: string): Statement[] =>
    ofType('AWS::SQS::QueuePolicy')
      .filter(([, policy]) => (policy.Properties!.Queues as Json[]).some((queue) => queue.Ref === queueId))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as Statement[]);
  const keyArnOf = (queueId: string) => resolve(resources[queueId]!.Properties!.KmsMasterKeyId, resources, ENVIRONMENT);

  /** Each rule target's dead-letter queue, with the ARN of the rule that writes to it. */
  const ruleDeadLetterQueues = () =>
    ofType('AWS::Events::Rule').flatMap(([ruleId, rule]) =>
      (rule.Properties!.Targets as Json[])
        .filter((target) => target.DeadLetterConfig)
        .map((target) => ({
          ruleId,
          ruleArn: arnOf(resources, ruleId, ENVIRONMENT),
          queueId: logicalIdOfArn(target.DeadLetterConfig.Arn),
        })),
    );

  beforeAll(() => {
    resources = synth();
  });

  it('finds a dead-letter queue on every rule, the SES feedback rule on the default bus among them', () => {
    const queues = ruleDeadLetterQueues();
    expect(queues.length).toBe(ofType('AWS::Events::Rule').length);
    expect(queues.some(({ ruleArn }) => /:rule\/[^/]+$/.test(ruleArn))).toBe(true);
    expect(queues.some(({ ruleArn }) => /:rule\/clinic-events\/[^/]+$/.test(ruleArn))).toBe(true);
  });

  it('lets EventBridge write every rule dead-letter queue: its queue policy and its key', () => {
    const refused = ruleDeadLetterQueues().flatMap(({ ruleId, ruleArn, queueId }) => {
      const context = {
        'aws:SourceArn': ruleArn,
        'aws:SourceAccount': ENVIRONMENT.account,
        'aws:SecureTransport': 'true',
      };
      const principal = { service: 'events.amazonaws.com' };
      const problems: string[] = [];
      const queueArn = arnOf(resources, queueId, ENVIRONMENT);
      if (
        !resourcePolicyAllows(
          queuePolicyOf(queueId),
          { principal, action: 'sqs:SendMessage', resource: queueArn, context },
          resources,
          ENVIRONMENT,
        )
      ) {
        problems.push(`${ruleId} -> ${queueId}: the queue policy refuses sqs:SendMessage`);
      }
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        if (!resourcePolicyAllows(keyPolicyOf(queueId), { principal, action, context }, resources, ENVIRONMENT)) {
          problems.push(`${ruleId} (${ruleArn}) -> ${queueId}: the key policy refuses ${action}`);
        }
      }
      return problems;
    });
    expect(refused).toEqual([]);
  });

  it('refuses a rule of another bus, so the check above can tell', () => {
    const { queueId } = ruleDeadLetterQueues()[0]!;
    const strangerRule = `arn:aws:events:${ENVIRONMENT.region}:${ENVIRONMENT.account}:rule/other-bus/some-rule`;
    const context = { 'aws:SourceArn': strangerRule, 'aws:SourceAccount': ENVIRONMENT.account };
    expect(
      resourcePolicyAllows(
        keyPolicyOf(queueId),
        { principal: { service: 'events.amazonaws.com' }, action: 'kms:GenerateDataKey', context },
        resources,
        ENVIRONMENT,
      ),
    ).toBe(false);
  });

  it("lets the scheduler role write the schedules' target queue and their dead-letter queue, key included", () => {
    const environment = ofType('AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties!.Environment?.Variables as Json | undefined)
      .find((variables) => variables?.[ENV.schedulerRoleArn]);
    expect(environment, 'a function that creates schedules').toBeDefined();
    const roleId = logicalIdOfArn(environment![ENV.schedulerRoleArn]);
    const queueIds = [ENV.dueJobsQueueArn, ENV.schedulerDeadLetterArn].map((name) =>
      logicalIdOfArn(environment![name]),
    );
    expect(resources[roleId]!.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' } }),
    ]);
    const roleStatements = ofType('AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties!.Roles as Json[]).some((role) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as Statement[]);
    const refused: string[] = [];
    for (const queueId of queueIds) {
      const queueArn = arnOf(resources, queueId, ENVIRONMENT);
      if (!identityAllows(roleStatements, 'sqs:SendMessage', queueArn, resources, ENVIRONMENT)) {
        refused.push(`${queueId}: sqs:SendMessage`);
      }
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        if (!identityAllows(roleStatements, action, keyArnOf(queueId), resources, ENVIRONMENT)) {
          refused.push(`${queueId}: ${action} on its key`);
        }
      }
      // The role's own grant on the key counts only where the key policy lets IAM decide.
      const account = `arn:aws:iam::${ENVIRONMENT.account}:root`;
      const delegated = resourcePolicyAllows(
        keyPolicyOf(queueId),
        { principal: { arn: account }, action: 'kms:GenerateDataKey', context: {} },
        resources,
        ENVIRONMENT,
      );
      if (!delegated) refused.push(`${queueId}: its key policy does not let IAM policies grant it`);
    }
    expect(refused).toEqual([]);
  });
});
