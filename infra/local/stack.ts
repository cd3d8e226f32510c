import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, SQSBatchResponse } from 'aws-lambda';
import { careLoopFunctions } from '../../functions/catalog';
import { LOCAL_QUIET_HOURS } from '../../shared/defaults';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { OUTBOX_STREAM, rulePatternOf, triggerOf } from '../function-plan';
import { selfCareLibraryFromConfiguration } from '../../shared/self-care/configured';
import { LocalClock } from './clock';
import {
  createCareLoopTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from './dynamodb-local';
import { createEventBridgeEmulator } from './eventbridge-emulator';
import { leaveIdleConnectionsToClients } from './idle-connections';
import {
  parseFaults,
  startFaultProxies,
  type FaultProxy,
  type FaultService,
  type LocalFaultOptions,
} from './fault-proxy';
import {
  asyncRequestId,
  handlerEnvironment,
  lambdaContext,
  loadLocalFunctions,
  localDueJobsQueueArn,
  localFunctionEnvironment,
  localFunctionName,
  LOCAL_ACCOUNT,
  LOCAL_ADDRESS_KEY_SECRET_ID,
  LOCAL_PROJECT_ROOT,
  LOCAL_UNSUBSCRIBE_SECRET_ID,
  type LocalFunctionSettings,
  type LocalHandler,
} from './functions';
import { localBundles, type LocalBundle } from './function-bundles';
import {
  startLocalLambdas,
  type EnvironmentDescription,
  type FunctionLogLine,
  type LocalLambdas,
} from './lambda-workers';
import { recordableRejection } from '../../shared/adapters/rejected-events';
import { freePort } from './free-port';
import { createQueueRunner, type QueueRunner } from './queue-runner';
import { createRecurringSchedules, type RecurringSchedules } from './recurring';
import { startTableStreamReader, type TableStreamReader } from './table-stream';
import { createSideServices } from './side-services';
import { createSchedulerEmulator } from './scheduler-emulator';
import { startSesLocal } from './ses-local';
import { startS3Local, type S3Local } from './s3-local';
import { createActivity } from './console/activity';
import { createLocalConsole } from './console/server';

/**
 * The whole backend on one machine: DynamoDB Local, the SES emulator, the project's
 * EventBridge, Scheduler and S3 emulators, and each function run from its deployed bundle in
 * execution environments of its own (./lambda-workers.ts), wired by the same routes and
 * environment variables the CDK stack uses (see contract/LOCAL.md).
 */

export interface LocalStackOptions {
  host: string;
  eventsPort: number;
  dynamodbPort: number;
  sesPort: number;
  schedulerPort: number;
  s3Port: number;
  /** The bucket patient data exports are put in, created at start (`CARELOOP_EXPORT_BUCKET`). */
  exportBucket: string;
  /** Keep DynamoDB's data in this folder across restarts; in memory when absent. */
  persistPath?: string;
  /**
   * A DynamoDB Local already running, and the table the stack makes there (and deletes when it
   * stops), instead of a JVM of its own on `dynamodbPort`: the test suite runs every stack on its
   * one DynamoDB Local, whose start and first requests cost more than a stack's whole test.
   */
  dynamodb?: { endpoint: string; tableName: string };
  /** A clinic's self-care overrides (JSON), as `-c selfCareFile=` gives the deployed functions. */
  selfCareFile?: string;
  /** `off` by default here: the local stack times emails exactly as EVENTS.md states them. */
  quietHours?: string;
  busName: string;
  senderAddress: string;
  reminderOffsetsMinutes?: number[];
  checkInDelayMinutes?: number;
  /** Fault injection between the handlers and DynamoDB/SES/Scheduler (`CARELOOP_FAULTS`; see fault-proxy.ts). */
  faults?: LocalFaultOptions;
  /** Told of every function invocation and how long it ran: `npm run bench` counts Lambda's bill with it. */
  onInvocation?: (functionName: string, durationMs: number) => void;
  /** The functions to run: functions/catalog.ts unless a test adds its own. */
  functions?: readonly FunctionDescriptor[];
  /** Where their handlers are: the repository root unless a test says otherwise. */
  projectRoot?: string;
  /**
   * Each line the functions write (stdout and stderr), with the function and invocation it came
   * from; written to this process's stdout and stderr when absent.
   */
  onLog?: (line: FunctionLogLine) => void;
  /**
   * Runs the handlers' TypeScript source in this process instead (loadLocalFunctions), all in
   * one environment: for `npm run bench`, which counts the SDK calls they make by wrapping the
   * SDK's client in this process. No log of theirs reaches `onLog`.
   */
  inProcessFunctions?: boolean;
}

export interface DeadLetter {
  source: unknown;
  detailType: unknown;
  detail: unknown;
  error: string;
  at: string;
}

/** An event the bus accepted, as `GET /_local/events` lists it (LOCAL.md). */
export interface AcceptedEvent {
  source: string;
  detailType: string;
  detail: unknown;
  /** The event's time on the stack's clock. */
  at: string;
}

export const LOCAL_PREFIX = 'careloop-local';
/** The two retries of a failed asynchronous invocation, scaled from Lambda's minutes to seconds. */
export const LAMBDA_RETRY_DELAYS_MS = [2000, 4000];
export const LOCAL_TABLE = `${LOCAL_PREFIX}-table`;
export const LOCAL_EXPORT_BUCKET = `${LOCAL_PREFIX}-exports`;

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
}

