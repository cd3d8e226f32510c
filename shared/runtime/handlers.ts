import middy from '@middy/core';
import { injectLambdaContext } from '../adapters/logger';
import type { Context, EventBridgeEvent, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EventDetail } from '../../events/catalog';
import { isDetailType, type DetailType } from '../../events/detail-types';
import { parseHandledEvent } from '../../events/handler-parsing';
import { InvalidEventError } from '../../events/invalid-event';
import {
  DuplicateInFlightError,
  EmailInFlightError,
  MailerError,
  METRIC_NAMES,
  type Needs,
  type OptionalPort,
  type RecordRead,
} from '../domain/ports';
import { servingFirstReads } from './first-reads';
import { markingWithLastWrite } from './last-write';
import { parseDueJob, type DueJob } from '../due-jobs';
import { logger, metrics, runtime } from './runtime';
import type { Wiring } from './wiring';

type Outcome = object | string;

export interface HandlerResult {
  status: 'processed' | 'duplicate' | 'rejected';
  outcome?: Outcome;
}

const LOGGABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Writes the invocation's metrics once, whether the handler returned or threw (the error still propagates). */
export const publishMetrics = (): middy.MiddlewareObj => ({
  after: () => metrics.flush(),
  onError: () => metrics.flush(),
});

/** A scheduled job's outcome as a metric dimension: the domain's outcome name, never an object. */
const outcomeName = (outcome: Outcome) => (typeof outcome === 'string' ? outcome : 'done');

/** The refused event's id, only when it has the shape of one: anything else could be any text. */
const eventIdOf = (detail: unknown) => {
  const eventId = typeof detail === 'object' && detail !== null ? (detail as { eventId?: unknown }).eventId : undefined;
  return typeof eventId === 'string' && LOGGABLE_ID.test(eventId) ? eventId : undefined;
};

/**
 * The booking and patient an event is about, when it names them: written with each line of its
 * invocation, so its one INFO line finds the booking's history. Identifiers only (the contract's
 * identifier rule), never the patient's details beside them.
 */
const subjectOf = (detail: object): Record<string, string> => {
  const { bookingId, patientId, booking, patient } = detail as {
    bookingId?: unknown;
    patientId?: unknown;
    booking?: { bookingId?: unknown };
    patient?: { patientId?: unknown };
  };
  const ids: Record<string, unknown> = {
    bookingId: bookingId ?? booking?.bookingId,
    patientId: patientId ?? patient?.patientId,
  };
  return Object.fromEntries(
    Object.entries(ids).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
};

/**
 * A Lambda handler for one contract event: validate through the EventBridge envelope, skip
 * an event already processed, run the domain, record it as processed (in the use case's last
 * write when it says that write completes the event: WriteOptions). An event that breaks
 * the contract will never succeed, so it is not retried: it goes to the rejected-events
 * queue with a reason naming the fields. Any other failure throws, and Lambda retries.
 *
 * `readsFirst` names the records the use case reads before anything else (its first reads,
 * before any write): they are read in the same round trip as the processed-event marker, just
 * before the use case would have read them itself.
 */
export function createEventHandler<T extends DetailType, P extends OptionalPort>(
  detailType: T,
  useCase: (deps: Needs<P>, detail: EventDetail<T>) => Promise<Outcome>,
  wiring: Wiring<P>,
  readsFirst?: (detail: EventDetail<T>) => RecordRead[],
) {
  const handle = async (event: EventBridgeEvent<string, unknown>, context: Context): Promise<HandlerResult> => {
    const { dependencies, rejected } = runtime(wiring);
    let detail: EventDetail<T>;
    try {
      detail = await parseHandledEvent(detailType, event.source, event['detail-type'], event.detail);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      logger.warn('event rejected', {
        detailType: isDetailType(event['detail-type']) ? event['detail-type'] : 'not in the contract',
        eventId: eventIdOf(event.detail),
        problems: error.problems,
      });
      await rejected.reject({
        source: event.source,
        detailType: event['detail-type'],
        detail: event.detail,
        error: error.message,
        at: new Date().toISOString(),
      });
      // Counted once it is in the rejected-events queue (a failed send throws, and Lambda retries).
      metrics.count(METRIC_NAMES.eventsProcessed, {
        detailType: isDetailType(event['detail-type']) ? event['detail-type'] : 'unknown',
        status: 'rejected',
      });
      return { status: 'rejected' };
    }
    const { eventId, clinicId } = detail;
    const subject = subjectOf(detail);
    logger.appendKeys({ detailType, eventId, clinicId, ...subject });
    try {
      const consumer = context.functionName;
      const reads = readsFirst?.(detail) ?? [];
      let { store } = dependencies;
      let processed: boolean;
      if (reads.length === 0) processed = await store.isEventProcessed(clinicId, detailType, eventId, consumer);
      else {
        const start = await store.readEventStart(clinicId, detailType, eventId, consumer, reads);
        processed = start.processed;
        store = servingFirstReads(store, reads, start.records);
      }
      if (processed) {
        logger.info('event already processed');
        metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'duplicate' });
        return { status: 'duplicate' };
      }
      const requestId = context.awsRequestId;
      const invocation = requestId ? { requestId, trigger: `${detailType}#${eventId}` } : undefined;
      let markedWithLastWrite = false;
      store = markingWithLastWrite(store, { clinicId, detailType, eventId, consumer }, dependencies.clock, () => {
        markedWithLastWrite = true;
      });
      const outcome = await useCase({ ...dependencies, store, ...(invocation && { invocation }) }, detail);
      if (!markedWithLastWrite)
        await dependencies.store.markEventProcessed(clinicId, detailType, eventId, consumer, dependencies.clock.now());
      logger.info('event processed', { outcome });
      metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'processed' });
      return { status: 'processed', outcome };
    } catch (error) {
      if (error instanceof DuplicateInFlightError) {
        // Not marked processed: should the original fail, its retries still do the work.
        logger.info('duplicate of an event still being handled');
        metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'duplicate' });
        return { status: 'duplicate', outcome: 'original-in-flight' };
      }
      // Lambda retries it; after the retries it lands in the function's on-failure queue.
      metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'failed' });
      throw error;
    } finally {
      logger.removeKeys(['detailType', 'eventId', 'clinicId', ...Object.keys(subject)]);
    }
  };
  return middy(handle).use(injectLambdaContext(logger)).use(publishMetrics());
}

