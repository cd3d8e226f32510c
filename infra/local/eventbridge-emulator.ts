/**
 * A small EventBridge emulator for the local stack (no AWS, no Docker, no network): one
 * custom bus, `PutEvents` over awsJson1_1 exactly as the unchanged
 * `@aws-sdk/client-eventbridge` calls it (`POST /`, `X-Amz-Target: AWSEvents.PutEvents`,
 * through `endpoint` or `AWS_ENDPOINT_URL_EVENTBRIDGE`), and rules as `{ name, pattern,
 * invoke }` targets matched with the same event patterns the CDK stack deploys.
 *
 * PutEvents answers as AWS documents it (API reference "PutEvents", user guide "Sending
 * events with PutEvents" and "Calculating PutEvents event entry size"):
 * - `Entries` is required and holds 1 to 10 entries, else a 400 ValidationException worded
 *   as AWS's request validation words it.
 * - The entries' total size (Time 14 bytes when given; Source, DetailType, Detail and each
 *   Resources string by their UTF-8 bytes) must not exceed 256 KB, else a 400
 *   ValidationException "Total size of the entries in the request is over the limit.".
 * - Each entry is then judged on its own, in input order: a missing or empty Source,
 *   DetailType or Detail is `InvalidArgument` ("Parameter Source is not valid. Reason: Source
 *   is a required argument."), a Detail that is not a JSON object is `MalformedDetail`
 *   ("Detail is malformed."); `FailedEntryCount` counts them and the other entries are
 *   accepted with a fresh UUID `EventId`.
 * - `Time` is optional (epoch seconds as the SDK sends it, or an ISO string); the event time
 *   is otherwise `clock.now()`. The envelope time is ISO-8601 to the second, as AWS's.
 *
 * One deliberate divergence: AWS accepts events for a bus that does not exist (answering
 * success and dropping them, see aws/aws-cli#9186, localstack#8264); locally that hides a
 * misconfigured endpoint or bus name, so the whole call is refused with a 400
 * ResourceNotFoundException "Event bus X does not exist." (the wording AWS uses for an
 * unknown bus elsewhere). `EventBusName` may be the bus name or its ARN
 * `arn:aws:events:<region>:<account>:event-bus/<name>`; no `EventBusName` means `default`,
 * which does not exist locally.
 *
 * Delivery is asynchronous, after the answer: every target whose pattern matches the
 * envelope `{ version: '0', id, 'detail-type', source, account, time, region, resources,
 * detail }` (what a Lambda function receives from EventBridge) is invoked on its own. A
 * target that throws is tried again after each of `retryDelaysMs` (two more attempts by
 * default, as Lambda retries an asynchronous invocation), then its event goes to
 * `onDeadLetter`. At most `concurrency` invocations run at once; a retry waiting for its
 * delay does not hold a slot. `idle()` resolves when nothing is queued, waiting or running.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';

import { matchesEventPattern, validateEventPattern, type EventPattern } from './event-pattern';

// ---------------------------------------------------------------------------------------
// Public types

/** The event a target receives: the shape of `EventBridgeEvent` from @types/aws-lambda. */
export interface EventBridgeEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface EventBridgeTarget {
  /** Names the target in errors (the function's route name). */
  name: string;
  pattern: EventPattern;
  invoke: (event: EventBridgeEnvelope) => Promise<unknown>;
}

export interface DeadLetter {
  source: unknown;
  detailType: unknown;
  detail: unknown;
  error: string;
  /** Real time (not the stack's clock) at which the last attempt failed. */
  at: string;
}

/** One target's delivery of one event, ended: `result` when the target answered, `error` when it never did. */
export type DeliveryEnd = {
  target: string;
  envelope: EventBridgeEnvelope;
  /** Attempts made, the last included. */
  attempts: number;
} & ({ result: unknown } | { error: string });

