import { Logger } from '../adapters/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../adapters/clock';
import { createDynamoStore } from '../adapters/dynamo-store';
import { createMetricsRecorder } from '../adapters/metrics';
import type { RejectedEventSink } from '../adapters/rejected-events';
import { loadRuntimeConfig, requireSetting, type RuntimeConfig } from '../config';
import type { Clock, DomainLog, Needs, OptionalPort } from '../domain/ports';
import type { Wiring } from './wiring';

/**
 * The composition root: the one place where configuration becomes clients and adapters.
 * Built on the first invocation of a cold start and reused after; endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_* variables, so the same code serves AWS and the local stack.
 * Every function has the store, clock, settings, log and metrics; the optional ports come
 * from the function's own wiring (./wiring.ts), so its bundle holds no adapter it never calls.
 */
export interface Runtime<P extends OptionalPort = never> {
  dependencies: Needs<P>;
  rejected: RejectedEventSink;
  logger: Logger;
}

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'careloop' });

/**
 * Counts for CloudWatch (namespace CareLoop), written once per invocation by the handler
 * factories in handlers.ts. A handler built without them must call `metrics.flush()` itself.
 */
export const metrics = createMetricsRecorder({
  onError: (error) => logger.warn('metrics not published', { error: (error as Error).message }),
});

/**
 * Domain lines a runbook sends an operator to (docs/OPERATIONS.md, "Stuck email claims"): at
 * WARN, so they stay in the logs at INFO and the query for warnings and errors finds them.
 */
export const RUNBOOK_LINES: ReadonlySet<string> = new Set(['email claim stuck: not sending again']);

/**
 * The domain's facts (an email sent with its SES message id, an answer recorded) are detail of
 * the invocation whose one INFO line, written by the handler, carries its outcome and ids: at
 * INFO, CloudWatch would bill them on every invocation, and no operator reads them there.
 */
export const domainLog: DomainLog = (message, fields) =>
  RUNBOOK_LINES.has(message) ? logger.warn(message, fields) : logger.debug(message, fields);

/** One runtime per wiring: on Lambda that is one per process; the integration tests run every function in one. */
const runtimes = new Map<object, Runtime<OptionalPort>>();
let clockOverride: Clock | undefined;

/**
 * Bad input is rare, so the SQS client that reports it is loaded only when an event is
 * refused: the bundle keeps it in a chunk of its own (infra/bundling.ts).
 */
function lazyRejectedEventSink(config: RuntimeConfig): RejectedEventSink {
  let sink: Promise<RejectedEventSink> | undefined;
  return {
    async reject(event) {
      sink ??= import('../adapters/rejected-events').then(({ createRejectedEventSink }) =>
        createRejectedEventSink(requireSetting(config, 'rejectedEventsQueueUrl', 'the rejected-events queue')),
      );
      await (await sink).reject(event);
    },
  };
}

/**
 * The key suppressed addresses are keyed with, from Secrets Manager: only functions that email
 * (or record bounces) ever ask for it, so its client is a chunk loaded then (infra/bundling.ts).
 */
function addressKeyFrom(config: RuntimeConfig): () => Promise<string> {
  let load: (() => Promise<string>) | undefined;
  return async () => {
    const secretId = requireSetting(config, 'addressKeySecretId', 'the suppressed-address check');
    load ??= (await import('../adapters/secret-value')).secretValueLoader(secretId);
    return load();
  };
}

function build<P extends OptionalPort>(wiring: Wiring<P>): Runtime<P> {
  const config = loadRuntimeConfig();
  const optional = Object.fromEntries(
    Object.entries(wiring).map(([port, create]) => [port, (create as (config: RuntimeConfig) => unknown)(config)]),
  ) as Pick<Needs<P>, P>;
  const dependencies = {
    store: createDynamoStore(new DynamoDBClient({}), config.tableName, {
      retention: config.retention,
      addressKey: addressKeyFrom(config),
    }),
    clock: clockOverride ?? systemClock,
    settings: {
      senderAddress: config.senderAddress,
      reminderOffsetsMinutes: config.reminderOffsetsMinutes,
      checkInDelayMinutes: config.checkInDelayMinutes,
      quietHours: config.quietHours,
    },
    log: domainLog,
    metrics,
    ...optional,
  } as Needs<P>;
  return { dependencies, rejected: lazyRejectedEventSink(config), logger };
}

/** The wiring of a function that uses no optional port. */
export const NO_OPTIONAL_PORTS: Wiring<never> = {};

export function runtime<P extends OptionalPort = never>(wiring: Wiring<P>): Runtime<P> {
  let current = runtimes.get(wiring) as Runtime<P> | undefined;
  if (!current) {
    current = build(wiring);
    runtimes.set(wiring, current as unknown as Runtime<OptionalPort>);
  }
  return current;
}

/**
 * Replaces the clock for every handler in this process: the integration tests' clock can be
 * moved forward to fire reminders. Handlers still read time only through the Clock port. The
 * local stack needs none of it: the runtime of each of its workers makes the stack's time the
 * time (infra/local/lambda-bootstrap.mjs).
 */
export function useClock(clock: Clock) {
  clockOverride = clock;
  for (const current of runtimes.values()) current.dependencies.clock = clock;
}