/** Defaults of LOCAL.md; each can be changed by an environment variable. */
export function localStackOptionsFromEnv(argv: string[] = process.argv.slice(2)): LocalStackOptions {
  const persist = argv.includes('--persist');
  return {
    host: process.env.CARELOOP_HOST ?? '127.0.0.1',
    eventsPort: envNumber('CARELOOP_EVENTS_PORT', 4010),
    dynamodbPort: envNumber('CARELOOP_DYNAMODB_PORT', 8000),
    sesPort: envNumber('CARELOOP_SES_PORT', 8005),
    schedulerPort: envNumber('CARELOOP_SCHEDULER_PORT', 4011),
    s3Port: envNumber('CARELOOP_S3_PORT', 4568),
    exportBucket: process.env.CARELOOP_EXPORT_BUCKET || LOCAL_EXPORT_BUCKET,
    persistPath: persist ? resolve(process.env.CARELOOP_DATA_DIR ?? '.local-data/dynamodb') : undefined,
    selfCareFile: process.env.CARELOOP_SELF_CARE_FILE,
    // Front ends test against the contract's timing (start − 24 h, completedAt + 3 days) at any
    // hour of their day; CARELOOP_QUIET_HOURS=21:00-08:00 shows what a deployment does by default.
    quietHours: process.env.CARELOOP_QUIET_HOURS ?? LOCAL_QUIET_HOURS,
    busName: process.env.CARELOOP_BUS_NAME ?? 'clinic-events',
    senderAddress: process.env.CARELOOP_SENDER_ADDRESS ?? 'appointments@careloop.local',
    reminderOffsetsMinutes: process.env.CARELOOP_REMINDER_OFFSETS_MINUTES?.split(',').map(Number),
    checkInDelayMinutes: process.env.CARELOOP_CHECK_IN_DELAY_MINUTES
      ? Number(process.env.CARELOOP_CHECK_IN_DELAY_MINUTES)
      : undefined,
    faults: process.env.CARELOOP_FAULTS ? parseFaults(process.env.CARELOOP_FAULTS) : undefined,
  };
}

/**
 * The settings the local stack's functions run with, from its options: the one reading of them,
 * so every tool that acts as those functions (`npm run reconcile -- --local`) judges as they do.
 */
export function localFunctionSettings(options: LocalStackOptions): LocalFunctionSettings {
  return {
    prefix: LOCAL_PREFIX,
    tableName: options.dynamodb?.tableName ?? LOCAL_TABLE,
    scheduleGroupName: LOCAL_PREFIX,
    senderAddress: options.senderAddress,
    reminderOffsetsMinutes: options.reminderOffsetsMinutes,
    checkInDelayMinutes: options.checkInDelayMinutes,
    quietHours: options.quietHours,
    eventBusName: options.busName,
    exportBucketName: options.exportBucket,
  };
}

/**
 * The environment the local stack's functions run with, from the same CARELOOP_* variables as
 * `npm start`: what an operator tool sets to act as those functions against a running stack.
 */
