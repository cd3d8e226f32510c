import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { applyPublisherPolicy, CONTRACT_SOURCES, parsePublishers, type Publisher } from '../../infra/bus-policy';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings, SettingsError } from '../../infra/settings';
import { conditionsHold, type Environment, type Resources, type Statement } from './policy-evaluation';

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

const allPoliciesOf = (resources: Record<string, unknown>) => Object.values(resources) as BusPolicy[];
/** The publishers' Allow statements (the Deny per source is checked on its own). */
const policiesOf = (resources: Record<string, unknown>) =>
  allPoliciesOf(resources).filter((policy) => policy.Properties.Statement.Effect === 'Allow');

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
    expect(policiesOf(resources)).toHaveLength(3);
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
    // Three publishers' Allows, a Deny per contract source.
    expect(new Set(Object.values(ids(dev.resources))).size).toBe(3 + CONTRACT_SOURCES.length);
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
    expect(logicalIds).toHaveLength(Object.keys(resources).length);
    expect(resources[logicalIds[0]!]).not.toHaveProperty('DependsOn');
    for (let index = 1; index < logicalIds.length; index++) {
      expect((resources[logicalIds[index]!] as BusPolicy).DependsOn).toEqual([logicalIds[index - 1]]);
    }
  });

  describe('what the bus policy answers to PutEvents', () => {
    const ACCOUNT = '111122223333';
    const env: Environment = { account: ACCOUNT, region: 'eu-central-1', partition: 'aws', stackName: 'CareLoop-dev' };
    const { resources: policies, template } = busStack(PUBLISHERS);
    const resources = template.toJSON().Resources as Resources;
    const statements = allPoliciesOf(policies).map((policy) => policy.Properties.Statement as unknown as Statement);
    /** Denied by the resource policy, whatever the caller's own IAM policy allows. */
    const denied = (principalArn: string, source: string) =>
      statements
        .filter((statement) => statement.Effect === 'Deny')
        .some((statement) =>
          conditionsHold(
            statement,
            {
              'events:source': source,
              'aws:PrincipalArn': principalArn,
              'aws:PrincipalAccount': principalArn.split(':')[4]!,
            },
            resources,
            env,
          ),
        );

    it('denies a contract source to a principal of this account that is not its publisher', () => {
      const intruder = `arn:aws:iam::${ACCOUNT}:role/reporting-lambda`;
      for (const source of CONTRACT_SOURCES) expect(denied(intruder, source), source).toBe(true);
      expect(denied(`arn:aws:iam::${ACCOUNT}:root`, 'clinic.patients')).toBe(true);
    });

    it("lets CareLoop's own roles publish its careloop.* events, and no contract source", () => {
      // The outbox function's role: its own IAM policy allows careloop.* only (careloop-stack.test.ts).
      const outbox = `arn:aws:iam::${ACCOUNT}:role/CareLoop-dev-OutboxRole1A2B3C4D-ABCDEF123456`;
      for (const source of ['careloop.email', 'careloop.patients', 'careloop.care']) {
        expect(denied(outbox, source), source).toBe(false);
      }
      for (const source of CONTRACT_SOURCES) expect(denied(outbox, source), source).toBe(true);
    });

    it('denies a publisher the sources that are not its own, and lets it send its own', () => {
      expect(denied(BOOKING_FRONTEND, 'clinic.booking')).toBe(false);
      expect(denied(BOOKING_FRONTEND, 'clinic.patients')).toBe(true);
      expect(denied(CLINIC_APP, 'clinic.care')).toBe(false);
      expect(denied(CLINIC_APP, 'clinic.patients')).toBe(false);
      expect(denied(CLINIC_APP, 'clinic.booking')).toBe(true);
    });

    it("lets any principal of a publisher account send that account's sources, and nothing else", () => {
      expect(denied(`arn:aws:iam::${PORTAL_ACCOUNT}:role/portal-api`, 'clinic.patients')).toBe(false);
      expect(denied(`arn:aws:iam::${PORTAL_ACCOUNT}:role/portal-api`, 'clinic.care')).toBe(true);
    });

    it('denies to everyone a contract source no publisher lists', () => {
      const { template: onlyBooking, resources: onlyBookingPolicies } = busStack([PUBLISHERS[0]!]);
      const only = allPoliciesOf(onlyBookingPolicies).map(
        (policy) => policy.Properties.Statement as unknown as Statement,
      );
      const context = { 'events:source': 'clinic.care', 'aws:PrincipalArn': BOOKING_FRONTEND };
      expect(
        only
          .filter((statement) => statement.Effect === 'Deny')
          .some((statement) => conditionsHold(statement, context, onlyBooking.toJSON().Resources as Resources, env)),
      ).toBe(true);
    });
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
      { principal: PORTAL_ACCOUNT, sources: ['clinic.booking', 'clinic.care', 'clinic.patients', 'clinic.admin'] },
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
    expect([...CONTRACT_SOURCES].sort()).toEqual(['clinic.admin', 'clinic.booking', 'clinic.care', 'clinic.patients']);
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
      /\[0\]\.sources: "clinic\.billing" is not in the contract \(clinic\.booking, clinic\.care, clinic\.patients, clinic\.admin\)/,
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
