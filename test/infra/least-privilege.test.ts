import { rmSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { reportsRejectedInput, triggerOf } from '../../infra/function-plan';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings } from '../../infra/settings';
import { keys } from '../../shared/adapters/dynamo-store';
import type { OptionalPort } from '../../shared/domain/ports';
import { exportProbeFunction, projectWithProbe } from '../support/new-function';
import { globMatches } from './policy-evaluation';

/**
 * Least privilege across the whole synthesized template: every policy document, identity-based
 * (roles and their policies) and resource-based (key, queue, bus policies), and each
 * function's role against the AWS actions its code calls.
 */

type Json = Record<string, any>;
type Resource = { Type: string; Properties?: Json };
interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
}
/** A statement and where it was found. */
interface Found {
  logicalId: string;
  type: string;
  /** Property path of the policy document, e.g. `PolicyDocument`, `KeyPolicy`, `Policies.0.PolicyDocument`. */
  path: string;
  statement: Statement;
}

const actionsOf = (statement: Statement) => [statement.Action ?? []].flat();
const resourcesOf = (statement: Statement) => [statement.Resource ?? []].flat();
const isWildcardAction = (action: string) => action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
const where = (found: Found) => `${found.logicalId} (${found.type}) ${found.path} ${found.statement.Sid ?? ''}`.trim();

/** Every statement of every policy document in the template, wherever it sits. */
function allStatements(resources: Record<string, Resource>): Found[] {
  const found: Found[] = [];
  const visit = (logicalId: string, type: string, value: unknown, path: string[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(logicalId, type, item, [...path, String(index)]));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Json;
    if (typeof object.Effect === 'string' && ('Action' in object || 'NotAction' in object)) {
      // A statement on its own (AWS::Events::EventBusPolicy's Statement property).
      found.push({ logicalId, type, path: path.join('.'), statement: object as Statement });
      return;
    }
    if (Array.isArray(object.Statement)) {
      for (const statement of object.Statement as Statement[]) {
        found.push({ logicalId, type, path: path.join('.'), statement });
      }
      return;
    }
    for (const [key, child] of Object.entries(object)) visit(logicalId, type, child, [...path, key]);
  };
  for (const [logicalId, resource] of Object.entries(resources)) {
    visit(logicalId, resource.Type, resource.Properties ?? {}, []);
  }
  return found;
}

const isTrustPolicy = (found: Found) => found.type === 'AWS::IAM::Role' && found.path === 'AssumeRolePolicyDocument';
const isIdentityPolicy = (found: Found) =>
  found.type === 'AWS::IAM::Policy' ||
  found.type === 'AWS::IAM::ManagedPolicy' ||
  (found.type === 'AWS::IAM::Role' && found.path.startsWith('Policies.'));

const ACCOUNT_ROOT = {
  AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
};

/**
 * Where a wildcard is accepted, and why. A statement with a wildcard Action, or a Resource of
 * "*", passes only when one of these matches it.
 */
const WILDCARD_EXCEPTIONS: { reason: string; wildcardAction?: boolean; matches: (found: Found) => boolean }[] = [
  {
    reason:
      'scheduler:ListSchedules has no resource-level permissions (Resource must be "*"); the handlers always pass ' +
      'GroupName, and every other scheduler action is limited to the CareLoop schedule group',
    matches: (found) =>
      isIdentityPolicy(found) && JSON.stringify(actionsOf(found.statement)) === '["scheduler:ListSchedules"]',
  },
  {
    reason:
      'dynamodb:ListStreams has no resource-level permissions (Resource must be "*"); reading the stream is ' +
      "limited to the CareLoop table's stream",
    matches: (found) =>
      isIdentityPolicy(found) && JSON.stringify(actionsOf(found.statement)) === '["dynamodb:ListStreams"]',
  },
  {
    reason:
      'X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions; the functions are ' +
      'traced with X-Ray, active or pass-through (Lambda segments only: timings and errors, no payload)',
    matches: (found) =>
      isIdentityPolicy(found) &&
      actionsOf(found.statement).every((a) => a === 'xray:PutTraceSegments' || a === 'xray:PutTelemetryRecords'),
  },
  {
    reason:
      'In a key policy, Resource "*" means "this key": a key policy is a resource policy attached to the one key ' +
      'and cannot name any other resource',
    matches: (found) => found.type === 'AWS::KMS::Key' && found.path === 'KeyPolicy',
  },
  {
    reason:
      "The key policy's root statement (kms:* to this account's root) is the default key policy: it grants nothing " +
      'by itself, it lets IAM policies in this account govern the key (and keeps the key manageable); it is a ' +
      'resource policy, not an IAM grant to any principal',
    wildcardAction: true,
    matches: (found) =>
      found.type === 'AWS::KMS::Key' &&
      JSON.stringify(actionsOf(found.statement)) === '["kms:*"]' &&
      JSON.stringify(found.statement.Principal) === JSON.stringify(ACCOUNT_ROOT),
  },
];