export function localHandlerEnvironment(): Record<string, string> {
  const options = localStackOptionsFromEnv([]);
  const base = (port: number) => `http://${options.host}:${port}`;
  return handlerEnvironment(
    {
      dynamodb: base(options.dynamodbPort),
      ses: base(options.sesPort),
      scheduler: base(options.schedulerPort),
      s3: base(options.s3Port),
      sideServices: base(options.eventsPort),
      unsubscribe: publicUrlOf(base(options.eventsPort)),
    },
    localFunctionSettings(options),
  );
}

/**
 * Where the public function (the links in emails) is served on the control port: the path a
 * Lambda function URL would be the whole host of.
 */
const PUBLIC_PATH = '/unsubscribe/';
const publicUrlOf = (base: string) => `${base}${PUBLIC_PATH}`;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen((server.address() as AddressInfo).port);
    });
  });

export interface LocalStack {
  endpoints: { events: string; dynamodb: string; ses: string; scheduler: string; s3: string };
  /** The bucket of patient data exports on the S3 endpoint. */
  exportBucket: string;
  /** What a front end sets to reach the stack with the AWS SDK. */
  frontEndEnvironment: Record<string, string>;
  clock: LocalClock;
  deadLetters: DeadLetter[];
  /** Every event the bus accepted, in order: what `GET /_local/events` answers. */
  acceptedEvents: AcceptedEvent[];
  startupMs: number;
  /** The stack's table: LOCAL_TABLE unless `dynamodb` named another. */
  tableName: string;
  /** DynamoDB Local's JVM, the stack's one child process: the benchmark reads how much CPU it took. */
  dynamodbProcessId?: number;
  /** The fault proxies in front of DynamoDB, SES and Scheduler, when `faults` is set. */
  faultProxies?: Record<FaultService, FaultProxy>;
  /** The functions as the stack runs them. */
  lambda: {
    /** Invokes a function (by its catalog name) as its trigger would, with a request id of its own. */
    invoke(name: string, event: unknown): Promise<unknown>;
    /** The bundle each function runs from; empty with `inProcessFunctions`. */
    bundles: ReadonlyMap<string, LocalBundle>;
    /** What an environment of the function was given, answered by its runtime rather than its code. */
    describe(name: string): Promise<EnvironmentDescription>;
  };
  /** Resolves when no event is being delivered or retried and the due-jobs queue is empty. */
  idle(): Promise<void>;
  /**
   * Stops the outbox function's reading of the table's stream until the returned release is
   * called (TableStreamReader.hold): the benchmark invokes it with entries its set-up wrote.
   */
  holdOutbox(): Promise<() => void>;
  stop(): Promise<void>;
}

/**
 * The local stack on free ports of 127.0.0.1, as the tests and the benchmark start it beside
 * whatever else runs: `npm start`'s settings (quiet hours off), with the given ones on top.
 */
