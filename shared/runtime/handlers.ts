import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { z } from 'zod';
import { isDetailType, type DetailType, type EventDetail } from '../../events/catalog';
import { InvalidEventError, describeIssues, parseEvent } from '../../events/validation';
import type { Dependencies } from '../domain/ports';
import { logger, runtime } from './runtime';

type Outcome = object | string;

export interface HandlerResult {
  status: 'processed' | 'duplicate' | 'rejected';
  outcome?: Outcome;
}

const LOGGABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
      return { status: 'rejected' };
    }
    const { eventId, clinicId } = detail;
    logger.appendKeys({ detailType, eventId, clinicId });
    try {
      if (await dependencies.store.isEventProcessed(clinicId, detailType, eventId)) {
        logger.info('event already processed');
        return { status: 'duplicate' };
      }
      const outcome = await useCase(dependencies, detail);
      await dependencies.store.markEventProcessed(clinicId, detailType, eventId, dependencies.clock.now());
      logger.info('event processed', { outcome });
      return { status: 'processed', outcome };
    } finally {
      logger.removeKeys(['detailType', 'eventId', 'clinicId']);
    }
  };
  return middy(handle).use(injectLambdaContext(logger, { logEvent: false }));
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
      return { status: 'rejected' };
    }
    const outcome = await useCase(runtime().dependencies, parsed.data);
    logger.info('scheduled job done', { job: name, outcome });
    return { status: 'processed', outcome };
  };
  return middy(handle).use(injectLambdaContext(logger, { logEvent: false }));
}
