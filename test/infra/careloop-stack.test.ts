import { detailTypes } from '../../events/catalog';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import { eventPatternOf, invokedAsynchronously, reportsRejectedInput, triggerOf } from '../../infra/function-plan';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings } from '../../infra/settings';
import { ENV } from '../../shared/config';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

const eventRoutes = careLoopFunctions.filter((route) => triggerOf(route, 'bus'));
const scheduledRoutes = careLoopFunctions.filter((route) => triggerOf(route, 'queue'));
const streamRoutes = careLoopFunctions.filter((route) => triggerOf(route, 'table-stream'));
const awsEventRoutes = careLoopFunctions.filter((route) => triggerOf(route, 'aws-events'));
/** Functions that email patients: every one but the unsubscribe page and the SES feedback handler. */
/** Roles are granted from the ports each function wires (functions/<name>/descriptor.ts). */
const emailingRoutes = careLoopFunctions.filter((route) => route.ports.includes('mailer'));
const schedulingRoutes = careLoopFunctions.filter((route) => route.ports.includes('scheduler'));

/**
 * Bundling skipped (the template is what matters here) and the built-in CloudFormation
 * validation off (it makes each synth slow; `cdk synth` runs it), so each synth here is quick.
 */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings((key) => context[key], {});
  const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, { settings, env: { region: settings.region } });
  return { stack, template: Template.fromStack(stack) };
}

