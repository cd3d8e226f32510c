import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { CareLoopStack, PROJECT_ROOT } from '../../infra/careloop-stack';
import { triggerOf } from '../../infra/function-plan';
import {
  ACCESS_RETRY,
  createClinicSeedHandler,
  putResponse,
  type ClinicSeedProperties,
} from '../../infra/clinic-seed-provider/handler';
import { readClinicsFile } from '../../infra/clinics-file';
import { resolveSettings } from '../../infra/settings';
import { createPublisher } from '../../shared/adapters/event-publisher';
import { Logger } from '../../shared/adapters/logger';
import { projectWithProbe } from '../support/new-function';
import { conditionsHold, resolve, type Environment, type Resources, type Statement } from './policy-evaluation';

/**
 * The deploy-time clinic seed (`-c clinicsFile=…`): one custom resource per clinic whose provider
 * publishes that clinic's ClinicProfileUpdated to the bus, a role that may publish clinic.admin
 * and nothing else, and a provider that fails the deployment when a profile does not get onto
 * the bus. The compliance packs over it: test/infra/compliance.test.ts.
 */

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const eventBridge = mockClient(EventBridgeClient);
// The SDK clients are patched for the whole worker: put them back for the files that run after.
afterAll(() => {
  eventBridge.restore();
});
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
});

const EXAMPLE_FILE = join(PROJECT_ROOT, 'docs', 'clinics.example.json');
const EXAMPLE_PROFILES = readClinicsFile(EXAMPLE_FILE);

function synth(
  context: Record<string, unknown> = {},
  options: { functions?: FunctionDescriptor[]; root?: string } = {},
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings((key) => context[key], {});
  const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, {
    settings,
    env: { region: settings.region },
    ...(options.functions && { functions: options.functions }),
    ...(options.root && { projectRoot: options.root }),
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return { stack, template, resources, idOf };
}

const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);
const seedResources = (resources: Record<string, Resource>) => ofType(resources, 'Custom::CareLoopClinicProfile');
const statementsOfRole = (resources: Record<string, Resource>, roleId: string) =>
  ofType(resources, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);

describe('without clinicsFile', () => {
  it('has no seed: no clinic profile resources, no provider function, no role that publishes clinic.admin', () => {
    const { resources, stack } = synth();
    expect(seedResources(resources)).toEqual([]);
    expect(stack.clinicSeed).toBeUndefined();
    const functionNames = ofType(resources, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties.FunctionName);
    expect(functionNames).not.toContain('careloop-dev-clinic-seed');
    // CareLoop's own functions publish careloop.* events; nothing but the seed publishes a contract source.
    const publishing = ofType(resources, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).filter((statement) =>
        JSON.stringify(statement.Action).includes('events:PutEvents'),
      ),
    );
    expect(publishing.length).toBeGreaterThan(0);
    for (const statement of publishing) expect(JSON.stringify(statement)).not.toContain('clinic.');
  });
});