export interface EventBridgeEmulatorOptions {
  busName: string;
  region: string;
  accountId: string;
  clock: { now(): Date };
  targets: EventBridgeTarget[];
  onDeadLetter: (entry: DeadLetter) => void;
  /**
   * An entry refused at PutEvents (missing field, malformed detail): the caller sees the
   * per-entry error, as on AWS; an operator watching the dead letters sees it too.
   */
  onRefusedEntry?: (entry: DeadLetter) => void;
  /**
   * Every event the bus accepted, in the order accepted, whether or not a rule matches it, with
   * the names of the targets it will be delivered to (none when no rule matches).
   */
  onAccepted?: (envelope: EventBridgeEnvelope, targets: string[]) => void;
  /**
   * How each delivery ended: the target's answer, or the last error once the retries are spent
   * (the event then goes to `onDeadLetter` too). The local console shows it per event.
   */
  onDelivered?: (delivery: DeliveryEnd) => void;
  /** Delay before each retry of a failed invocation; default [100, 200] (two more attempts). */
  retryDelaysMs?: number[];
  /** Maximum invocations running at once; default 8. */
  concurrency?: number;
}

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export interface EventBridgeEmulatorStats {
  /** Entries accepted by PutEvents. */
  published: number;
  /** Target invocations that succeeded (one per matching target and event). */
  delivered: number;
  /** Target deliveries that failed every attempt and went to the dead letters. */
  failed: number;
  /** Invocations running now. */
  inFlight: number;
}

export interface EventBridgeEmulator {
  /** ARN of the emulated bus. */
  readonly busArn: string;
  /** Answers one awsJson1_1 request (`body` already read) whose X-Amz-Target is AWSEvents.*. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void>;
  /** PutEvents without HTTP; rejects with an `EventBridgeApiError` where AWS answers an error. */
  putEvents(request: { Entries?: unknown } | { Entries: unknown[] }): Promise<PutEventsResponse>;
  /** Resolves once no delivery is queued, waiting for a retry, or running. */
  idle(): Promise<void>;
  stats(): EventBridgeEmulatorStats;
}

/** An error AWS answers for the whole call; `name` is its error code (as the SDK names it). */
export class EventBridgeApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

// ---------------------------------------------------------------------------------------
// Limits and wording

const MAX_ENTRIES = 10;
/** 256 KB, the PutEvents request limit. */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;
const TIME_ENTRY_BYTES = 14;

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';

const requiredArgument = (field: 'Source' | 'DetailType' | 'Detail'): PutEventsResultEntry => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
});

const MALFORMED_DETAIL: PutEventsResultEntry = { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };

const validationError = (value: string, constraint: string) =>
  new EventBridgeApiError(
    'ValidationException',
    `1 validation error detected: Value ${value} at 'entries' failed to satisfy constraint: ${constraint}`,
  );

const serializationError = (message: string) => new EventBridgeApiError('SerializationException', message);

// ---------------------------------------------------------------------------------------
// Request parsing