export async function startLocalStackOnFreePorts(options: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({
    host: '127.0.0.1',
    eventsPort: await freePort(),
    dynamodbPort: await freePort(),
    sesPort: await freePort(),
    schedulerPort: await freePort(),
    s3Port: await freePort(),
    exportBucket: LOCAL_EXPORT_BUCKET,
    quietHours: LOCAL_QUIET_HOURS,
    busName: 'clinic-events',
    senderAddress: 'appointments@careloop.local',
    ...options,
  });
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const started = Date.now();
  const functions = options.functions ?? careLoopFunctions;
  const tableName = options.dynamodb?.tableName ?? LOCAL_TABLE;
  const publicFunction = functions.find((descriptor) => triggerOf(descriptor, 'public-url'));
  const clock = new LocalClock();
  const deadLetters: DeadLetter[] = [];
  // What the bus accepted, front ends' events and CareLoop's own: /_local/events (LOCAL.md).
  const acceptedEvents: AcceptedEvent[] = [];
  // The same events with the functions they went to and what each answered: the console's (GET /).
  const activity = createActivity(clock);
  // Whatever a producer sent must stay readable at /_local/dead-letters, however deep it is.
  const keepDeadLetter = (entry: DeadLetter) => void deadLetters.push(recordableRejection(entry));
  let ready = false;
  let stopping = false;
  type Emulators = {
    events: ReturnType<typeof createEventBridgeEmulator>;
    scheduler: ReturnType<typeof createSchedulerEmulator>;
    dueJobs: QueueRunner;
  };
  let emulators: Emulators | undefined;
  let recurring: RecurringSchedules | undefined;
  const sideServices = createSideServices({
    onRejectedEvent: keepDeadLetter,
    secrets: {
      // A fresh key per run: links from an earlier run's emails stop working, as after an exposed key is replaced.
      [LOCAL_UNSUBSCRIBE_SECRET_ID]: randomBytes(32).toString('base64'),
      // Kept with the data when it is kept: a new key would forget every suppressed address.
      [LOCAL_ADDRESS_KEY_SECRET_ID]: localAddressKey(options.persistPath),
    },
  });

  // The control server answers first, so /_local/health can say 503 until everything is up.
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  leaveIdleConnectionsToClients(server);
  const handlers = new Map<string, LocalHandler>();
  // POST /_local/clock and the console's buttons alike: what fell due has finished when it answers.
  const advanceClock = async ({ scheduler, dueJobs }: Emulators, seconds: number) => {
    // advance() lets the due-jobs queue drain at each due moment; idle() covers schedules the timer fired.
    const fired = await scheduler.advance(seconds);
    await dueJobs.idle();
    return { now: clock.now().toISOString(), fired };
  };
  const localConsole = createLocalConsole(() => {
    const running = ready ? emulators : undefined;
    if (!running || !stack) return undefined;
    return {
      activity,
      deadLetters,
      schedules: running.scheduler.schedules,
      inboxUrl: stack.endpoints.ses,
      now: () => clock.now(),
      advance: (seconds: number) => advanceClock(running, seconds),
    };
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const body = await readBody(req);
    if (url.pathname === '/_local/health' && req.method === 'GET') {
      return json(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'starting',
        endpoints: ready ? stack?.endpoints : undefined,
        tables: ready ? [tableName] : [],
        buckets: ready ? [options.exportBucket] : [],
      });
    }
    if (url.pathname === '/_local/clock') {
      if (req.method === 'GET') return json(res, 200, { now: clock.now().toISOString() });
      if (req.method === 'POST') {
        let advanceSeconds: unknown;
        try {
          advanceSeconds = (JSON.parse(body || '{}') as { advanceSeconds?: unknown }).advanceSeconds;
        } catch {
          return json(res, 400, { message: 'body must be JSON: {"advanceSeconds": N}' });
        }
        if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds) || advanceSeconds < 0) {
          return json(res, 400, {
            message: 'advanceSeconds: must be a number of seconds, 0 or more (the clock only moves forward)',
          });
        }
        if (!emulators) return json(res, 503, { message: 'the local stack is still starting' });
        return json(res, 200, await advanceClock(emulators, advanceSeconds));
      }
    }
    if (url.pathname === '/_local/dead-letters' && req.method === 'GET') return json(res, 200, deadLetters);
    if (url.pathname === '/_local/events' && req.method === 'GET') {
      const source = url.searchParams.get('source') ?? '';
      return json(
        res,
        200,
        acceptedEvents.filter((event) => event.source.startsWith(source)),
      );
    }
    if (publicFunction && url.pathname.startsWith(PUBLIC_PATH)) {
      const serve = handlers.get(publicFunction.name);
      if (!serve) return json(res, 503, { message: 'the local stack is still starting' });
      // On AWS a Lambda function URL; here the same handler, given the same event shape.
      const response = (await serve(
        functionUrlEvent(req, url, body),
        lambdaContext(localFunctionName(LOCAL_PREFIX, publicFunction)),
      )) as { statusCode: number; headers?: Record<string, string>; body?: string };
      res.writeHead(response.statusCode, response.headers ?? {});
      return res.end(response.body ?? '');
    }
    if (url.pathname === '/' && req.method === 'POST') {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!emulators)
        return json(res, 503, { __type: 'ServiceUnavailable', message: 'the local stack is still starting' });
      if (target.startsWith('AWSEvents.')) return emulators.events.handle(req, res, body);
      if (sideServices.handle(target, body, res)) return;
    }
    if (await localConsole.handle(req, res, url, body)) return;
    json(res, 404, { message: `nothing answers ${req.method} ${url.pathname} here` });
  };

  const eventsPort = await listen(server, options.eventsPort, options.host);
  const events = `http://${options.host}:${eventsPort}`;

  let dynamo: RunningDynamoDb | undefined;
  let ses: Awaited<ReturnType<typeof startSesLocal>> | undefined;
  let s3: S3Local | undefined;
  let stack: LocalStack | undefined;
  let faultProxies: Record<FaultService, FaultProxy> | undefined;
  let outbox: TableStreamReader | undefined;
  let lambdas: LocalLambdas | undefined;
  let bundles: ReadonlyMap<string, LocalBundle> = new Map();
  const stopAll = async () => {
    stopping = true;
    ready = false;
    await emulators?.scheduler.close().catch(() => undefined);
    recurring?.close();
    await emulators?.dueJobs.close().catch(() => undefined);
    await outbox?.close().catch(() => undefined);
    await emulators?.events.idle().catch(() => undefined);
    await lambdas?.close();
    const serverClosed = new Promise((done) => server.close(done));
    // Clients keep connections alive; close() alone would wait for them forever.
    server.closeAllConnections();
    await Promise.all([
      dynamo?.stop(),
      ses?.stop(),
      s3?.stop(),
      serverClosed,
      ...Object.values(faultProxies ?? {}).map((p) => p.close()),
    ]);
  };

  try {
    if (options.persistPath) mkdirSync(options.persistPath, { recursive: true });
    const selfCareOverrides = options.selfCareFile ? readFileSync(resolve(options.selfCareFile), 'utf8') : undefined;
    if (selfCareOverrides !== undefined) {
      selfCareLibraryFromConfiguration(selfCareOverrides);
      // The bundles carry it, as the deployed ones do; handlers in this process read it here.
      if (options.inProcessFunctions) process.env.CARELOOP_SELF_CARE_OVERRIDES = selfCareOverrides;
    }
    // Built while DynamoDB Local's JVM starts: the two are most of a start's time.
    const bundling = options.inProcessFunctions
      ? undefined
      : localBundles(functions, options.projectRoot ?? LOCAL_PROJECT_ROOT, { selfCareOverrides });
    // Awaited below; a failure before then must not surface as an unhandled rejection.
    bundling?.catch(() => undefined);
    [dynamo, ses, s3] = await startTogether([
      options.dynamodb
        ? tableOnRunningDynamoDb(options.dynamodb)
        : startDynamoDbLocal({ port: options.dynamodbPort, host: options.host, persistPath: options.persistPath }),
      startSesLocal({ port: options.sesPort, host: options.host }),
      startS3Local({ port: options.s3Port, host: options.host, buckets: [options.exportBucket] }),
    ]);
    const dynamoClient = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const { streamArn } = await createCareLoopTable(dynamoClient, tableName);
    dynamoClient.destroy();

    // Schedules send to the due-jobs queue; its consumer is the due-jobs function, as on AWS.
    const dueJobsFunction = functions.find((descriptor) => triggerOf(descriptor, 'queue')?.queue === 'due-jobs')!;
    const dueJobs = createQueueRunner({
      arn: localDueJobsQueueArn(LOCAL_PREFIX),
      consume: async (event) => {
        const handler = handlers.get(dueJobsFunction.name);
        if (!handler) throw new Error('the local stack is still starting');
        return (await handler(
          event,
          lambdaContext(localFunctionName(LOCAL_PREFIX, dueJobsFunction)),
        )) as SQSBatchResponse;
      },
      visibilityTimeoutMs: 1000,
      onDeadLetter: (message, error) =>
        keepDeadLetter({
          source: 'aws.sqs',
          detailType: 'due job',
          detail: { queue: localDueJobsQueueArn(LOCAL_PREFIX), body: safeJson(message.body) },
          error,
          at: new Date().toISOString(),
        }),
    });
    const scheduler = createSchedulerEmulator({
      clock,
      groups: [LOCAL_PREFIX],
      invokeTarget: async (target) => {
        if (recurring?.targets(target.arn)) return recurring.fire(target.arn, target.input);
        if (target.arn !== dueJobs.arn) throw new Error(`no local queue or function has the ARN ${target.arn}`);
        dueJobs.send(target.input);
      },
      // A due job's emails are sent, and the events they owe published, before the clock answers.
      settle: async () => {
        await dueJobs.idle();
        await outbox?.idle();
      },
      onDeadLetter: (schedule, error) =>
        keepDeadLetter({
          source: 'aws.scheduler',
          detailType: 'Scheduled Event',
          detail: { schedule: schedule.name, target: schedule.target.arn, input: safeJson(schedule.target.input) },
          error: error instanceof Error ? error.message : String(error),
          at: new Date().toISOString(),
        }),
    });
    const schedulerPort = await scheduler.listen(options.schedulerPort, options.host);
    const schedulerEndpoint = schedulerPort;
    // With faults on, the handlers reach each service through its proxy; what is printed stays real.
    faultProxies = options.faults
      ? await startFaultProxies(
          options.faults,
          { dynamodb: dynamo.endpoint, ses: ses.endpoint, scheduler: schedulerEndpoint },
          options.host,
        )
      : undefined;

    const functionEndpoints = {
      dynamodb: faultProxies?.dynamodb.endpoint ?? dynamo.endpoint,
      ses: faultProxies?.ses.endpoint ?? ses.endpoint,
      scheduler: faultProxies?.scheduler.endpoint ?? schedulerEndpoint,
      s3: s3.endpoint,
      sideServices: events,
      unsubscribe: publicUrlOf(events),
    };
    let loaded: Map<string, LocalHandler>;
    if (bundling) {
      bundles = await bundling;
      lambdas = startLocalLambdas({
        functions: functions.map((descriptor) => ({
          name: descriptor.name,
          functionName: localFunctionName(LOCAL_PREFIX, descriptor),
          entryFile: bundles.get(descriptor.name)!.entryFile,
          environment: localFunctionEnvironment(descriptor, functionEndpoints, localFunctionSettings(options)),
        })),
        clock,
        // How much the functions say: a level set for this process becomes theirs, as the level of
        // a function's logging configuration (AWS_LAMBDA_LOG_LEVEL) does on AWS.
        logLevel: process.env.AWS_LAMBDA_LOG_LEVEL || process.env.POWERTOOLS_LOG_LEVEL || undefined,
        onLog: options.onLog,
      });
      loaded = lambdas.handlers;
    } else {
      loaded = await loadLocalFunctions(
        functionEndpoints,
        localFunctionSettings(options),
        clock,
        functions,
        options.projectRoot,
      );
    }
    for (const [name, handler] of loaded) handlers.set(name, timed(name, handler, options.onInvocation));

    // The function that reads the table's stream (the outbox), fed as its event source mapping would.
    const streamFunction = functions.find((descriptor) => triggerOf(descriptor, 'table-stream'));
    if (streamFunction) {
      const name = localFunctionName(LOCAL_PREFIX, streamFunction);
      outbox = startTableStreamReader({
        endpoint: dynamo.endpoint,
        streamArn,
        filters: OUTBOX_STREAM.filters,
        batchSize: OUTBOX_STREAM.batchSize,
        handler: async (event) =>
          (await handlers.get(streamFunction.name)!(event, lambdaContext(name))) as DynamoDBBatchResponse,
        onDeadLetter: ({ records, error }) =>
          keepDeadLetter({
            source: 'aws.dynamodb',
            detailType: 'table stream batch',
            detail: { function: name, sequenceNumbers: records.map((record) => record.dynamodb?.SequenceNumber) },
            error,
            at: new Date().toISOString(),
          }),
      });
    }

    const eventBus = createEventBridgeEmulator({
      busName: options.busName,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      clock,
      // One bus stands for both of AWS's: the CareLoop bus and the account's default bus, where SES
      // puts its bounces and deliveries (a developer can PutEvents an `aws.ses` event to see one handled).
      targets: functions
        .filter((descriptor) => rulePatternOf(descriptor))
        .map((descriptor) => ({
          name: descriptor.name,
          pattern: rulePatternOf(descriptor)!,
          invoke: (event) => {
            const name = localFunctionName(LOCAL_PREFIX, descriptor);
            return handlers.get(descriptor.name)!(event, lambdaContext(name, asyncRequestId(event.id, name)));
          },
        })),
      onDeadLetter: keepDeadLetter,
      onAccepted: (envelope, targets) => {
        acceptedEvents.push({
          source: envelope.source,
          detailType: envelope['detail-type'],
          detail: envelope.detail,
          at: envelope.time,
        });
        activity.accepted(envelope, targets);
      },
      onDelivered: activity.delivered,
      // Lambda retries after about one and two minutes; seconds here keep a laptop responsive
      // while still outlasting a send in flight (a duplicate waits for it, SES backoff included).
      retryDelaysMs: LAMBDA_RETRY_DELAYS_MS,
      onRefusedEntry: keepDeadLetter,
    });
    emulators = { events: eventBus, scheduler, dueJobs };
    recurring = createRecurringSchedules({
      functions,
      prefix: LOCAL_PREFIX,
      groupName: LOCAL_PREFIX,
      schedulerEndpoint,
      clock,
      invoke: (descriptor, event) =>
        handlers.get(descriptor.name)!(event, lambdaContext(localFunctionName(LOCAL_PREFIX, descriptor))),
    });
    await recurring.start();
    scheduler.startTimer(1000);

    stack = {
      endpoints: {
        events,
        dynamodb: dynamo.endpoint,
        ses: ses.endpoint,
        scheduler: schedulerEndpoint,
        s3: s3.endpoint,
      },
      exportBucket: options.exportBucket,
      ...(dynamo.process?.pid !== undefined && { dynamodbProcessId: dynamo.process.pid }),
      tableName,
      frontEndEnvironment: {
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_EVENTBRIDGE: events,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        CARELOOP_EVENT_BUS: options.busName,
        CARELOOP_TABLE: tableName,
        CARELOOP_EXPORT_BUCKET: options.exportBucket,
      },
      clock,
      deadLetters,
      acceptedEvents,
      startupMs: Date.now() - started,
      faultProxies,
      lambda: {
        invoke: (name, event) => {
          const handler = handlers.get(name);
          if (!handler) return Promise.reject(new Error(`no local function is named ${name}`));
          return handler(event, lambdaContext(localFunctionName(LOCAL_PREFIX, name)));
        },
        bundles,
        describe: (name) =>
          lambdas ? lambdas.describe(name) : Promise.reject(new Error('the functions run in this process')),
      },
      idle: async () => {
        await eventBus.idle();
        await dueJobs.idle();
        await outbox?.idle();
        await eventBus.idle();
      },
      holdOutbox: () => outbox?.hold() ?? Promise.resolve(() => undefined),
      stop: stopAll,
    };
    ready = !stopping;
    return stack;
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** DynamoDB Local as the stack uses it: its own JVM (with its process), or one already running. */
type RunningDynamoDb = Pick<DynamoDbLocal, 'endpoint' | 'stop'> & { process?: DynamoDbLocal['process'] };

/** A DynamoDB Local someone else runs: the stack's table there is gone when the stack stops. */
async function tableOnRunningDynamoDb(shared: { endpoint: string; tableName: string }): Promise<RunningDynamoDb> {
  return {
    endpoint: shared.endpoint,
    async stop() {
      const client = new DynamoDBClient({
        endpoint: shared.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      });
      try {
        await client.send(new DeleteTableCommand({ TableName: shared.tableName }));
      } catch (error) {
        // Never made (the start failed before), or already gone.
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      } finally {
        client.destroy();
      }
    },
  };
}

/**
 * Emulators started side by side (DynamoDB Local's JVM is the long one). When one fails (its port
 * taken), the others are waited for and stopped before the error is thrown: nothing is left running.
 */
async function startTogether<T extends readonly Promise<{ stop(): Promise<void> }>[] | []>(
  starts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled<Promise<{ stop(): Promise<void> }>>(starts);
  const failure = settled.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  const started = settled.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  if (!failure) return started as { -readonly [K in keyof T]: Awaited<T[K]> };
  await Promise.all(started.map((emulator) => emulator.stop()));
  throw failure.reason;
}

/**
 * The key suppressed addresses are keyed with: random for a stack in memory, and for one whose
 * data persists, the one written beside that data the first time.
 */
function localAddressKey(persistPath: string | undefined): string {
  if (!persistPath) return randomBytes(32).toString('base64');
  const file = join(dirname(persistPath), 'address-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

function timed<E, C, R>(
  name: string,
  handler: (event: E, context: C) => Promise<R>,
  onInvocation: LocalStackOptions['onInvocation'],
) {
  if (!onInvocation) return handler;
  return async (event: E, context: C) => {
    const started = performance.now();
    try {
      return await handler(event, context);
    } finally {
      onInvocation(name, performance.now() - started);
    }
  };
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The event a Lambda function URL hands its function (payload format 2.0). */
function functionUrlEvent(req: IncomingMessage, url: URL, body: string) {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]),
  );
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
  };
}
