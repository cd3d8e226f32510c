import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { applyPublisherPolicy, CONTRACT_SOURCES, parsePublishers, type Publisher } from '../../infra/bus-policy';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings, SettingsError } from '../../infra/settings';

type BusPolicy = {
  Properties: {
    EventBusName: unknown;
    StatementId: string;
    Statement: {
      Sid: string;
      Effect: string;
      Principal: { AWS: unknown };
      Action: string | string[];
      Resource: unknown;
      Condition: Record<string, Record<string, unknown>>;
    };
  };
  DependsOn?: string[];
};

const BOOKING_FRONTEND = 'arn:aws:iam::111122223333:role/booking-frontend';
const CLINIC_APP = 'arn:aws:iam::111122223333:role/clinic-app';
const PORTAL_ACCOUNT = '444455556666';

const PUBLISHERS: Publisher[] = [
  { principal: BOOKING_FRONTEND, sources: ['clinic.booking'] },
  { principal: CLINIC_APP, sources: ['clinic.care', 'clinic.patients'] },
  { principal: PORTAL_ACCOUNT, sources: ['clinic.patients'] },
];

/** A bare stack with a bus and the publishers' policy: nothing else to look past. */
function busStack(publishers: readonly Publisher[], stackId = 'CareLoop-dev') {
  const stack = new Stack(new App(), stackId, { env: { region: 'eu-central-1' } });
  const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'clinic-events' });
  const policies = applyPublisherPolicy(bus, publishers);
  const template = Template.fromStack(stack);
  const busId = stack.getLogicalId(bus.node.defaultChild as events.CfnEventBus);
  return { stack, policies, template, busId, resources: template.findResources('AWS::Events::EventBusPolicy') };
}

const policiesOf = (resources: Record<string, unknown>) => Object.values(resources) as BusPolicy[];

const byPrincipal = (resources: Record<string, unknown>, principal: unknown) =>
  policiesOf(resources).filter(
    (policy) => JSON.stringify(policy.Properties.Statement.Principal.AWS) === JSON.stringify(principal),
  );

const errorOf = (value: unknown) => {
  try {
    resolveSettings((key) => (key === 'publishers' ? value : undefined), {});
  } catch (error) {
    return error as SettingsError;
  }
  throw new Error('expected resolveSettings to throw');
};