interface ParsedEntry {
  source?: string;
  detailType?: string;
  detail?: string;
  eventBusName?: string;
  resources: string[];
  time?: Date;
  timeGiven: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(entry: Record<string, unknown>, field: string, index: number): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw serializationError(`Entries[${index}].${field} must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseTime(value: unknown, index: number): Date | undefined {
  if (value === undefined || value === null) return undefined;
  let date: Date | undefined;
  if (value instanceof Date) date = new Date(value.getTime());
  // awsJson1_1 timestamps travel as epoch seconds (fractions allowed).
  else if (typeof value === 'number') date = new Date(value * 1000);
  else if (typeof value === 'string') date = new Date(/^-?\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : value);
  if (!date || Number.isNaN(date.getTime())) {
    throw serializationError(`Entries[${index}].Time is not a valid timestamp: ${JSON.stringify(value)}`);
  }
  return date;
}

function parseEntry(raw: unknown, index: number): ParsedEntry {
  if (!isPlainObject(raw)) throw serializationError(`Entries[${index}] must be an object`);
  const resources = raw.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((resource) => typeof resource === 'string')) {
    throw serializationError(`Entries[${index}].Resources must be a list of strings`);
  }
  const time = parseTime(raw.Time, index);
  return {
    source: optionalString(raw, 'Source', index),
    detailType: optionalString(raw, 'DetailType', index),
    detail: optionalString(raw, 'Detail', index),
    eventBusName: optionalString(raw, 'EventBusName', index),
    resources: resources as string[],
    time,
    timeGiven: time !== undefined,
  };
}

/** Entry size as AWS documents it ("Calculating PutEvents event entry size"). */
export function putEventsEntrySize(entry: {
  Time?: unknown;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: readonly string[];
}): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  let size = entry.Time === undefined || entry.Time === null ? 0 : TIME_ENTRY_BYTES;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

function describeEntry(raw: unknown): string {
  if (!isPlainObject(raw)) return String(raw);
  const field = (name: string) => (typeof raw[name] === 'string' ? raw[name] : 'null');
  return `PutEventsRequestEntry(source=${field('Source')}, detailType=${field('DetailType')}, eventBusName=${field('EventBusName')})`;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------
// The emulator

interface Delivery {
  target: EventBridgeTarget;
  envelope: EventBridgeEnvelope;
  /** Attempts already made. */
  attempts: number;
}

export function createEventBridgeEmulator(options: EventBridgeEmulatorOptions): EventBridgeEmulator {
  const { busName, region, accountId, clock, targets, onDeadLetter } = options;
  const retryDelaysMs = options.retryDelaysMs ?? [100, 200];
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  if (!retryDelaysMs.every((delay) => Number.isFinite(delay) && delay >= 0)) {
    throw new RangeError(`retryDelaysMs must hold finite delays >= 0, got ${JSON.stringify(retryDelaysMs)}`);
  }
  const problems = targets.flatMap((target) =>
    validateEventPattern(target.pattern).map((problem) => `target ${target.name}: ${problem}`),
  );
  if (problems.length > 0) throw new Error(`Invalid event patterns for bus ${busName}:\n${problems.join('\n')}`);

  const busArn = `arn:aws:events:${region}:${accountId}:event-bus/${busName}`;
  const counters = { published: 0, delivered: 0, failed: 0 };
  const queue: Delivery[] = [];
  let running = 0;
  let waitingForRetry = 0;
  let pumpScheduled = false;
  let idleWaiters: Array<() => void> = [];

  const isIdle = () => queue.length === 0 && running === 0 && waitingForRetry === 0 && !pumpScheduled;

  function settleIdle(): void {
    if (!isIdle() || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function pump(): void {
    while (running < concurrency && queue.length > 0) {
      const delivery = queue.shift() as Delivery;
      running++;
      void run(delivery);
    }
    settleIdle();
  }

  /** Starts deliveries on a later turn, so an HTTP answer goes out before any target runs. */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /** An observer that throws must not turn a delivery that succeeded into a retry. */
  function tell(end: DeliveryEnd): void {
    try {
      options.onDelivered?.(end);
    } catch {
      // Ignored: see above.
    }
  }

  async function run(delivery: Delivery): Promise<void> {
    const attempts = delivery.attempts + 1;
    try {
      const result = await delivery.target.invoke(delivery.envelope);
      counters.delivered++;
      tell({ target: delivery.target.name, envelope: delivery.envelope, attempts, result });
    } catch (error) {
      const delay = retryDelaysMs[attempts - 1];
      if (delay !== undefined) {
        waitingForRetry++;
        setTimeout(() => {
          waitingForRetry--;
          queue.push({ ...delivery, attempts });
          pump();
        }, delay);
      } else {
        counters.failed++;
        const { envelope } = delivery;
        const message = error instanceof Error ? error.message : String(error);
        tell({ target: delivery.target.name, envelope, attempts, error: message });
        try {
          onDeadLetter({
            source: envelope.source,
            detailType: envelope['detail-type'],
            detail: envelope.detail,
            error: message,
            at: new Date().toISOString(),
          });
        } catch {
          // A failing dead-letter sink must not stop the bus.
        }
      }
    } finally {
      running--;
      pump();
    }
  }

  /**
   * The bus answers to its name, and to its ARN in the stack's region or in the region the
   * request was signed for: the emulator serves any region, so a client configured for
   * us-east-1 that names the bus by ARN names it in us-east-1.
   */
  function unknownBus(entry: ParsedEntry, signedRegion: string | undefined): string | undefined {
    const given = entry.eventBusName ?? 'default';
    if (given === busName || given === busArn) return undefined;
    if (signedRegion && given === `arn:aws:events:${signedRegion}:${accountId}:event-bus/${busName}`) return undefined;
    return given;
  }

  async function putEvents(
    request: { Entries?: unknown },
    { signedRegion }: { signedRegion?: string } = {},
  ): Promise<PutEventsResponse> {
    if (!isPlainObject(request)) throw serializationError('The request body must be a JSON object');
    const rawEntries = request.Entries;
    if (rawEntries === undefined || rawEntries === null) {
      throw validationError('null', 'Member must not be null');
    }
    if (!Array.isArray(rawEntries)) throw serializationError('Entries must be a list');
    if (rawEntries.length < 1) {
      throw validationError("'[]'", 'Member must have length greater than or equal to 1');
    }
    if (rawEntries.length > MAX_ENTRIES) {
      throw validationError(
        `'[${rawEntries.map(describeEntry).join(', ')}]'`,
        `Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    const entries = rawEntries.map(parseEntry);
    const totalSize = entries.reduce(
      (sum, entry) =>
        sum +
        putEventsEntrySize({
          Time: entry.timeGiven ? entry.time : undefined,
          Source: entry.source,
          DetailType: entry.detailType,
          Detail: entry.detail,
          Resources: entry.resources,
        }),
      0,
    );
    if (totalSize > MAX_REQUEST_ENTRY_BYTES) {
      throw new EventBridgeApiError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    for (const entry of entries) {
      const unknown = unknownBus(entry, signedRegion);
      if (unknown !== undefined) {
        throw new EventBridgeApiError('ResourceNotFoundException', `Event bus ${unknown} does not exist.`);
      }
    }

    const results: PutEventsResultEntry[] = [];
    const accepted: EventBridgeEnvelope[] = [];
    const refuse = (entry: (typeof entries)[number], result: PutEventsResultEntry, field: string) => {
      results.push(result);
      let detail: unknown = entry.detail;
      try {
        detail = entry.detail === undefined ? undefined : JSON.parse(entry.detail);
      } catch {
        // Kept as the raw text it was published as.
      }
      options.onRefusedEntry?.({
        source: entry.source,
        detailType: entry.detailType,
        detail,
        error: `${field}: ${result.ErrorMessage ?? result.ErrorCode}`,
        at: new Date().toISOString(),
      });
    };
    for (const entry of entries) {
      if (!entry.source) refuse(entry, requiredArgument('Source'), 'source');
      else if (!entry.detailType) refuse(entry, requiredArgument('DetailType'), 'detail-type');
      else if (!entry.detail) refuse(entry, requiredArgument('Detail'), 'detail');
      else {
        let detail: unknown;
        try {
          detail = JSON.parse(entry.detail);
        } catch {
          detail = undefined;
        }
        if (!isPlainObject(detail)) {
          refuse(entry, { ...MALFORMED_DETAIL }, 'detail');
          continue;
        }
        const id = randomUUID();
        accepted.push({
          version: '0',
          id,
          'detail-type': entry.detailType,
          source: entry.source,
          account: accountId,
          time: isoSeconds(entry.time ?? clock.now()),
          region,
          resources: [...entry.resources],
          detail,
        });
        results.push({ EventId: id });
      }
    }

    counters.published += accepted.length;
    for (const envelope of accepted) {
      const matched = targets.filter((target) => matchesEventPattern(target.pattern, envelope));
      options.onAccepted?.(
        envelope,
        matched.map((target) => target.name),
      );
      for (const target of matched) queue.push({ target, envelope, attempts: 0 });
    }
    if (queue.length > 0) schedulePump();
    return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
  }

  function send(res: http.ServerResponse, status: number, payload: unknown, errorType?: string): void {
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-RequestId': randomUUID(),
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    res.end(body);
  }

  /** The region of a SigV4 signature's credential scope (`Credential=<key>/<date>/<region>/events/aws4_request`). */
  function signedRegionOf(req: http.IncomingMessage): string | undefined {
    const authorization = req.headers.authorization;
    const scope = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]{1,32})\/events\/aws4_request/.exec(authorization ?? '');
    return scope?.[1];
  }

  function sendError(res: http.ServerResponse, error: EventBridgeApiError): void {
    send(res, error.statusCode, { __type: error.code, message: error.message }, error.code);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const header = req.headers['x-amz-target'];
    const target = Array.isArray(header) ? header[0] : header;
    if (req.method !== 'POST' || target !== `${TARGET_PREFIX}PutEvents`) {
      const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : (target ?? 'none');
      sendError(
        res,
        new EventBridgeApiError(
          'UnknownOperationException',
          `The local EventBridge emulator answers only POST PutEvents (X-Amz-Target: AWSEvents.PutEvents), not ${operation}.`,
        ),
      );
      return;
    }
    let request: unknown;
    try {
      request = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      sendError(res, serializationError('The request body is not valid JSON.'));
      return;
    }
    try {
      send(res, 200, await putEvents(request as { Entries?: unknown }, { signedRegion: signedRegionOf(req) }));
    } catch (error) {
      if (error instanceof EventBridgeApiError) sendError(res, error);
      else {
        sendError(
          res,
          new EventBridgeApiError('InternalException', error instanceof Error ? error.message : String(error), 500),
        );
      }
    }
  }

  return {
    busArn,
    handle,
    putEvents,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    stats: () => ({ ...counters, inFlight: running }),
  };
}