describe('with clinicsFile', () => {
  let synthesized: ReturnType<typeof synth>;
  beforeAll(() => {
    synthesized = synth({ clinicsFile: EXAMPLE_FILE });
  });

  it('has one custom resource per clinic, carrying its validated profile and the bus', () => {
    const { resources, stack, idOf } = synthesized;
    const seeded = seedResources(resources);
    expect(seeded).toHaveLength(EXAMPLE_PROFILES.length);
    const details = seeded.map(([, resource]) => JSON.parse(resource.Properties.Detail as string));
    expect(details).toEqual(EXAMPLE_PROFILES);
    for (const [, resource] of seeded) {
      expect(resource.Properties.EventBusName).toEqual({ Ref: idOf(stack.bus) });
      expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [idOf(stack.clinicSeed!.fn), 'Arn'] });
      expect(resource.Properties.Consumers).toBe(
        careLoopFunctions
          .filter((descriptor) => triggerOf(descriptor, 'bus')?.events.includes('ClinicProfileUpdated'))
          .map((descriptor) => descriptor.name)
          .sort()
          .join(','),
      );
    }
  });

  it('runs its provider as a CareLoop function: its own role and log group, encrypted with the key', () => {
    const { resources, stack, idOf } = synthesized;
    const fn = resources[idOf(stack.clinicSeed!.fn)]!;
    expect(fn.Properties).toMatchObject({
      FunctionName: 'careloop-dev-clinic-seed',
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
    expect(resources[logGroupId]!.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [idOf(stack.key), 'Arn'] });
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [idOf(stack.clinicSeed!.role), 'Arn'] });
  });

  it('lets its role publish clinic.admin to this bus, and do nothing else but log and trace', () => {
    const { resources, stack, idOf } = synthesized;
    const statements = statementsOfRole(resources, idOf(stack.clinicSeed!.role));
    const publishing = statements.filter((statement) =>
      [statement.Action].flat().some((a) => a!.startsWith('events:')),
    );
    expect(publishing).toEqual([
      {
        Sid: 'PublishClinicProfiles',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [idOf(stack.bus), 'Arn'] },
        Condition: { StringEquals: { 'events:source': 'clinic.admin' } },
      },
    ]);
    const others = statements.filter((statement) => !publishing.includes(statement));
    expect(others.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    // The bus is not encrypted with the key (its archive is, by EventBridge itself): PutEvents needs no KMS.
    expect(JSON.stringify(statements)).not.toContain('kms:');
  });

  it('publishes only after every function and its rule exist, and the archive', () => {
    const { resources, stack, idOf } = synthesized;
    const ruleIds = [...stack.rules.values()].map((rule) => idOf(rule));
    const functionIds = [...stack.functions.values()].map((fn) => idOf(fn));
    for (const [, resource] of seedResources(resources)) {
      expect(resource.DependsOn).toEqual(
        expect.arrayContaining([...ruleIds, ...functionIds, idOf(stack.archive), idOf(stack.clinicSeed!.role)]),
      );
    }
  });

  it('changes only the resource of a changed profile, so an unchanged one is not published again', () => {
    const propertiesOf = (s: ReturnType<typeof synth>, clinicId: string) =>
      s.resources[s.idOf(s.stack.clinicSeed!.resources.get(clinicId)!)]!.Properties;
    const again = synth({ clinicsFile: EXAMPLE_FILE });
    for (const { clinicId } of EXAMPLE_PROFILES) {
      expect(propertiesOf(again, clinicId)).toEqual(propertiesOf(synthesized, clinicId));
    }

    const file = join(mkdtempSync(join(tmpdir(), 'careloop-seed-')), 'clinics.json');
    const entries = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as { clinicId: string; profile: object }[];
    const riverside = entries.find((entry) => entry.clinicId === 'riverside')!;
    riverside.profile = { ...riverside.profile, phone: '+1 555 0100 201' };
    writeFileSync(file, JSON.stringify(entries));
    const changed = synth({ clinicsFile: file });
    rmSync(dirname(file), { recursive: true, force: true });
    expect(propertiesOf(changed, 'riverside').Detail).not.toEqual(propertiesOf(synthesized, 'riverside').Detail);
    for (const { clinicId } of EXAMPLE_PROFILES.filter((profile) => profile.clinicId !== 'riverside')) {
      expect(propertiesOf(changed, clinicId)).toEqual(propertiesOf(synthesized, clinicId));
    }
  });

  it('sends one PutEvents per clinic, clinic.admin / ClinicProfileUpdated with the profile as the file has it', async () => {
    const handler = createClinicSeedHandler({
      publisherFor: (eventBusName) =>
        createPublisher({ client: new EventBridgeClient({ region: 'eu-central-1' }), eventBusName }),
      respond: async () => undefined,
      logger: silentLogger(),
    });
    // What CloudFormation passes the provider: the template's properties, the bus's Ref resolved.
    for (const [logicalId, resource] of seedResources(synthesized.resources)) {
      const properties = { ...resource.Properties, EventBusName: 'clinic-events' } as ClinicSeedProperties;
      await handler(createEvent(properties, logicalId), CONTEXT);
    }
    const entries = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries);
    expect(entries).toEqual(
      EXAMPLE_PROFILES.map((profile) => [
        {
          EventBusName: 'clinic-events',
          Source: 'clinic.admin',
          DetailType: 'ClinicProfileUpdated',
          Detail: JSON.stringify(profile),
        },
      ]),
    );
  });
});