const actionsOf = (statement: Statement) => [statement.Action].flat();
const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('CareLoopStack with default settings', () => {
  let stack: CareLoopStack;
  let template: Template;
  let resources: Record<string, Resource>;
  const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const fnId = (name: string) => idOf(stack.functions.get(name)!);
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const keyId = () => idOf(stack.key);
  /** Every statement of every IAM policy attached to the role with this logical id. */
  const statementsOfRole = (roleId: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) =>
        (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
      )
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  const roleIdOfFunction = (name: string) =>
    (resources[fnId(name)]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

  beforeAll(() => {
    ({ stack, template } = synth());
    resources = template.toJSON().Resources;
  });

  describe('event routing', () => {
    it('has exactly one rule per event route and none for scheduled functions', () => {
      template.resourceCountIs('AWS::Events::Rule', eventRoutes.length + awsEventRoutes.length);
      // Every event of the contract has its function, and only one.
      expect(eventRoutes.flatMap((route) => triggerOf(route, 'bus')!.events).sort()).toEqual([...detailTypes].sort());
      const targetArns = ofType('AWS::Events::Rule').flatMap(([, r]) => r.Properties.Targets.map((t: any) => t.Arn));
      for (const route of scheduledRoutes) expect(targetArns).not.toContainEqual(getAtt(fnId(route.name)));
    });

    it("never routes CareLoop's own events (careloop.*) back to a function of its own", () => {
      const sources = ofType('AWS::Events::Rule').flatMap(([, rule]) => [rule.Properties.EventPattern.source].flat());
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(String(source)).not.toMatch(/^careloop\./);
    });

    it.each(eventRoutes.map((route) => [route.name, route] as const))(
      'routes %s events from the CareLoop bus to its own function',
      (name, route) => {
        const rules = template.findResources('AWS::Events::Rule', {
          Properties: { EventPattern: eventPatternOf(route) },
        });
        expect(Object.keys(rules)).toHaveLength(1);
        const rule = Object.values(rules)[0]!;
        expect(rule.Properties.EventBusName).toEqual({ Ref: idOf(stack.bus) });
        expect(rule.Properties.Targets).toHaveLength(1);
        expect(rule.Properties.Targets[0].Arn).toEqual(getAtt(fnId(name)));
      },
    );

    it('matches the contract source and detail-type of each event', () => {
      const pattern = (name: string) =>
        ofType('AWS::Events::Rule').find(([, r]) => r.Properties.Targets[0].Arn['Fn::GetAtt'][0] === fnId(name))?.[1]
          .Properties.EventPattern;
      expect(pattern('booking-created')).toEqual({ source: ['clinic.booking'], 'detail-type': ['BookingCreated'] });
      expect(pattern('session-completed')).toEqual({ source: ['clinic.care'], 'detail-type': ['SessionCompleted'] });
      expect(pattern('contact-preferences-updated')).toEqual({
        source: ['clinic.patients'],
        'detail-type': ['ContactPreferencesUpdated'],
      });
    });

    it('gives every rule target its own dead-letter queue and a bounded retry policy', () => {
      const dlqs = new Set<string>();
      for (const [, rule] of ofType('AWS::Events::Rule')) {
        const [target] = rule.Properties.Targets;
        const dlqId = target.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;
        expect(resources[dlqId]?.Type).toBe('AWS::SQS::Queue');
        dlqs.add(dlqId);
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 });
      }
      expect(dlqs.size).toBe(eventRoutes.length + awsEventRoutes.length);
    });

    it("takes SES deliveries, bounces and complaints from the account's default bus, where SES publishes them", () => {
      const rules = template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: { source: ['aws.ses'] } },
      });
      const [rule] = Object.values(rules);
      expect(rule!.Properties.EventBusName).toBe('default');
      expect(rule!.Properties.EventPattern['detail-type']).toEqual([
        'Email Delivered',
        'Email Bounced',
        'Email Complaint Received',
      ]);
      expect(rule!.Properties.Targets[0].Arn).toEqual(getAtt(fnId('ses-feedback')));
      template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: Match.objectLike({
          Enabled: true,
          MatchingEventTypes: ['delivery', 'bounce', 'complaint'],
          EventBridgeDestination: { EventBusArn: Match.anyValue() },
        }),
      });
    });
  });

  describe('functions', () => {
    it('deploys one function per route with the shared runtime settings', () => {
      template.resourceCountIs('AWS::Lambda::Function', careLoopFunctions.length);
      for (const route of careLoopFunctions) {
        expect(resources[fnId(route.name)]!.Properties).toMatchObject({
          FunctionName: `careloop-dev-${route.name}`,
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          MemorySize: 256,
          Timeout: 30,
          Handler: 'index.handler',
        });
      }
    });

    it('sends failed async invocations to a per-function queue after two retries at most', () => {
      // The public function answers its caller and the due-jobs function is polled: neither is invoked asynchronously.
      const asyncRoutes = careLoopFunctions.filter(invokedAsynchronously);
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', asyncRoutes.length);
      const destinations = new Set<string>();
      for (const route of asyncRoutes) {
        const configs = ofType('AWS::Lambda::EventInvokeConfig').filter(
          ([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fnId(route.name) }),
        );
        expect(configs).toHaveLength(1);
        const { MaximumRetryAttempts, MaximumEventAgeInSeconds, DestinationConfig } = configs[0]![1].Properties;
        expect(MaximumRetryAttempts).toBe(2);
        expect(MaximumEventAgeInSeconds).toBe(6 * 3600);
        const queueId = DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string;
        expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
        destinations.add(queueId);
      }
      expect(destinations.size).toBe(asyncRoutes.length);
    });

    it('feeds the due-jobs function from the due-jobs queue: batches of 10, 2 at a time, partial batch responses', () => {
      expect(scheduledRoutes).toHaveLength(1);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', scheduledRoutes.length + streamRoutes.length);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId(scheduledRoutes[0]!.name) },
        EventSourceArn: getAtt(idOf(stack.dueJobsQueue)),
        BatchSize: 10,
        ScalingConfig: { MaximumConcurrency: 2 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      // Visibility timeout at least 6x the function timeout; a job dead-lettered only after 20 receives.
      const queue = resources[idOf(stack.dueJobsQueue)]!.Properties;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 30);
      expect(queue.KmsMasterKeyId).toEqual(getAtt(keyId()));
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: getAtt(idOf(stack.dueJobsDeadLetterQueue)),
        maxReceiveCount: 20,
      });
    });

    it("feeds the outbox function new outbox entries from the table's stream, in order, retried, then queued", () => {
      expect(streamRoutes.map((route) => route.name)).toEqual(['outbox']);
      const table = resources[idOf(stack.table)]!.Properties;
      expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
      const [mapping] = ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: fnId('outbox') }),
      );
      const properties = mapping![1].Properties;
      expect(properties).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [idOf(stack.table), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRecordAgeInSeconds: 24 * 3600,
        MaximumRetryAttempts: 20,
      });
      // Insertions of outbox entries, and emails' claims written with their EmailSent: a rewrite,
      // the removal once published or an erasure never delivers one again.
      expect(
        properties.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern)),
      ).toEqual([
        { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: ['OUTBOX'] } } } },
        {
          eventName: ['MODIFY'],
          dynamodb: {
            Keys: { sk: { S: [{ prefix: 'EMAIL#' }] } },
            NewImage: { event: { M: { detailType: { S: [{ exists: true }] } } } },
          },
        },
      ]);
      const queueId = properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string;
      expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
    });

    it('gives each function the variables of the parts it wires, and no others', () => {
      // What each part reads (shared/config.ts requireSetting), by what the descriptor says.
      const expected = (route: (typeof careLoopFunctions)[number]) => [
        ENV.tableName,
        ENV.retention,
        'POWERTOOLS_SERVICE_NAME',
        'LOG_LEVEL',
        ...(reportsRejectedInput(route) ? [ENV.rejectedEventsQueueUrl] : []),
        ...(route.ports.includes('mailer') ? [ENV.senderAddress, ENV.sesConfigurationSet, ENV.addressKeySecretId] : []),
        ...(route.ports.includes('scheduler')
          ? [
              ENV.scheduleGroupName,
              ENV.schedulerRoleArn,
              ENV.schedulerDeadLetterArn,
              ENV.dueJobsQueueArn,
              ENV.reminderOffsetsMinutes,
              ENV.checkInDelayMinutes,
              ENV.quietHours,
            ]
          : []),
        // The public function only verifies links: it cannot carry its own URL.
        ...(route.ports.includes('unsubscribeLinks')
          ? [ENV.unsubscribeSecretId, ...(triggerOf(route, 'public-url') ? [] : [ENV.unsubscribeBaseUrl])]
          : []),
        ...(triggerOf(route, 'aws-events') ? [ENV.addressKeySecretId] : []),
        ...(route.ports.includes('events') ? [ENV.eventBusName] : []),
        ...(route.ports.includes('exports') ? [ENV.exportBucketName, ENV.exportKeyArn] : []),
      ];
      for (const route of careLoopFunctions) {
        const variables = resources[fnId(route.name)]!.Properties.Environment.Variables as Record<string, unknown>;
        expect(Object.keys(variables).sort(), route.name).toEqual([...new Set(expected(route))].sort());
        const values = {
          TABLE_NAME: { Ref: idOf(stack.table) },
          SENDER_ADDRESS: 'appointments@example.com',
          SCHEDULE_GROUP_NAME: 'careloop-dev',
          SCHEDULER_ROLE_ARN: getAtt(idOf(stack.schedulerRole)),
          SCHEDULER_DLQ_ARN: getAtt(idOf(stack.schedulerDeadLetterQueue)),
          REJECTED_EVENTS_QUEUE_URL: { Ref: idOf(stack.rejectedEventsQueue) },
          DUE_JOBS_QUEUE_ARN: getAtt(idOf(stack.dueJobsQueue)),
          REMINDER_OFFSETS_MINUTES: '1440',
          CHECK_IN_DELAY_MINUTES: '4320',
          QUIET_HOURS: '21:00-08:00',
          RETENTION_DAYS: '1095',
          EVENT_BUS_NAME: { Ref: idOf(stack.bus) },
          POWERTOOLS_SERVICE_NAME: 'careloop',
          LOG_LEVEL: 'INFO',
        };
        expect(variables).toMatchObject(
          Object.fromEntries(Object.entries(values).filter(([name]) => name in variables)),
        );
        // Reading source maps at start-up costs every cold start (docs/PERFORMANCE.md).
        expect(variables.NODE_OPTIONS, route.name).toBeUndefined();
      }
    });

    it('tells every function the default retention: three years, whichever items it writes', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions).toHaveLength(careLoopFunctions.length);
      for (const fn of functions) {
        expect(fn.Properties.Environment.Variables[ENV.retention], fn.Properties.FunctionName).toBe(String(3 * 365));
      }
    });

    it('logs each function to its own encrypted log group kept 90 days', () => {
      const groups = new Set<string>();
      for (const route of careLoopFunctions) {
        const groupId = resources[fnId(route.name)]!.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(resources[groupId]!.Properties).toEqual({ RetentionInDays: 90, KmsKeyId: getAtt(keyId()) });
        groups.add(groupId);
      }
      expect(groups.size).toBe(careLoopFunctions.length);
    });

    it('lets every function use the table, the index only where it queries it; event and due-jobs handlers report rejected input', () => {
      const tableArn = getAtt(idOf(stack.table));
      for (const route of careLoopFunctions) {
        const statements = statementsOfRole(roleIdOfFunction(route.name));
        const writes = statements.find((s) => actionsOf(s).includes('dynamodb:PutItem'));
        // Each function gets the item actions its code calls (least-privilege.test.ts checks the sets).
        expect([writes?.Resource].flat(), route.name).toEqual([
          tableArn,
          ...(route.table.includes('QueryIndex') ? [{ 'Fn::Join': ['', [tableArn, '/index/*']] }] : []),
        ]);
        const rejected = statements.find(
          (s) => JSON.stringify(s.Resource) === JSON.stringify(getAtt(idOf(stack.rejectedEventsQueue))),
        );
        if (reportsRejectedInput(route)) expect(rejected && actionsOf(rejected)).toContain('sqs:SendMessage');
        else expect(rejected).toBeUndefined();
      }
    });

    it('serves the unsubscribe link from a public function URL, and gives every function that makes links its address', () => {
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        TargetFunctionArn: getAtt(fnId('unsubscribe')),
      });
      const urlId = ofType('AWS::Lambda::Url')[0]![0];
      const makingLinks = careLoopFunctions.filter(
        (route) => route.ports.includes('unsubscribeLinks') && !triggerOf(route, 'public-url'),
      );
      expect(makingLinks.length).toBeGreaterThan(0);
      for (const route of makingLinks) {
        const variables = resources[fnId(route.name)]!.Properties.Environment.Variables;
        expect(variables.UNSUBSCRIBE_BASE_URL).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
      }
    });

    it('caps the public function with a reserved concurrency of its own, and no other function', () => {
      for (const route of careLoopFunctions) {
        expect(resources[fnId(route.name)]!.Properties.ReservedConcurrentExecutions, route.name).toBe(
          triggerOf(route, 'public-url') ? 10 : undefined,
        );
      }
      expect(careLoopFunctions.filter((route) => triggerOf(route, 'public-url'))).toHaveLength(1);
    });

    it('keeps the signing key and the address key in Secrets Manager, each readable only by the functions that use it', () => {
      const secretId = (logicalIdStart: string) => {
        const [[id, secret]] = ofType('AWS::SecretsManager::Secret').filter(([candidate]) =>
          candidate.startsWith(logicalIdStart),
        ) as [[string, Resource]];
        expect(secret.Properties.KmsKeyId).toEqual(getAtt(keyId()));
        expect(resources[id]!.DeletionPolicy).toBe('Retain');
        return id;
      };
      const signingKey = { Ref: secretId('UnsubscribeSigningKey') };
      const addressKey = { Ref: secretId('SuppressedAddressKey') };
      expect(ofType('AWS::SecretsManager::Secret')).toHaveLength(2);
      for (const route of careLoopFunctions) {
        const readable = statementsOfRole(roleIdOfFunction(route.name))
          .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
          .flatMap((s) => [s.Resource].flat());
        const expected = [
          ...(route.ports.includes('unsubscribeLinks') ? [signingKey] : []),
          ...(route.ports.includes('mailer') || triggerOf(route, 'aws-events') ? [addressKey] : []),
        ];
        expect(readable, route.name).toEqual(expected);
      }
    });

    it('lets functions send email only from the sender identity through the configuration set', () => {
      for (const route of careLoopFunctions.filter((r) => !emailingRoutes.includes(r))) {
        const ses = statementsOfRole(roleIdOfFunction(route.name)).filter((s) =>
          actionsOf(s).some((a) => a.startsWith('ses:')),
        );
        expect(ses, route.name).toHaveLength(0);
      }
      for (const route of emailingRoutes) {
        const ses = statementsOfRole(roleIdOfFunction(route.name)).filter((s) =>
          actionsOf(s).some((a) => a.startsWith('ses:')),
        );
        expect(ses).toHaveLength(1);
        expect(actionsOf(ses[0]!)).toEqual(['ses:SendEmail']);
        expect(ses[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'appointments@example.com' } });
        const resourcesText = JSON.stringify(ses[0]!.Resource);
        expect(resourcesText).toContain(`:identity/",{"Ref":"${idOf(stack.emailIdentity)}"}`);
        expect(resourcesText).toContain(`:configuration-set/`);
        expect(resourcesText).not.toContain('"*"');
      }
    });

    it('lets the functions that wire the scheduler manage schedules in the CareLoop group only, and no other', () => {
      for (const route of schedulingRoutes) {
        const statements = statementsOfRole(roleIdOfFunction(route.name));
        const scheduling = statements.filter((s) =>
          actionsOf(s).some((a) => a.startsWith('scheduler:') && a !== 'scheduler:ListSchedules'),
        );
        expect(scheduling).toHaveLength(1);
        // The adapter creates and deletes; it never reads or updates a schedule.
        expect(actionsOf(scheduling[0]!).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
        expect(JSON.stringify(scheduling[0]!.Resource)).toMatch(
          /:scheduler:eu-central-1:.*:schedule\/careloop-dev\/\*"/,
        );
        // ListSchedules supports no resource-level permissions: it alone is granted on "*".
        const listing = statements.filter((s) => actionsOf(s).includes('scheduler:ListSchedules'));
        expect(listing.map((s) => [actionsOf(s), s.Resource])).toEqual([[['scheduler:ListSchedules'], '*']]);
        const passRole = statements.filter((s) => actionsOf(s).includes('iam:PassRole'));
        expect(passRole.map((s) => s.Resource)).toEqual([getAtt(idOf(stack.schedulerRole))]);
      }
      for (const route of careLoopFunctions.filter((r) => !schedulingRoutes.includes(r))) {
        const statements = statementsOfRole(roleIdOfFunction(route.name));
        expect(
          statements.flatMap(actionsOf).filter((a) => a.startsWith('scheduler:') || a === 'iam:PassRole'),
          route.name,
        ).toEqual([]);
      }
      // Not every event function: a clinic's profile schedules nothing.
      expect(schedulingRoutes.map((route) => route.name)).not.toContain('clinic-profile-updated');
    });

    it("lets the functions that publish put CareLoop's own events on its bus, and nothing else", () => {
      const publishing = careLoopFunctions.filter((route) => route.ports.includes('events'));
      expect(publishing.map((route) => route.name)).toEqual(['outbox']);
      for (const route of careLoopFunctions) {
        const statements = statementsOfRole(roleIdOfFunction(route.name)).filter((s) =>
          actionsOf(s).some((a) => a.startsWith('events:')),
        );
        if (!publishing.includes(route)) {
          expect(statements, route.name).toEqual([]);
          continue;
        }
        expect(statements.map((s) => [actionsOf(s), s.Resource, s.Condition])).toEqual([
          [['events:PutEvents'], getAtt(idOf(stack.bus)), { StringLike: { 'events:source': ['careloop.*'] } }],
        ]);
      }
    });
  });

  describe('data and encryption', () => {
    it('uses one customer-managed key with rotation, kept on stack deletion, usable by CloudWatch Logs', () => {
      template.resourceCountIs('AWS::KMS::Key', 1);
      const [, key] = ofType('AWS::KMS::Key')[0]!;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(
        expect.objectContaining({ Principal: { Service: 'logs.eu-central-1.amazonaws.com' } }),
      );
    });

    it('stores data in an on-demand table with PITR, the CMK, TTL, the patient index and deletion protection', () => {
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      const [, table] = ofType('AWS::DynamoDB::GlobalTable')[0]!;
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byPatient',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
          },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      });
      expect(table.Properties.Replicas).toEqual([
        expect.objectContaining({
          Region: 'eu-central-1',
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { KMSMasterKeyId: getAtt(keyId()) },
        }),
      ]);
    });

    it('encrypts every queue with the CMK and refuses non-TLS access', () => {
      const queues = ofType('AWS::SQS::Queue');
      // per async function and stream reader on-failure + per rule DLQ + scheduler DLQ + rejected
      // events + due jobs and its DLQ
      const asyncRoutes = careLoopFunctions.filter(invokedAsynchronously);
      expect(queues).toHaveLength(
        asyncRoutes.length + streamRoutes.length + eventRoutes.length + awsEventRoutes.length + 4,
      );
      for (const [, queue] of queues) expect(queue.Properties.KmsMasterKeyId).toEqual(getAtt(keyId()));
      template.resourceCountIs('AWS::SQS::QueuePolicy', queues.length);
      template.allResourcesProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('bus, email and scheduler', () => {
    it('creates the clinic-events bus and an encrypted archive of all its events', () => {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'clinic-events' });
      template.resourceCountIs('AWS::Events::Archive', 1);
      template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: getAtt(idOf(stack.bus)),
        EventPattern: { source: [{ prefix: '' }] },
        RetentionDays: 35,
        KmsKeyIdentifier: getAtt(keyId()),
      });
    });

    it('lets EventBridge use the key for the archive of the CareLoop bus only (its encryption context)', () => {
      const key = resources[keyId()]!.Properties.KeyPolicy.Statement as Statement[];
      const forArchive = key.filter(
        (statement) =>
          JSON.stringify(statement).includes('events.amazonaws.com') &&
          actionsOf(statement).includes('kms:GenerateDataKey') &&
          JSON.stringify(statement.Condition ?? {}).includes('kms:EncryptionContext:aws:events:event-bus:arn'),
      );
      expect(forArchive).toHaveLength(1);
      expect(forArchive[0]!.Condition).toEqual({
        StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': getAtt(idOf(stack.bus)) },
      });
    });

    it('creates the SES configuration set and the sender identity bound to it', () => {
      template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'careloop-dev' });
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'appointments@example.com',
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: idOf(stack.configurationSet) } },
      });
    });

    it('creates the schedule group', () => {
      template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'careloop-dev' });
    });

    it('has a scheduler role, for this account only, that may send only to the due-jobs queue and its own DLQ', () => {
      const role = resources[idOf(stack.schedulerRole)]!;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
      ]);
      const statements = statementsOfRole(idOf(stack.schedulerRole));
      const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
      expect(sends.map((s) => s.Resource)).toEqual(
        expect.arrayContaining([getAtt(idOf(stack.schedulerDeadLetterQueue)), getAtt(idOf(stack.dueJobsQueue))]),
      );
      expect(sends).toHaveLength(2);
      const dueJobs = sends.find(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(getAtt(idOf(stack.dueJobsQueue))),
      );
      expect(actionsOf(dueJobs!)).toEqual(['sqs:SendMessage']);
      expect(statements.some((s) => actionsOf(s).includes('kms:GenerateDataKey*'))).toBe(true);
      expect(statements.flatMap(actionsOf).every((a) => /^(sqs|kms):/.test(a))).toBe(true);
    });

    it('exports the names front ends and operators need', () => {
      for (const output of [
        'EventBusName',
        'EventBusArn',
        'TableName',
        'RejectedEventsQueueUrl',
        'ScheduleGroupName',
      ]) {
        template.hasOutput(output, {});
      }
      template.hasOutput('EventBusName', { Value: { Ref: idOf(stack.bus) } });
    });
  });
});

