import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { eventCatalog, type DetailType, type EventDetailInput } from '../../events/catalog';
import { careLoopFunctions } from '../../functions/catalog';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { DEFAULT_TIMING, hoursToMinutes } from '../../shared/defaults';
import { DEFAULT_RETENTION_DAYS, type Retention } from '../../shared/retention';
import { FUNCTION_RUNTIME_ENVIRONMENT } from '../bundling';
import { functionEnvironment, handlerEntry, type DeploymentValues } from '../function-plan';
import { ENV } from '../../shared/config';
import type { Clock } from '../../shared/domain/ports';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';

/**
 * What the local stack gives its functions (the configuration the CDK stack would give them:
 * only endpoints and names differ, never code paths), and the in-process loader.
 *
 * Two ways to run the functions, for two kinds of caller. The local stack runs each function
 * from its deployed bundle in execution environments of its own (./lambda-workers.ts), each with
 * only its own variables, as Lambda does. The integration tests import the handlers' source into
 * their own process (loadLocalFunctions): they observe what the handlers do from inside it,
 * which invocation made a call (AsyncLocalStorage) and which SDK calls it made
 * (aws-sdk-client-mock), and neither reaches into a worker running a bundle.
 */

export const LOCAL_ACCOUNT = '000000000000';

/** The repository root, where handler entries (functions/<name>/handler.ts) are found by default. */
export const LOCAL_PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

export const localFunctionName = (prefix: string, descriptor: FunctionDescriptor | string) =>
  `${prefix}-${typeof descriptor === 'string' ? descriptor : descriptor.name}`;

/** The due-jobs queue the local schedules send to (infra/local/queue-runner.ts plays SQS). */
export const localDueJobsQueueArn = (prefix: string) =>
  `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${prefix}-due-jobs`;

/**
 * A context with what Lambda gives a handler; no deadline here, where an in-process call has
 * none (an execution environment adds its own, ./lambda-bootstrap.mjs, and its log stream). A
 * retry of an asynchronous invocation passes the request id of its first attempt, as Lambda does.
 */
