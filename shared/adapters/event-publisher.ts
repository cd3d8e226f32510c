import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventCatalog, isDetailType, type DetailType, type EventDetailInput } from '../../events/catalog';
import { InvalidEventError, parseDetail } from '../../events/validation';

/**
 * The typed publisher front ends use to send contract events. Every event is validated with
 * its catalog schema first (an invalid event is never sent), valid ones go out in PutEvents
 * batches (≤ 10 entries, ≤ 256 KB), entries that failed transiently are retried with
 * exponential backoff and jitter, and the caller gets one result per event, in input order.
 *
 * Retrying is safe: an event keeps its `eventId`, and the backend acts once per `eventId`.
 */

/** An event to publish: `detail` is checked against `detailType` at compile time. */
export type PublishEvent<T extends DetailType = DetailType> = {
  [K in T]: { detailType: K; detail: EventDetailInput<K> };
}[T];

export type PublishResult =
  | { eventId: string | undefined; detailType: string; status: 'published'; eventBridgeId: string }
  | { eventId: string | undefined; detailType: string; status: 'invalid'; problems: string[] }
  | { eventId: string | undefined; detailType: string; status: 'failed'; errorCode: string; errorMessage: string };

export interface PublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Attempts per event, the first included. Default 4. */
  maxAttempts?: number;
  /** Backoff before retry n is between half and all of `min(maxDelayMs, baseDelayMs * 2^(n-1))`. Default 100. */
  baseDelayMs?: number;
  /** Default 5000. */
  maxDelayMs?: number;
  /** Injected in tests so that backoff never waits. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
}

export interface Publisher {
  publish(events: readonly PublishEvent[]): Promise<PublishResult[]>;
}

/** PutEvents accepts at most 10 entries per call. */
export const MAX_ENTRIES_PER_REQUEST = 10;
/** PutEvents accepts at most 256 KB of entries per call (and so per entry). */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Entry errors worth another attempt; anything else (MalformedDetail, access, …) is final. */
const RETRYABLE_ENTRY_ERRORS = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);
/** Errors of a whole PutEvents call that mean "slow down" or "try again". */
const RETRYABLE_CALL_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Size of an entry as EventBridge counts it: the UTF-8 bytes of Source, DetailType and Detail
 * (plus Resources and 14 bytes for Time, which this publisher does not set).
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (value: string | undefined) => (value === undefined ? 0 : Buffer.byteLength(value, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

interface Pending {
  index: number;
  entry: PutEventsRequestEntry;
  size: number;
}

type Failure = { errorCode: string; errorMessage: string };

/** Splits entries, in order, into requests of at most 10 entries and 256 KB. */
function toBatches(pending: readonly Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let batch: Pending[] = [];
  let batchBytes = 0;
  for (const item of pending) {
    if (batch.length === MAX_ENTRIES_PER_REQUEST || batchBytes + item.size > MAX_REQUEST_BYTES) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(item);
    batchBytes += item.size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function describeCallError(error: unknown): Failure & { retryable: boolean } {
  const candidate = error as { name?: unknown; message?: unknown; $retryable?: unknown; $metadata?: unknown };
  const errorCode = typeof candidate?.name === 'string' ? candidate.name : 'UnknownError';
  const errorMessage = typeof candidate?.message === 'string' ? candidate.message : String(error);
  const status = (candidate?.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;
  const retryable =
    RETRYABLE_CALL_ERRORS.has(errorCode) ||
    (candidate?.$retryable as { throttling?: boolean } | undefined) !== undefined ||
    status === 429 ||
    (status !== undefined && status >= 500);
  return { errorCode, errorMessage, retryable };
}

function eventIdOf(detail: unknown): string | undefined {
  const eventId = (detail as { eventId?: unknown } | null | undefined)?.eventId;
  return typeof eventId === 'string' ? eventId.trim() : undefined;
}

export function createPublisher(options: PublisherOptions): Publisher {
  const {
    client,
    eventBusName,
    maxAttempts = 4,
    baseDelayMs = 100,
    maxDelayMs = 5000,
    sleep = sleepFor,
    random = Math.random,
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) throw new RangeError('baseDelayMs and maxDelayMs must be ≥ 0');
  if (!eventBusName) throw new RangeError('eventBusName is required');

  const backoff = (retry: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };

  /** Sends one batch; returns the entries to try again and records final outcomes. */
  async function sendBatch(
    batch: Pending[],
    settle: (index: number, outcome: { eventBridgeId: string } | Failure) => void,
  ): Promise<{ retry: Pending[]; lastFailure: Map<number, Failure> }> {
    const retry: Pending[] = [];
    const lastFailure = new Map<number, Failure>();
    let response;
    try {
      response = await client.send(new PutEventsCommand({ Entries: batch.map((item) => item.entry) }));
    } catch (error) {
      const { retryable, ...failure } = describeCallError(error);
      for (const item of batch) {
        if (retryable) {
          retry.push(item);
          lastFailure.set(item.index, failure);
        } else settle(item.index, failure);
      }
      return { retry, lastFailure };
    }
    batch.forEach((item, position) => {
      const result = response.Entries?.[position];
      if (result?.EventId && !result.ErrorCode) {
        settle(item.index, { eventBridgeId: result.EventId });
        return;
      }
      const failure: Failure = {
        errorCode: result?.ErrorCode ?? 'MissingEntryResult',
        errorMessage: result?.ErrorMessage ?? 'PutEvents returned no result for this entry',
      };
      // An entry without any result is retried: its eventId makes a duplicate harmless.
      if (!result?.ErrorCode || RETRYABLE_ENTRY_ERRORS.has(result.ErrorCode)) {
        retry.push(item);
        lastFailure.set(item.index, failure);
      } else settle(item.index, failure);
    });
    return { retry, lastFailure };
  }

  async function publish(events: readonly PublishEvent[]): Promise<PublishResult[]> {
    const results: (PublishResult | undefined)[] = new Array(events.length);
    let pending: Pending[] = [];

    events.forEach(({ detailType, detail }, index) => {
      const eventId = eventIdOf(detail);
      const invalid = (problems: string[]) => {
        results[index] = { eventId, detailType: String(detailType), status: 'invalid', problems };
      };
      if (!isDetailType(detailType)) return invalid(['detail-type: not in the contract']);
      try {
        parseDetail(detailType, detail);
      } catch (error) {
        if (error instanceof InvalidEventError) return invalid(error.problems);
        throw error;
      }
      let body: string;
      try {
        body = JSON.stringify(detail);
      } catch {
        return invalid(['detail: cannot be serialised as JSON']);
      }
      const entry: PutEventsRequestEntry = {
        Source: eventCatalog[detailType].source,
        DetailType: detailType,
        Detail: body,
        EventBusName: eventBusName,
      };
      const size = entrySize(entry);
      if (size > MAX_REQUEST_BYTES) {
        results[index] = {
          eventId,
          detailType,
          status: 'failed',
          errorCode: 'EntryTooLarge',
          errorMessage: `the entry is ${size} bytes; PutEvents accepts at most ${MAX_REQUEST_BYTES}`,
        };
        return;
      }
      pending.push({ index, entry, size });
    });

    const settle = (index: number, outcome: { eventBridgeId: string } | Failure) => {
      const { detailType } = events[index]!;
      const eventId = eventIdOf(events[index]!.detail);
      results[index] =
        'eventBridgeId' in outcome
          ? { eventId, detailType, status: 'published', eventBridgeId: outcome.eventBridgeId }
          : { eventId, detailType, status: 'failed', ...outcome };
    };

    const lastFailure = new Map<number, Failure>();
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(backoff(attempt - 1));
      const retry: Pending[] = [];
      for (const batch of toBatches(pending)) {
        const outcome = await sendBatch(batch, settle);
        retry.push(...outcome.retry);
        for (const [index, failure] of outcome.lastFailure) lastFailure.set(index, failure);
      }
      pending = retry.sort((a, b) => a.index - b.index);
      if (attempt >= maxAttempts) break;
    }
    for (const item of pending) {
      settle(item.index, lastFailure.get(item.index) ?? { errorCode: 'Unknown', errorMessage: 'not published' });
    }

    return results.map((result, index) => {
      if (!result) throw new Error(`internal: no result for event ${index}`);
      return result;
    });
  }

  return { publish };
}