describe('applyPublisherPolicy', () => {
  it('adds one statement per publisher: PutEvents on this bus, for its own sources only', () => {
    const { resources, busId } = busStack(PUBLISHERS);
    expect(Object.keys(resources)).toHaveLength(3);
    for (const policy of policiesOf(resources)) {
      const { Statement, StatementId, EventBusName } = policy.Properties;
      expect(EventBusName).toEqual({ Ref: busId });
      expect(Statement.Effect).toBe('Allow');
      expect([Statement.Action].flat()).toEqual(['events:PutEvents']);
      expect(Statement.Resource).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
      expect(Statement.Sid).toBe(StatementId);
      expect(Object.keys(Statement.Condition)).toEqual(['StringEquals']);
      expect(Object.keys(Statement.Condition.StringEquals!)).toEqual(['events:source']);
    }

    const [booking] = byPrincipal(resources, BOOKING_FRONTEND);
    expect(booking!.Properties.Statement.Condition).toEqual({ StringEquals: { 'events:source': ['clinic.booking'] } });
    const [clinicApp] = byPrincipal(resources, CLINIC_APP);
    expect(clinicApp!.Properties.Statement.Condition).toEqual({
      StringEquals: { 'events:source': ['clinic.care', 'clinic.patients'] },
    });
    // A bare account id becomes that account's root principal.
    const [portal] = byPrincipal(resources, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${PORTAL_ACCOUNT}:root`]],
    });
    expect(portal!.Properties.Statement.Condition).toEqual({ StringEquals: { 'events:source': ['clinic.patients'] } });
  });

  it('adds no statement and no policy when no publishers are configured', () => {
    const { resources, policies } = busStack([]);
    expect(policies).toEqual([]);
    expect(resources).toEqual({});
  });

  it('uses statement ids EventBridge accepts, unique per stage, and stable when the list is reordered', () => {
    const dev = busStack(PUBLISHERS, 'CareLoop-dev');
    const prod = busStack(PUBLISHERS, 'CareLoop-prod');
    const reordered = busStack([...PUBLISHERS].reverse(), 'CareLoop-dev');
    const ids = (resources: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(resources).map(([id, policy]) => [id, (policy as BusPolicy).Properties.StatementId]),
      );
    for (const statementId of Object.values(ids(dev.resources))) {
      expect(statementId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    expect(new Set(Object.values(ids(dev.resources))).size).toBe(3);
    // Two stages in one account: CloudFormation uses the statement id as the physical id.
    const devIds = new Set(Object.values(ids(dev.resources)));
    expect(Object.values(ids(prod.resources)).some((id) => devIds.has(id))).toBe(false);
    // Same logical ids and statement ids whatever the order: nothing is replaced.
    expect(ids(reordered.resources)).toEqual(ids(dev.resources));
  });

  it('creates the policies one after another (each rewrites the bus policy)', () => {
    const { resources, stack, policies } = busStack(PUBLISHERS);
    const logicalIds = policies.map((policy) =>
      stack.getLogicalId(policy.node.defaultChild as events.CfnEventBusPolicy),
    );
    expect(resources[logicalIds[0]!]).not.toHaveProperty('DependsOn');
    expect((resources[logicalIds[1]!] as BusPolicy).DependsOn).toEqual([logicalIds[0]]);
    expect((resources[logicalIds[2]!] as BusPolicy).DependsOn).toEqual([logicalIds[1]]);
  });
});

describe('the publishers setting', () => {
  it('accepts role, user and account root ARNs and account ids, from cdk.json or as JSON text from -c', () => {
    const value = [
      { principal: BOOKING_FRONTEND, sources: ['clinic.booking'] },
      { principal: 'arn:aws:iam::111122223333:role/teams/clinic/clinic-app', sources: ['clinic.care'] },
      { principal: 'arn:aws:iam::111122223333:user/portal-ci', sources: ['clinic.patients', 'clinic.patients'] },
      { principal: 'arn:aws-us-gov:iam::222233334444:root', sources: ['clinic.booking'] },
      { principal: ` ${PORTAL_ACCOUNT} `, sources: CONTRACT_SOURCES },
    ];
    const expected = [
      { principal: BOOKING_FRONTEND, sources: ['clinic.booking'] },
      { principal: 'arn:aws:iam::111122223333:role/teams/clinic/clinic-app', sources: ['clinic.care'] },
      { principal: 'arn:aws:iam::111122223333:user/portal-ci', sources: ['clinic.patients'] },
      { principal: 'arn:aws-us-gov:iam::222233334444:root', sources: ['clinic.booking'] },
      { principal: PORTAL_ACCOUNT, sources: ['clinic.booking', 'clinic.care', 'clinic.patients'] },
    ];
    expect(parsePublishers(value)).toEqual({ publishers: expected, problems: [] });
    expect(parsePublishers(JSON.stringify(value)).publishers).toEqual(expected);
    expect(resolveSettings((key) => (key === 'publishers' ? value : undefined), {}).publishers).toEqual(expected);
  });

  it('treats an absent, empty or blank value as no publishers', () => {
    for (const value of [undefined, null, '', '  ', [], '[]']) {
      expect(parsePublishers(value)).toEqual({ publishers: [], problems: [] });
    }
    expect(resolveSettings(() => undefined, {})).not.toHaveProperty('publishers');
  });

  it('knows exactly the contract sources', () => {
    expect([...CONTRACT_SOURCES].sort()).toEqual(['clinic.booking', 'clinic.care', 'clinic.patients']);
  });

  it.each([
    ['text that is not JSON', 'booking-frontend', /must be a JSON array.*not JSON/],
    [
      'an object instead of an array',
      { principal: BOOKING_FRONTEND, sources: ['clinic.booking'] },
      /must be a JSON array/,
    ],
    ['an entry that is not an object', ['arn:aws:iam::111122223333:role/x'], /\[0\]: must be an object/],
    ['a missing principal', [{ sources: ['clinic.booking'] }], /\[0\]\.principal: must be an IAM role or user ARN/],
    ['the wildcard principal', [{ principal: '*', sources: ['clinic.booking'] }], /\[0\]\.principal: .*got "\*"/],
    ['an account id of 11 digits', [{ principal: '11112222333', sources: ['clinic.booking'] }], /\[0\]\.principal/],
    [
      'an assumed-role session ARN',
      [{ principal: 'arn:aws:sts::111122223333:assumed-role/booking-frontend/session', sources: ['clinic.booking'] }],
      /\[0\]\.principal/,
    ],
    [
      'a group ARN (groups cannot be principals)',
      [{ principal: 'arn:aws:iam::111122223333:group/frontends', sources: ['clinic.booking'] }],
      /\[0\]\.principal/,
    ],
    [
      'a wildcard in the role name',
      [{ principal: 'arn:aws:iam::111122223333:role/*', sources: ['clinic.booking'] }],
      /\[0\]\.principal/,
    ],
    ['no sources', [{ principal: BOOKING_FRONTEND, sources: [] }], /\[0\]\.sources: must be a non-empty array/],
    ['sources as a string', [{ principal: BOOKING_FRONTEND, sources: 'clinic.booking' }], /\[0\]\.sources: must be/],
    [
      'a source outside the contract',
      [{ principal: BOOKING_FRONTEND, sources: ['clinic.booking', 'clinic.billing'] }],
      /\[0\]\.sources: "clinic\.billing" is not in the contract \(clinic\.booking, clinic\.care, clinic\.patients\)/,
    ],
    [
      'a misspelt field',
      [{ principal: BOOKING_FRONTEND, source: ['clinic.booking'] }],
      /\[0\]: unknown field "source"/,
    ],
    [
      'the same principal twice (as an account id and its root ARN)',
      [
        { principal: PORTAL_ACCOUNT, sources: ['clinic.booking'] },
        { principal: `arn:aws:iam::${PORTAL_ACCOUNT}:root`, sources: ['clinic.care'] },
      ],
      /\[1\]\.principal: the same principal as \[0\]/,
    ],
  ])('refuses %s, with an error naming the context key and the entry', (_label, value, pattern) => {
    const error = errorOf(value);
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.problems.map((problem) => problem.key)).toContain('publishers');
    expect(error.problems.every((problem) => problem.key === 'publishers')).toBe(true);
    expect(error.message).toContain('context key "publishers"');
    expect(error.message).toMatch(pattern);
  });

  it('reports every bad entry at once', () => {
    const error = errorOf([
      { principal: '*', sources: ['clinic.booking'] },
      { principal: BOOKING_FRONTEND, sources: ['clinic.nope'] },
    ]);
    expect(error.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^\[0\]\.principal/),
      expect.stringMatching(/^\[1\]\.sources/),
    ]);
  });
});

describe('the CareLoop stack', () => {
  it('applies the publishers setting to its bus (infra/careloop-stack.ts calls applyPublisherPolicy)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const settings = resolveSettings((key) => (key === 'publishers' ? PUBLISHERS : undefined), {});
    const stack = new CareLoopStack(app, 'CareLoop-dev', { settings, env: { region: settings.region } });
    const resources = Template.fromStack(stack).findResources('AWS::Events::EventBusPolicy');
    const busArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.bus.node.defaultChild as events.CfnEventBus), 'Arn'] };
    expect(policiesOf(resources).map((policy) => policy.Properties.Statement.Resource)).toEqual([
      busArn,
      busArn,
      busArn,
    ]);
    expect(byPrincipal(resources, BOOKING_FRONTEND)[0]!.Properties.Statement.Condition).toEqual({
      StringEquals: { 'events:source': ['clinic.booking'] },
    });
  });
});