describe('a profile that changed, and a function that stores profiles', () => {
  let root: string;
  beforeAll(() => {
    root = projectWithProbe();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the functions the bus hands profiles to, so adding one publishes the profiles again', () => {
    const storesProfiles: FunctionDescriptor = {
      name: 'probe',
      description: 'CareLoop: a function that would store clinic profiles',
      trigger: { kind: 'bus', events: ['ClinicProfileUpdated'] },
      ports: [],
      table: ['GetItem', 'PutItem'],
    };
    const { resources } = synth(
      { clinicsFile: EXAMPLE_FILE },
      { functions: [...careLoopFunctions, storesProfiles], root },
    );
    for (const [, resource] of seedResources(resources)) {
      expect((resource.Properties.Consumers as string).split(',')).toContain('probe');
    }
  });
});

describe('who may publish clinic.admin (the bus policy and the seed role)', () => {
  const ACCOUNT = '111122223333';
  const CLINIC_ADMIN_APP = `arn:aws:iam::${ACCOUNT}:role/clinic-admin-app`;
  const BOOKING_FRONTEND = `arn:aws:iam::${ACCOUNT}:role/booking-frontend`;
  const env: Environment = { account: ACCOUNT, region: 'eu-central-1', partition: 'aws', stackName: 'CareLoop-dev' };

  /**
   * What IAM answers a principal of the bus's own account: allowed when its own policy allows the
   * entry and the bus policy denies it not (identity and resource policies in one account).
   */
  function answers(publishers: unknown) {
    const { resources, stack, idOf } = synth({ clinicsFile: EXAMPLE_FILE, publishers });
    const all = resources as unknown as Resources;
    const busArn = resolve({ 'Fn::GetAtt': [idOf(stack.bus), 'Arn'] }, all, env);
    const seedRoleArn = resolve({ 'Fn::GetAtt': [idOf(stack.clinicSeed!.role), 'Arn'] }, all, env);
    const busStatements = ofType(resources, 'AWS::Events::EventBusPolicy').map(
      ([, policy]) => policy.Properties.Statement as Statement,
    );
    const seedStatements = statementsOfRole(resources, idOf(stack.clinicSeed!.role));
    const context = (principalArn: string, source: string) => ({
      'events:source': source,
      'aws:PrincipalArn': principalArn,
      'aws:PrincipalAccount': ACCOUNT,
    });
    const deniedByBus = (principalArn: string, source: string) =>
      busStatements.some(
        (statement) =>
          statement.Effect === 'Deny' && conditionsHold(statement, context(principalArn, source), all, env),
      );
    const seedMay = (source: string) =>
      seedStatements.some(
        (statement) =>
          statement.Effect === 'Allow' &&
          [statement.Action].flat().includes('events:PutEvents') &&
          resolve(statement.Resource, all, env) === busArn &&
          conditionsHold(statement, context(seedRoleArn, source), all, env),
      ) && !deniedByBus(seedRoleArn, source);
    return { seedMay, deniedByBus, busStatements };
  }

  it('lets the seed role send clinic.admin and not clinic.booking, beside the listed publishers', () => {
    const { seedMay, deniedByBus } = answers([
      { principal: CLINIC_ADMIN_APP, sources: ['clinic.admin'] },
      { principal: BOOKING_FRONTEND, sources: ['clinic.booking'] },
    ]);
    expect(seedMay('clinic.admin')).toBe(true);
    expect(seedMay('clinic.booking')).toBe(false);
    expect(seedMay('clinic.patients')).toBe(false);
    // The seed's exemption is its own: the listed publisher keeps its source, others still may not.
    expect(deniedByBus(CLINIC_ADMIN_APP, 'clinic.admin')).toBe(false);
    expect(deniedByBus(BOOKING_FRONTEND, 'clinic.admin')).toBe(true);
    expect(deniedByBus(`arn:aws:iam::${ACCOUNT}:role/reporting`, 'clinic.admin')).toBe(true);
  });

  it('lets the seed role send clinic.admin when no publisher lists it, and nobody else', () => {
    const { seedMay, deniedByBus } = answers([{ principal: BOOKING_FRONTEND, sources: ['clinic.booking'] }]);
    expect(seedMay('clinic.admin')).toBe(true);
    expect(deniedByBus(BOOKING_FRONTEND, 'clinic.admin')).toBe(true);
  });

  it('with no publishers the bus has no policy, and the role alone limits the seed to clinic.admin', () => {
    const { seedMay, busStatements } = answers(undefined);
    expect(busStatements).toEqual([]);
    expect(seedMay('clinic.admin')).toBe(true);
    expect(seedMay('clinic.booking')).toBe(false);
  });
});