/** AWS-managed policies a role may carry, and why. Every other role carries none. */
const MANAGED_POLICY_EXCEPTIONS: { policy: string; assumedBy: string; reason: string }[] = [
  {
    policy: 'service-role/AWSBackupServiceRolePolicyForBackup',
    assumedBy: 'backup.amazonaws.com',
    reason:
      "The role of the table's AWS Backup selection, assumable only by AWS Backup: the policy AWS documents for it, " +
      'kept current by AWS as the backup service changes',
  },
];

// ---- What each function's code calls (read from shared/adapters and shared/domain) ----------

/** Lambda itself, with the function's role: its log group, X-Ray tracing (active or pass-through). */
const PLATFORM = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
/**
 * The table, the queues and the secret are encrypted with the one CMK; DynamoDB, SQS and
 * Secrets Manager call KMS with the caller's credentials. The set DynamoDB documents for
 * principals using a table under a customer managed key.
 */
const CMK = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];
/**
 * Lambda's on-failure destination (every asynchronously invoked function has one) sends with
 * the function's role; event handlers and the due-jobs function also send refused events and
 * payloads to the rejected-events queue (SendMessageCommand).
 */
const SEND_TO_QUEUE = ['sqs:SendMessage'];
/** The due-jobs function's SQS event source polls its queue with the function's role (CDK's grantConsumeMessages). */
const CONSUME_QUEUE = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];
/**
 * The table actions each function's code calls: its descriptor's `table` (functions/<name>/descriptor.ts), which
 * test/integration/table-access.test.ts holds to what the code calls on every path. A query of
 * the index is authorised as dynamodb:Query; TransactWriteItems of Puts as PutItem per item.
 */
const tableActionsOf = (route: FunctionDescriptor) =>
  route.table.map((action) => `dynamodb:${action === 'QueryIndex' ? 'Query' : action}`);
/** SES feedback: suppressions are stored under an HMAC with the address key's secret. */
const ADDRESS_KEY = ['secretsmanager:GetSecretValue'];
/** createSesMailer: SendEmailCommand; before it, the suppression check needs the address key's secret. */
const EMAIL = ['ses:SendEmail', ...ADDRESS_KEY];
/** createSecretsManagerKeyLoader: GetSecretValueCommand (signs or verifies unsubscribe links). */
const SIGNING_KEY = ['secretsmanager:GetSecretValue'];
/** createJobScheduler: CreateSchedule, DeleteSchedule, ListSchedules; creating one passes the scheduler role. */
const SCHEDULES = ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:ListSchedules', 'iam:PassRole'];

/** createBusPublisher: PutEventsCommand, CareLoop's own sources only. */
const PUBLISH = ['events:PutEvents'];
/** The export store: PutObjectCommand, for which S3 asks KMS for a data key with the writer's credentials. */
const PUT_EXPORT = ['s3:PutObject', 'kms:GenerateDataKey'];

/** The stream's event source mapping reads the table's stream with the function's role (CDK's grantStreamRead). */
const READ_STREAM = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
/** ...and sends where a batch it gave up on was to the on-failure queue (CDK's SqsDlq). */
const STREAM_ON_FAILURE = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

type Kind = 'event handler' | 'scheduled handler' | 'unsubscribe' | 'ses-feedback' | 'stream reader';
const kindOf = (route: FunctionDescriptor): Kind =>
  triggerOf(route, 'bus')
    ? 'event handler'
    : triggerOf(route, 'queue')
      ? 'scheduled handler'
      : triggerOf(route, 'public-url')
        ? 'unsubscribe'
        : triggerOf(route, 'table-stream')
          ? 'stream reader'
          : 'ses-feedback';