describe('CareLoopStack with custom settings', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synth({
      stage: 'prod',
      busName: 'clinic-events-prod',
      senderDomain: 'mail.example.org',
      senderAddress: 'care@mail.example.org',
      reminderOffsetsHours: '2,24',
      checkInDelayHours: '48',
      archiveRetentionDays: '90',
      retention: '730',
    }));
  });

  it('tells every function the retention the context gives, and off as off', () => {
    const retentionOf = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).map(
        (fn) => fn.Properties.Environment.Variables[ENV.retention],
      );
    expect(retentionOf(template)).toEqual(careLoopFunctions.map(() => '730'));
    expect(retentionOf(synth({ retention: 'off' }).template)).toEqual(careLoopFunctions.map(() => 'off'));
  });

  it('verifies the sender domain with Easy DKIM instead of one address', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.example.org' });
    const identity = Object.values(template.findResources('AWS::SES::EmailIdentity'))[0]!;
    expect(identity.Properties.DkimSigningAttributes?.DomainSigningPrivateKey).toBeUndefined();
  });

  it('passes offsets and delay to every function that schedules, in minutes, largest offset first', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(careLoopFunctions.length);
    const scheduling = functions.filter((fn) => fn.Properties.Environment.Variables.SCHEDULE_GROUP_NAME);
    expect(scheduling).toHaveLength(careLoopFunctions.filter((route) => route.ports.includes('scheduler')).length);
    for (const fn of scheduling) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        REMINDER_OFFSETS_MINUTES: '1440,120',
        CHECK_IN_DELAY_MINUTES: '2880',
        SCHEDULE_GROUP_NAME: 'careloop-prod',
      });
      const { SENDER_ADDRESS } = fn.Properties.Environment.Variables;
      if (SENDER_ADDRESS !== undefined) expect(SENDER_ADDRESS).toBe('care@mail.example.org');
    }
  });

  it('reserves the concurrency the context gives the public function, or none when it says off', () => {
    const publicFunction = (context: Record<string, unknown>) =>
      Object.values(synth(context).template.findResources('AWS::Lambda::Function')).find(
        (fn) =>
          fn.Properties.FunctionName ===
          `careloop-dev-${careLoopFunctions.find((route) => triggerOf(route, 'public-url'))!.name}`,
      )!;
    expect(publicFunction({ publicFunctionConcurrency: '3' }).Properties.ReservedConcurrentExecutions).toBe(3);
    expect(
      publicFunction({ publicFunctionConcurrency: 'off' }).Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('traces every function actively, or only what arrives sampled when the context says passthrough', () => {
    const modes = (context: Record<string, unknown>) =>
      new Set(
        Object.values(synth(context).template.findResources('AWS::Lambda::Function'))
          .filter((fn) => String(fn.Properties.FunctionName).startsWith('careloop-dev-'))
          .map((fn) => fn.Properties.TracingConfig?.Mode),
      );
    expect(modes({ tracing: 'active' })).toEqual(new Set(['Active']));
    expect(modes({ tracing: 'passthrough' })).toEqual(new Set(['PassThrough']));
  });

  it('keeps the archive as many days as the context says', () => {
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });

  it('names the bus, schedule group and configuration set after the settings', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'clinic-events-prod' });
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'careloop-prod' });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'careloop-prod' });
  });
});