export function lambdaContext(functionName: string, awsRequestId: string = randomUUID()): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${randomUUID()}`,
    callbackWaitsForEmptyEventLoop: false,
  } as Context;
}

/** An event as EventBridge delivers it to a rule's Lambda target (tests and the benchmark invoke handlers with it). */
export function eventBridgeEnvelope<T extends DetailType>(
  detailType: T,
  detail: EventDetailInput<T> | unknown,
): EventBridgeEvent<T, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: eventCatalog[detailType].source,
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources: [],
    detail,
  };
}

/**
 * The request id of an event's asynchronous invocation of one function: the same on each of
 * Lambda's retries of it (here: each delivery attempt of one accepted event to one target).
 */
export function asyncRequestId(eventId: string, functionName: string): string {
  const hex = createHash('sha256').update(`${eventId}\u0000${functionName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface LocalEndpoints {
  dynamodb: string;
  ses: string;
  scheduler: string;
  /** The S3 endpoint (path-style only) holding the export bucket. */
  s3: string;
  /** Where SQS (the rejected-events queue) and Secrets Manager are answered: see side-services.ts. */
  sideServices: string;
  /** Base of one-click unsubscribe links. */
  unsubscribe: string;
}

export interface LocalFunctionSettings {
  /** Resource name prefix, e.g. `careloop-local`. */
  prefix: string;
  tableName: string;
  scheduleGroupName: string;
  senderAddress: string;
  reminderOffsetsMinutes?: number[];
  checkInDelayMinutes?: number;
  /** `21:00-08:00` by default; `off` to deliver at any hour. */
  quietHours?: string;
  /** Days sessions, answers and the email log are kept, or `off`: a deployment's default unless given. */
  retention?: Retention;
  /** The local bus: where the functions publish CareLoop's own events. */
  eventBusName: string;
  /** The bucket the S3 endpoint holds patient data exports in (created when it starts). */
  exportBucketName: string;
}

/** The secret that signs unsubscribe links on the local stack (Secrets Manager holds it on AWS). */
export const LOCAL_UNSUBSCRIBE_SECRET_ID = 'careloop-local/unsubscribe-signing-key';
/** The secret that keys suppressed addresses on the local stack. */
export const LOCAL_ADDRESS_KEY_SECRET_ID = 'careloop-local/address-key';

/** The local stack's values for what the CDK stack gives its functions (infra/function-plan.ts). */
export function localDeploymentValues(endpoints: LocalEndpoints, settings: LocalFunctionSettings): DeploymentValues {
  return {
    tableName: settings.tableName,
    senderAddress: settings.senderAddress,
    scheduleGroupName: settings.scheduleGroupName,
    schedulerRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${settings.prefix}-scheduler`,
    schedulerDeadLetterArn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${settings.prefix}-scheduler-dlq`,
    dueJobsQueueArn: localDueJobsQueueArn(settings.prefix),
    reminderOffsetsMinutes: (
      settings.reminderOffsetsMinutes ?? DEFAULT_TIMING.reminderOffsetsHours.map(hoursToMinutes)
    ).join(','),
    checkInDelayMinutes: String(settings.checkInDelayMinutes ?? hoursToMinutes(DEFAULT_TIMING.checkInDelayHours)),
    quietHours: settings.quietHours ?? DEFAULT_TIMING.quietHours,
    retentionDays: String(settings.retention ?? DEFAULT_RETENTION_DAYS),
    rejectedEventsQueueUrl: `${endpoints.sideServices}/${LOCAL_ACCOUNT}/${settings.prefix}-rejected-events`,
    unsubscribeBaseUrl: endpoints.unsubscribe,
    unsubscribeSecretId: LOCAL_UNSUBSCRIBE_SECRET_ID,
    addressKeySecretId: LOCAL_ADDRESS_KEY_SECRET_ID,
    eventBusName: settings.eventBusName,
    exportBucketName: settings.exportBucketName,
    // No KMS here: the S3 endpoint encrypts nothing, and answers the key a put named, as S3 does.
    exportKeyArn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${settings.prefix}-key`,
    runtime: {
      ...FUNCTION_RUNTIME_ENVIRONMENT,
      // CloudWatch reads metrics from log lines on AWS; on a laptop they would only bury the logs.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    },
  };
}

/** What every local function is given besides its own settings: the emulators' endpoints, local credentials. */
function localAwsEnvironment(endpoints: LocalEndpoints): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SCHEDULER: endpoints.scheduler,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    // The SDK reads no variable for path-style; the local endpoint answers no other (shared/config.ts).
    [ENV.s3ForcePathStyle]: 'true',
    AWS_ENDPOINT_URL_SQS: endpoints.sideServices,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.sideServices,
    // The EventBridge emulator answers on the same port as the side services.
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.sideServices,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The environment of one local function: what the CDK stack gives it, with local values. */
export function localFunctionEnvironment(
  descriptor: FunctionDescriptor,
  endpoints: LocalEndpoints,
  settings: LocalFunctionSettings,
): Record<string, string> {
  return {
    ...localAwsEnvironment(endpoints),
    ...functionEnvironment(descriptor, localDeploymentValues(endpoints, settings)),
  };
}

/**
 * The environment of every local function at once: what a process that runs them all (the
 * integration tests, the operator tools acting as the functions) sets.
 */
export function handlerEnvironment(
  endpoints: LocalEndpoints,
  settings: LocalFunctionSettings,
  functions: readonly FunctionDescriptor[] = careLoopFunctions,
): Record<string, string> {
  return Object.assign(
    {},
    ...functions.map((descriptor) => localFunctionEnvironment(descriptor, endpoints, settings)),
  ) as Record<string, string>;
}

/**
 * Sets the handlers' environment on this process, points their clock at the local one,
 * and imports every function of the catalog (or those given) from its source: every function in
 * one environment, sharing one logger. For callers that must see inside the handlers (the
 * integration tests); the local stack runs the bundles instead. Call once per process.
 */
export async function loadLocalFunctions(
  endpoints: LocalEndpoints,
  settings: LocalFunctionSettings,
  clock: Clock,
  functions: readonly FunctionDescriptor[] = careLoopFunctions,
  projectRoot: string = LOCAL_PROJECT_ROOT,
): Promise<Map<string, LocalHandler>> {
  Object.assign(process.env, handlerEnvironment(endpoints, settings, functions));
  const { useClock } = await import('../../shared/runtime/runtime');
  useClock(clock);
  const handlers = new Map<string, LocalHandler>();
  for (const descriptor of functions) {
    const entry = pathToFileURL(path.join(projectRoot, handlerEntry(descriptor))).href;
    const module = (await import(entry)) as { handler: LocalHandler };
    handlers.set(descriptor.name, module.handler);
  }
  return handlers;
}