/** What every function of a kind may do, whatever it wires. */
const BASE_ACTIONS: Record<Kind, string[]> = {
  'event handler': [...PLATFORM, ...CMK, ...SEND_TO_QUEUE],
  'scheduled handler': [...PLATFORM, ...CMK, ...SEND_TO_QUEUE, ...CONSUME_QUEUE],
  // Invoked synchronously through its URL: no on-failure queue to send to.
  unsubscribe: [...PLATFORM, ...CMK],
  'ses-feedback': [...PLATFORM, ...CMK, ...SEND_TO_QUEUE, ...ADDRESS_KEY],
  'stream reader': [...PLATFORM, ...CMK, ...READ_STREAM, ...STREAM_ON_FAILURE],
};
/** What each optional port a handler wires (its descriptor's `ports`) adds. */
const PORT_ACTIONS: Record<OptionalPort, string[]> = {
  mailer: EMAIL,
  scheduler: SCHEDULES,
  unsubscribeLinks: SIGNING_KEY,
  library: [],
  events: PUBLISH,
  exports: PUT_EXPORT,
};
const expectedActions = (route: FunctionDescriptor) => [
  ...BASE_ACTIONS[kindOf(route)],
  ...tableActionsOf(route),
  ...route.ports.flatMap((port) => PORT_ACTIONS[port]),
];

/**
 * The catalog's functions, and a probe that wires the one port no catalog function wires yet
 * (`exports`), so every port's grants are held to what its code calls.
 */
const FUNCTIONS: readonly FunctionDescriptor[] = [...careLoopFunctions, exportProbeFunction];