// ---- The provider ------------------------------------------------------------------------------

const CONTEXT = { functionName: 'careloop-dev-clinic-seed', awsRequestId: 'req-1' } as Context;
const RIVERSIDE = EXAMPLE_PROFILES.find((profile) => profile.clinicId === 'riverside')!;

function silentLogger(lines: string[] = []) {
  return new Logger({ serviceName: 'careloop', write: (line) => void lines.push(line) });
}

function createEvent(
  properties: ClinicSeedProperties,
  logicalId = 'ClinicProfilesriverside1047AB8E',
): CloudFormationCustomResourceEvent<ClinicSeedProperties> {
  return {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:eu-central-1:111122223333:function:careloop-dev-clinic-seed',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
    StackId: 'arn:aws:cloudformation:eu-central-1:111122223333:stack/CareLoop-dev/1',
    RequestId: 'request-1',
    LogicalResourceId: logicalId,
    ResourceType: 'Custom::CareLoopClinicProfile',
    ResourceProperties: { ServiceToken: 'token', ...properties },
  };
}

const propertiesOf = (detail: object): ClinicSeedProperties => ({
  EventBusName: 'clinic-events',
  Detail: JSON.stringify(detail),
});

describe('the seed provider', () => {
  let responses: Record<string, unknown>[];
  let logLines: string[];
  let sleeps: number[];
  const handler = () =>
    createClinicSeedHandler({
      publisherFor: (eventBusName) =>
        createPublisher({
          client: new EventBridgeClient({ region: 'eu-central-1' }),
          eventBusName,
          sleep: async () => undefined,
        }),
      respond: async (_url, body) => void responses.push(JSON.parse(body) as Record<string, unknown>),
      sleep: async (ms) => void sleeps.push(ms),
      logger: silentLogger(logLines),
    });
  const sent = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
  const refused = (errorCode: string): PutEventsCommandOutput => ({
    FailedEntryCount: 1,
    Entries: [{ ErrorCode: errorCode, ErrorMessage: `refused: ${errorCode}` }],
    $metadata: {},
  });

  beforeEach(() => {
    responses = [];
    logLines = [];
    sleeps = [];
  });

  it('publishes a created profile and answers SUCCESS with an id made of the clinic and the eventId', async () => {
    await handler()(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    expect(sent()).toHaveLength(1);
    expect(responses).toEqual([
      {
        Status: 'SUCCESS',
        PhysicalResourceId: `riverside/${RIVERSIDE.eventId}`,
        StackId: 'arn:aws:cloudformation:eu-central-1:111122223333:stack/CareLoop-dev/1',
        RequestId: 'request-1',
        LogicalResourceId: 'ClinicProfilesriverside1047AB8E',
      },
    ]);
  });

  it('publishes a changed profile on update, under its new id', async () => {
    const changed = { ...RIVERSIDE, eventId: 'evt-riverside-2', occurredAt: '2027-03-01T09:00:00Z' };
    await handler()(
      {
        ...createEvent(propertiesOf(changed)),
        RequestType: 'Update',
        PhysicalResourceId: `riverside/${RIVERSIDE.eventId}`,
        OldResourceProperties: propertiesOf(RIVERSIDE),
      },
      CONTEXT,
    );
    expect(sent().map((input) => JSON.parse(input.Entries![0]!.Detail!).eventId)).toEqual(['evt-riverside-2']);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'riverside/evt-riverside-2' });
  });

  it('publishes nothing when an entry is taken out of the file (delete): the stored profile stays', async () => {
    await handler()(
      { ...createEvent(propertiesOf(RIVERSIDE)), RequestType: 'Delete', PhysicalResourceId: 'riverside/evt-1' },
      CONTEXT,
    );
    expect(sent()).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'riverside/evt-1' });
  });

  it('fails the deployment when PutEvents refuses the entry (FailedEntryCount), saying which clinic and why', async () => {
    eventBridge.on(PutEventsCommand).resolves(refused('InvalidArgument'));
    await handler()(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: `riverside/${RIVERSIDE.eventId}` });
    expect(responses[0]!.Reason).toBe(
      `ClinicProfileUpdated of clinic riverside (eventId ${RIVERSIDE.eventId}) was not published: ` +
        'PutEvents refused it: InvalidArgument: refused: InvalidArgument',
    );
  });

  it('keeps the previous id when an update fails, so CloudFormation rolls back to it', async () => {
    eventBridge.on(PutEventsCommand).resolves(refused('InvalidArgument'));
    await handler()(
      {
        ...createEvent(propertiesOf({ ...RIVERSIDE, eventId: 'evt-2' })),
        RequestType: 'Update',
        PhysicalResourceId: 'riverside/evt-1',
        OldResourceProperties: propertiesOf(RIVERSIDE),
      },
      CONTEXT,
    );
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'riverside/evt-1' });
  });

  it('tries an entry refused for access again while a new role policy takes effect, then publishes it', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(refused('AccessDeniedException'))
      .resolvesOnce(refused('AccessDeniedException'))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-3' }] });
    await handler()(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    expect(sent()).toHaveLength(3);
    expect(sleeps).toEqual([ACCESS_RETRY.delayMs, ACCESS_RETRY.delayMs]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
  });

  it('fails the deployment when access stays refused (a Deny in the bus policy)', async () => {
    eventBridge.on(PutEventsCommand).resolves(refused('AccessDeniedException'));
    await handler()(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    expect(sent()).toHaveLength(ACCESS_RETRY.attempts);
    expect(responses[0]).toMatchObject({ Status: 'FAILED' });
    expect(responses[0]!.Reason).toContain('AccessDeniedException');
  });

  it('refuses a profile that breaks the contract without sending it, naming the field', async () => {
    await handler()(createEvent(propertiesOf({ ...RIVERSIDE, profile: { name: '' } })), CONTEXT);
    expect(sent()).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'FAILED' });
    expect(responses[0]!.Reason).toContain('it breaks the contract: profile.name:');
  });

  it('answers CloudFormation even when something unexpected goes wrong', async () => {
    eventBridge.on(PutEventsCommand).rejects(new TypeError('boom'));
    const broken = createClinicSeedHandler({
      publisherFor: () => {
        throw new TypeError('no client');
      },
      respond: async (_url, body) => void responses.push(JSON.parse(body) as Record<string, unknown>),
      logger: silentLogger(logLines),
    });
    await broken(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: 'the clinic seed failed (TypeError); see the log group of careloop-dev-clinic-seed',
    });
  });

  it('logs ids and outcomes, never the profile', async () => {
    await handler()(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    eventBridge.on(PutEventsCommand).resolves(refused('InvalidArgument'));
    await handler()(createEvent(propertiesOf(RIVERSIDE)), CONTEXT);
    const log = logLines.join('\n');
    expect(log).toContain(RIVERSIDE.eventId);
    expect(log).toContain('"clinicId":"riverside"');
    for (const value of Object.values(RIVERSIDE.profile)) expect(log).not.toContain(value);
  });

  it('answers by a PUT of the JSON response to the presigned URL, with an empty content type', async () => {
    const received: { method?: string; contentType?: string; body: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method,
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presigned?X-Amz-Signature=abc`;
      await putResponse(url, '{"Status":"SUCCESS"}');
      expect(received).toEqual([{ method: 'PUT', contentType: '', body: '{"Status":"SUCCESS"}' }]);
    } finally {
      server.close();
    }
  });
});