/** The use case of each kind of due job. */
export type DueJobUseCases<P extends OptionalPort> = {
  [K in DueJob['kind']]: (deps: Needs<P>, job: Extract<DueJob, { kind: K }>) => Promise<Outcome>;
};

/**
 * "Not now, nothing went out": SES throttled the send, or another invocation holds the
 * email's claim. The queue delivers the job again after its visibility timeout.
 */
const isDeferral = (error: unknown) =>
  (error instanceof MailerError && error.definitelyNotSent) || error instanceof EmailInFlightError;

/** An error's name (and a mail error's code) for the logs: never its message, which could quote data. */
export const errorName = (error: unknown) =>
  error instanceof MailerError ? `${error.name}:${error.code}` : error instanceof Error ? error.name : 'unknown';

/** A due job's ids, for its log lines: which clinic and booking, patient or plan it was for. */
const idsOf = (job: DueJob): Record<string, string> => {
  const { clinicId, bookingId, patientId, planId } = job as {
    clinicId: string;
    bookingId?: string;
    patientId?: string;
    planId?: string;
  };
  return Object.fromEntries(
    Object.entries({ clinicId, bookingId, patientId, planId }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
};

const kindOf = (body: unknown) => {
  const kind = typeof body === 'object' && body !== null ? (body as { kind?: unknown }).kind : undefined;
  return kind === 'reminder' || kind === 'check-in' || kind === 'plan-check' ? kind : 'unknown';
};

/**
 * The consumer of the due-jobs queue (SQS event source, partial batch responses): each
 * record is a reminder, check-in or plan check that fell due. Records run one after another, so the
 * function's maximum concurrency bounds the sends in flight. A record that fails is
 * reported in `batchItemFailures` and SQS delivers it again after the visibility timeout
 * (until the redrive policy's maxReceiveCount, then the due-jobs DLQ); the others are
 * deleted. Once SES throttles, the rest of the batch is deferred unsent rather than piled
 * on. A payload that does not parse can never succeed: it goes to the rejected-events
 * queue at once, without blocking the batch.
 */
export function createDueJobsHandler<P extends OptionalPort>(useCases: DueJobUseCases<P>, wiring: Wiring<P>) {
  const runJob = (deps: Needs<P>, job: DueJob): Promise<Outcome> => {
    switch (job.kind) {
      case 'reminder':
        return useCases.reminder(deps, job);
      case 'check-in':
        return useCases['check-in'](deps, job);
      case 'plan-check':
        return useCases['plan-check'](deps, job);
    }
  };

  const handle = async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    const { dependencies, rejected } = runtime(wiring);
    const batchItemFailures: SQSBatchItemFailure[] = [];
    let sesThrottling = false;
    for (const record of event.Records) {
      const { messageId } = record;
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      const body = safeParse(record.body);
      const job = kindOf(body);
      if (sesThrottling) {
        batchItemFailures.push({ itemIdentifier: messageId });
        metrics.count(METRIC_NAMES.scheduledJobs, { job, outcome: 'deferred' });
        continue;
      }
      let ids: Record<string, string> = {};
      try {
        const parsed = parseDueJob(body);
        if ('problems' in parsed) {
          const problems = body === undefined ? ['body: must be JSON'] : parsed.problems;
          logger.error('scheduled payload rejected', { job, messageId, problems });
          await rejected.reject({
            source: 'aws.scheduler',
            detailType: 'due job',
            detail: body ?? record.body,
            error: problems.join('; '),
            at: new Date().toISOString(),
          });
          metrics.count(METRIC_NAMES.scheduledJobs, { job, outcome: 'payload-rejected' });
          continue;
        }
        ids = idsOf(parsed.job);
        // SQS delivers a message again only once its earlier receive has ended (the visibility
        // timeout outlasts the function's), as Lambda retries its own request: an email claim the
        // message's earlier receive left is known to be no one's send in flight.
        const invocation = { requestId: messageId, trigger: `${parsed.job.kind}#${messageId}` };
        const outcome = await runJob({ ...dependencies, invocation }, parsed.job);
        logger.info('scheduled job done', { job, messageId, ...ids, outcome });
        metrics.count(METRIC_NAMES.scheduledJobs, { job, outcome: outcomeName(outcome) });
      } catch (error) {
        batchItemFailures.push({ itemIdentifier: messageId });
        const deferred = isDeferral(error);
        const fields = { job, messageId, ...ids, receiveCount, error: errorName(error) };
        if (deferred) logger.warn('scheduled job deferred', fields);
        else logger.error('scheduled job failed', fields);
        metrics.count(METRIC_NAMES.scheduledJobs, { job, outcome: deferred ? 'deferred' : 'failed' });
        if (deferred && error instanceof MailerError) sesThrottling = true;
      }
    }
    return { batchItemFailures };
  };
  return middy(handle).use(injectLambdaContext(logger)).use(publishMetrics());
}

/** The record's body as JSON; undefined when it is not JSON. */
function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