function synth(projectRoot: string) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings(() => undefined, {});
  const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, {
    settings,
    env: { region: settings.region },
    projectRoot,
    functions: FUNCTIONS,
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('least privilege', () => {
  let stack: CareLoopStack;
  let resources: Record<string, Resource>;
  let statements: Found[];
  const idOf = (element: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(element.node.defaultChild as CfnElement);
  const ref = (logicalId: string) => JSON.stringify({ Ref: logicalId });
  const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

  /** Statements that apply to a role: its inline policies and every AWS::IAM::Policy attached to it. */
  const statementsOfRole = (roleId: string) =>
    statements.filter(
      (found) =>
        (found.logicalId === roleId && found.path.startsWith('Policies.')) ||
        ((found.type === 'AWS::IAM::Policy' || found.type === 'AWS::IAM::ManagedPolicy') &&
          [resources[found.logicalId]!.Properties!.Roles ?? []]
            .flat()
            .some((role) => JSON.stringify(role) === ref(roleId))),
    );
  const roleOfFunction = (route: FunctionDescriptor) => {
    const fn = resources[idOf(stack.functions.get(route.name)!)]!;
    return (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  };

  let projectRoot: string;
  beforeAll(() => {
    projectRoot = projectWithProbe();
    const synthesized = synth(projectRoot);
    stack = synthesized.stack;
    resources = synthesized.template.toJSON().Resources;
    statements = allStatements(resources);
  });
  afterAll(() => rmSync(projectRoot, { recursive: true, force: true }));

  it('finds the policy documents it checks (identity and resource policies)', () => {
    const types = new Set(statements.map((found) => found.type));
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::SQS::QueuePolicy']) {
      expect(types, type).toContain(type);
    }
    expect(statements.length).toBeGreaterThan(50);
  });

  it('allows no wildcard action ("*" or "service:*") anywhere, but for the named exceptions', () => {
    const offending = statements
      .filter((found) => found.statement.Effect === 'Allow')
      .filter((found) => actionsOf(found.statement).some(isWildcardAction))
      .filter((found) => !WILDCARD_EXCEPTIONS.some((e) => e.wildcardAction && e.matches(found)))
      .map((found) => `${where(found)}: ${actionsOf(found.statement).join(', ')}`);
    expect(offending).toEqual([]);
  });

  it('uses no NotAction, NotResource or NotPrincipal in an Allow (they grant everything else)', () => {
    const offending = statements
      .filter((found) => found.statement.Effect === 'Allow')
      .filter(
        (found) =>
          'NotAction' in found.statement || 'NotResource' in found.statement || 'NotPrincipal' in found.statement,
      )
      .map(where);
    expect(offending).toEqual([]);
  });

  it('grants on Resource "*" only for the named exceptions', () => {
    const offending = statements
      .filter((found) => found.statement.Effect === 'Allow' && !isTrustPolicy(found))
      .filter((found) => resourcesOf(found.statement).includes('*'))
      .filter((found) => !WILDCARD_EXCEPTIONS.some((e) => !e.wildcardAction && e.matches(found)))
      .map((found) => `${where(found)}: ${actionsOf(found.statement).join(', ')} on *`);
    expect(offending).toEqual([]);
  });

  it('exempts only Deny statements of resource policies from these rules (they only take away: TLS-only queues)', () => {
    const denies = statements.filter((found) => found.statement.Effect === 'Deny');
    expect(denies.length).toBeGreaterThan(0);
    for (const found of denies) expect(isIdentityPolicy(found) || isTrustPolicy(found), where(found)).toBe(false);
  });

  it('attaches AWS-managed policies only where named, to roles only that service can assume', () => {
    const attached = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .flatMap(([roleId, role]) =>
        ((role.Properties!.ManagedPolicyArns ?? []) as unknown[]).map((arn) => ({
          roleId,
          role,
          arn: JSON.stringify(arn),
        })),
      );
    for (const { roleId, role, arn } of attached) {
      const exception = MANAGED_POLICY_EXCEPTIONS.find((e) => arn.includes(`:iam::aws:policy/${e.policy}`));
      expect(exception, `${roleId}: ${arn}`).toBeDefined();
      expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: exception!.assumedBy } }),
      ]);
    }
    for (const route of FUNCTIONS) {
      expect(resources[roleOfFunction(route)]!.Properties!.ManagedPolicyArns, route.name).toBeUndefined();
    }
  });

  it('gives every function a role of its own', () => {
    const roles = FUNCTIONS.map(roleOfFunction);
    expect(new Set(roles).size).toBe(FUNCTIONS.length);
  });

  it.each(FUNCTIONS.map((route) => [route.name, kindOf(route), route] as const))(
    '%s (%s) may use only the actions its code calls',
    (_name, _kind, route) => {
      const granted = statementsOfRole(roleOfFunction(route)).filter((found) => found.statement.Effect === 'Allow');
      const actions = new Set(granted.flatMap((found) => actionsOf(found.statement)));
      const expected = new Set(expectedActions(route));
      expect({
        extra: [...actions].filter((action) => !expected.has(action)).sort(),
        missing: [...expected].filter((action) => !actions.has(action)).sort(),
      }).toEqual({ extra: [], missing: [] });
    },
  );

  it.each(FUNCTIONS.filter((route) => route.tablePartitions).map((route) => [route.name, route] as const))(
    '%s may touch only its own kind of item in the table (dynamodb:LeadingKeys)',
    (_name, route) => {
      const onTable = statementsOfRole(roleOfFunction(route)).filter((found) =>
        actionsOf(found.statement).some((action) => action.startsWith('dynamodb:')),
      );
      expect(onTable.length).toBeGreaterThan(0);
      for (const found of onTable) {
        expect(found.statement.Condition, where(found)).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': route.tablePartitions },
        });
      }
    },
  );

  it('names the partitions by the keys the store writes: a patient, a clinic, a booking and the outbox for the public function, a suppression, a patient’s profile, the outbox and its reports’ markers for SES feedback', () => {
    const matches = (route: string, key: string) =>
      FUNCTIONS.find((candidate) => candidate.name === route)!.tablePartitions!.some((pattern) =>
        globMatches(pattern, key),
      );
    const processedMarker = keys.processedEvent(
      'riverside',
      'BookingCreated',
      'evt-1',
      'careloop-dev-booking-created',
    ).pk;
    expect(matches('unsubscribe', keys.patient('riverside', 'pt-0042').pk)).toBe(true);
    expect(matches('unsubscribe', keys.response('riverside', 'pt-0042', 'bk-1', 'check-in').pk)).toBe(true);
    expect(matches('unsubscribe', keys.clinicProfile('riverside').pk)).toBe(true);
    expect(matches('unsubscribe', keys.booking('riverside', 'bk-1').pk)).toBe(true);
    expect(matches('unsubscribe', keys.outboxEntry('riverside', 'patient-responded-1').pk)).toBe(true);
    expect(matches('unsubscribe', processedMarker)).toBe(false);
    expect(matches('unsubscribe', keys.suppressedAddress('a@example.com', 'k').pk)).toBe(false);
    expect(matches('ses-feedback', keys.suppressedAddress('a@example.com', 'k').pk)).toBe(true);
    expect(matches('ses-feedback', keys.outboxEntry('riverside', 'email-bounced-1').pk)).toBe(true);
    expect(matches('ses-feedback', keys.patient('riverside', 'pt-0042').pk)).toBe(true);
    expect(matches('ses-feedback', keys.booking('riverside', 'bk-1').pk)).toBe(false);
    expect(matches('ses-feedback', processedMarker)).toBe(false);
    const marker = (detailType: string) => keys.processedEvent('riverside', detailType, 'email-1', 'ses-feedback').pk;
    for (const report of ['EmailDelivered', 'EmailBounced', 'EmailComplained'])
      expect(matches('ses-feedback', marker(report))).toBe(true);
    expect(matches('ses-feedback', marker('EmailSent'))).toBe(false);
  });

  it.each(FUNCTIONS.map((route) => [route.name, route] as const))(
    '%s reaches only its own log group, the CareLoop table and key, its queues, and the export bucket if it writes exports',
    (_name, route) => {
      const fn = stack.functions.get(route.name)!;
      const fnResource = resources[idOf(fn)]!;
      const logGroupId = fnResource.Properties!.LoggingConfig.LogGroup.Ref as string;
      const tableArn = getAtt(idOf(stack.table));
      const queueIds = Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig')
        .filter(([, r]) => JSON.stringify(r.Properties!.FunctionName) === ref(idOf(fn)))
        .map(([, r]) => r.Properties!.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string);
      const streamQueueIds = Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')
        .filter(([, r]) => JSON.stringify(r.Properties!.FunctionName) === ref(idOf(fn)))
        .flatMap(([, r]) => r.Properties!.DestinationConfig?.OnFailure?.Destination['Fn::GetAtt']?.[0] ?? []);
      const allowedQueues = [
        ...queueIds,
        ...streamQueueIds,
        ...(reportsRejectedInput(route) ? [idOf(stack.rejectedEventsQueue)] : []),
        ...(triggerOf(route, 'queue') ? [idOf(stack.dueJobsQueue)] : []),
      ].map(getAtt);
      for (const found of statementsOfRole(roleOfFunction(route))) {
        const actions = actionsOf(found.statement);
        const targets = resourcesOf(found.statement).map((r) => JSON.stringify(r));
        const onlyOn = (allowed: unknown[]) =>
          expect(
            targets.every((t) => allowed.map((a) => JSON.stringify(a)).includes(t)),
            `${where(found)} -> ${targets}`,
          ).toBe(true);
        if (actions.some((a) => a.startsWith('logs:'))) onlyOn([getAtt(logGroupId)]);
        if (actions.some((a) => a.startsWith('dynamodb:')) && !actions.includes('dynamodb:ListStreams'))
          onlyOn([
            tableArn,
            ...(route.table.includes('QueryIndex') ? [{ 'Fn::Join': ['', [tableArn, '/index/*']] }] : []),
            ...(triggerOf(route, 'table-stream') ? [{ 'Fn::GetAtt': [idOf(stack.table), 'StreamArn'] }] : []),
          ]);
        if (actions.some((a) => a.startsWith('kms:'))) onlyOn([getAtt(idOf(stack.key))]);
        if (actions.some((a) => a.startsWith('sqs:'))) onlyOn(allowedQueues);
        if (actions.includes('iam:PassRole')) onlyOn([getAtt(idOf(stack.schedulerRole))]);
        if (actions.some((a) => a.startsWith('s3:'))) {
          onlyOn([{ 'Fn::Join': ['', [getAtt(idOf(stack.exportBucket)), '/*']] }]);
        }
      }
    },
  );
});
