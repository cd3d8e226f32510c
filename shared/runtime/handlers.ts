import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { z } from 'zod';
import { isDetailType, type DetailType, type EventDetail } from '../../events/catalog';
import { InvalidEventError, describeIssues, parseEvent } from '../../events/validation';
import { METRIC_NAMES, type Dependencies } from '../domain/ports';
import { logger, metrics, runtime } from './runtime';

type Outcome = object | string;

export interface HandlerResult {
  status: 'processed' | 'duplicate' | 'rejected';
  outcome?: Outcome;
}

const LOGGABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Writes the invocation's metrics once, whether the handler returned or threw (the error still propagates). */
const publishMetrics = (): middy.MiddlewareObj => ({
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
 * A Lambda handler for one contract event: validate through the EventBridge envelope, skip
 * an event already processed, run the domain, record it as processed. An event that breaks
 * the contract will never succeed, so it is not retried: it goes to the rejected-events
 * queue with a reason naming the fields. Any other failure throws, and Lambda retries.
 */
export function createEventHandler<T extends DetailType>(
  detailType: T,
  useCase: (deps: Dependencies, detail: EventDetail<T>) => Promise<Outcome>,
) {
  const handle = async (event: EventBridgeEvent<string, unknown>, _context: Context): Promise<HandlerResult> => {
    const { dependencies, rejected } = runtime();
    let detail: EventDetail<T>;
    try {
      const parsed = parseEvent(event.source, event['detail-type'], event.detail);
      if (parsed.detailType !== detailType)
        throw new InvalidEventError([`detail-type: this function handles ${detailType}`]);
      detail = parsed.detail as EventDetail<T>;
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
    logger.appendKeys({ detailType, eventId, clinicId });
    try {
      if (await dependencies.store.isEventProcessed(clinicId, detailType, eventId)) {
        logger.info('event already processed');
        metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'duplicate' });
        return { status: 'duplicate' };
      }
      const outcome = await useCase(dependencies, detail);
      await dependencies.store.markEventProcessed(clinicId, detailType, eventId, dependencies.clock.now());
      logger.info('event processed', { outcome });
      metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'processed' });
      return { status: 'processed', outcome };
    } catch (error) {
      // Lambda retries it; after the retries it lands in the function's on-failure queue.
      metrics.count(METRIC_NAMES.eventsProcessed, { detailType, status: 'failed' });
      throw error;
    } finally {
      logger.removeKeys(['detailType', 'eventId', 'clinicId']);
    }
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(publishMetrics());
}

/**
 * A Lambda handler invoked by EventBridge Scheduler with the payload the domain put in the
 * schedule. A payload that does not parse is logged and dropped: retrying cannot fix it.
 */
export function createScheduledHandler<S extends z.ZodType>(
  name: string,
  payloadSchema: S,
  useCase: (deps: Dependencies, payload: z.output<S>) => Promise<Outcome>,
) {
  const handle = async (event: unknown, _context: Context): Promise<HandlerResult> => {
    const parsed = payloadSchema.safeParse(event);
    if (!parsed.success) {
      logger.error('scheduled payload rejected', { job: name, problems: describeIssues(parsed.error) });
      metrics.count(METRIC_NAMES.scheduledJobs, { job: name, outcome: 'payload-rejected' });
      return { status: 'rejected' };
    }
    let outcome: Outcome;
    try {
      outcome = await useCase(runtime().dependencies, parsed.data);
    } catch (error) {
      metrics.count(METRIC_NAMES.scheduledJobs, { job: name, outcome: 'failed' });
      throw error;
    }
    logger.info('scheduled job done', { job: name, outcome });
    metrics.count(METRIC_NAMES.scheduledJobs, { job: name, outcome: outcomeName(outcome) });
    return { status: 'processed', outcome };
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(publishMetrics());
}
