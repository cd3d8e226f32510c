import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, SQSBatchResponse } from 'aws-lambda';
import { inject } from 'vitest';
import type { DetailType, EventDetailInput } from '../../events/catalog';
import { careLoopFunctions } from '../../functions/catalog';
import { OUTBOX_STREAM, triggerOf } from '../../infra/function-plan';
import { LocalClock } from '../../infra/local/clock';
import { createCareLoopTable, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import {
  eventBridgeEnvelope,
  lambdaContext,
  loadLocalFunctions,
  localDueJobsQueueArn,
  LOCAL_ACCOUNT,
  LOCAL_ADDRESS_KEY_SECRET_ID,
  LOCAL_UNSUBSCRIBE_SECRET_ID,
} from '../../infra/local/functions';
import { createEventBridgeEmulator, type EventBridgeEnvelope } from '../../infra/local/eventbridge-emulator';
import { createQueueRunner } from '../../infra/local/queue-runner';
import { LOCAL_EXPORT_BUCKET } from '../../infra/local/stack';
import { startTableStreamReader, type TableStreamReader } from '../../infra/local/table-stream';
import { createSideServices, type RejectedEventRecord } from '../../infra/local/side-services';
import { createSchedulerEmulator } from '../../infra/local/scheduler-emulator';
import { readInbox, type StoredEmail } from '../../infra/local/ses-local';
import type { ScheduledTarget } from '../../shared/domain/ports';
import { dueJobMessage } from '../../shared/due-jobs';
import { freePort } from './global-setup';

export const SENDER = 'appointments@riverside.example';
export const UNSUBSCRIBE_BASE = 'http://127.0.0.1:4999/unsubscribe/';
export const UNSUBSCRIBE_KEY = 'test-unsubscribe-signing-key';
/** The key suppressed addresses are keyed with in the tests. */
export const ADDRESS_KEY = 'test-address-key';
const PREFIX = 'careloop-test';
const BUS_NAME = 'careloop-test-bus';

const invoking = new AsyncLocalStorage<string>();

/** The function whose invocation the caller is part of (by route name), if any. */
export const invokingFunction = () => invoking.getStore();

/** An event as EventBridge delivers it to a rule's Lambda target. */
export const envelope = eventBridgeEnvelope;

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The handlers as deployed, against DynamoDB Local, the SES emulator and the project's
 * Scheduler emulator, with a clock that starts at real time and can be moved forward.
 * Each harness has its own table, so test files do not see each other's records. Schedules
 * send to the due-jobs queue (infra/local/queue-runner.ts), consumed by the due-jobs function.
 */
export async function createHarness(
  options: {
    now?: Date;
    /** Where the handlers send email (e.g. a fault proxy in front of the SES emulator). */
    sesEndpoint?: string;
  } = {},
) {
  const tableName = `careloop-it-${randomUUID().slice(0, 8)}`;
  const clock = new LocalClock();
  if (options.now) clock.advance(Math.max(0, (options.now.getTime() - Date.now()) / 1000));
  const handlers: Record<string, Handler> = {};
  const dueJobsRoute = careLoopFunctions.find((descriptor) => triggerOf(descriptor, 'queue'))!;
  const deadLetters: { body: string; receiveCount: number; error: string }[] = [];
  const outboxDeadLetters: string[] = [];
  const dueJobs = createQueueRunner({
    arn: localDueJobsQueueArn(PREFIX),
    consume: async (event) =>
      (await handlers[dueJobsRoute.name]!(event, lambdaContext(dueJobsRoute.name))) as SQSBatchResponse,
    visibilityTimeoutMs: 1000,
    onDeadLetter: ({ body, receiveCount }, error) => deadLetters.push({ body, receiveCount, error }),
  });
  /** The outbox's stream reader, started once the table exists. */
  const stream: { outbox?: TableStreamReader } = {};
  /** Every due job handled, and everything they wrote to the outbox published. */
  const settled = async () => {
    await dueJobs.idle();
    await stream.outbox?.idle();
  };
  const scheduler = createSchedulerEmulator({
    clock,
    groups: [PREFIX],
    invokeTarget: async (target) => {
      if (target.arn !== dueJobs.arn) throw new Error(`no queue for ${target.arn}`);
      dueJobs.send(target.input);
    },
    settle: settled,
  });
  const schedulerEndpoint = await scheduler.listen(await freePort(), '127.0.0.1');
  const rejectedEvents: RejectedEventRecord[] = [];
  const side = createSideServices({
    onRejectedEvent: (record) => rejectedEvents.push(record),
    secrets: { [LOCAL_UNSUBSCRIBE_SECRET_ID]: UNSUBSCRIBE_KEY, [LOCAL_ADDRESS_KEY_SECRET_ID]: ADDRESS_KEY },
  });
  // The bus, for what CareLoop publishes: no rule here, every accepted event is kept to be read.
  const published: EventBridgeEnvelope[] = [];
  /** PutEvents calls still to fail (a test's injected outage of the bus). */
  let busFailures = 0;
  const bus = createEventBridgeEmulator({
    busName: BUS_NAME,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    clock,
    targets: [],
    onDeadLetter: () => undefined,
    onAccepted: (event) => void published.push(event),
  });
  const sideServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const body = Buffer.concat(chunks).toString('utf8');
      if (target.startsWith('AWSEvents.')) {
        if (busFailures > 0) {
          busFailures--;
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'InternalException' });
          return void res.end(JSON.stringify({ __type: 'InternalException', message: 'injected by the test' }));
        }
        return void bus.handle(req, res, body);
      }
      if (!side.handle(target, body, res)) res.writeHead(404).end();
    });
  });
  const sidePort = await freePort();
  await new Promise<void>((resolve) => sideServer.listen(sidePort, '127.0.0.1', resolve));
  const sideServicesEndpoint = `http://127.0.0.1:${sidePort}`;

  // Keeps the report readable; run with POWERTOOLS_LOG_LEVEL=INFO to see the handlers' log lines.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const sesEndpoint = inject('sesEndpoint');
  const loaded = await loadLocalFunctions(
    {
      dynamodb: inject('dynamoEndpoint'),
      ses: options.sesEndpoint ?? sesEndpoint,
      scheduler: schedulerEndpoint,
      s3: inject('s3Endpoint'),
      sideServices: sideServicesEndpoint,
      unsubscribe: UNSUBSCRIBE_BASE,
    },
    {
      prefix: PREFIX,
      tableName,
      scheduleGroupName: PREFIX,
      senderAddress: SENDER,
      eventBusName: BUS_NAME,
      // The bucket the run's S3 endpoint was started with (global-setup.ts).
      exportBucketName: LOCAL_EXPORT_BUCKET,
    },
    clock,
  );
  // Each invocation runs in its function's context, so a test can tell which function made a call.
  for (const [name, handler] of loaded)
    handlers[name] = (event, context) => invoking.run(name, () => handler(event, context));
  const dynamo = new DynamoDBClient({});
  const { streamArn } = await createCareLoopTable(dynamo, tableName);
  // The outbox function reads the table's stream, as its event source mapping does on AWS.
  const outboxRoute = careLoopFunctions.find((descriptor) => triggerOf(descriptor, 'table-stream'))!;
  stream.outbox = startTableStreamReader({
    endpoint: inject('dynamoEndpoint'),
    streamArn,
    filters: OUTBOX_STREAM.filters,
    batchSize: OUTBOX_STREAM.batchSize,
    handler: async (event) =>
      (await handlers[outboxRoute.name]!(event, lambdaContext(outboxRoute.name))) as DynamoDBBatchResponse,
    onDeadLetter: ({ error }) => outboxDeadLetters.push(error),
  });

  return {
    clock,
    scheduler,
    tableName,
    /**
     * Delivers one event to the function whose rule matches it, as EventBridge would: a new
     * invocation each time, unless `requestId` names the one this is Lambda's retry of.
     */
    async publish<T extends DetailType>(
      detailType: T,
      detail: EventDetailInput<T> | unknown,
      options: { requestId?: string } = {},
    ) {
      const route = careLoopFunctions.find((candidate) => triggerOf(candidate, 'bus')?.events.includes(detailType))!;
      return handlers[route.name]!(envelope(detailType, detail), lambdaContext(route.name, options.requestId));
    },
    invoke: (name: string, event: unknown) => handlers[name]!(event, lambdaContext(name)),
    /** The due-jobs queue: what Scheduler sends to, and its dead letters (after maxReceiveCount). */
    dueJobs,
    deadLetters,
    /** Sends one job to the due-jobs queue, as a schedule firing would, and waits until it is handled. */
    async dueJob(kind: ScheduledTarget, payload: Record<string, unknown>) {
      dueJobs.send(dueJobMessage(kind, payload));
      await settled();
    },
    /** Waits until the due jobs are handled and the outbox has published what they and the events wrote. */
    settled,
    /**
     * Stops the outbox's stream reader until the returned release is called (what is written
     * meanwhile is published after it): a test counting a function's own calls sees no others.
     */
    holdOutbox: () => stream.outbox?.hold() ?? Promise.resolve(() => undefined),
    /** What CareLoop published on its bus, in order, once the outbox has caught up. */
    async publishedEvents() {
      await settled();
      return [...published];
    },
    /** Outbox batches given up on after their retries (should stay empty). */
    outboxDeadLetters,
    /** The bus answers the next `count` PutEvents calls with a 500, as in an outage. */
    failNextPublishes(count: number) {
      busFailures = count;
    },
    /** Moves the clock forward; schedules due on the way fire, each at its own moment. */
    advance: (seconds: number) => scheduler.advance(seconds),
    /** The emails sent to an address, or every email when none is given. */
    async inbox(to?: string): Promise<StoredEmail[]> {
      const emails = await readInbox(sesEndpoint);
      return to === undefined ? emails : emails.filter((email) => email.destination.to.includes(to));
    },
    async items() {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
        items.push(
          ...(page.Items ?? []).map((item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>) =>
            unmarshall(item),
          ),
        );
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    rejectedEvents,
    async close() {
      await stream.outbox?.close();
      sideServer.closeAllConnections();
      await new Promise((resolve) => sideServer.close(resolve));
      await scheduler.close();
      await dueJobs.close();
      dynamo.destroy();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
