import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { storedOutboxEntryOf } from '../adapters/dynamo-store';
import { injectLambdaContext } from '../adapters/logger';
import { deliverOutbox, type OutboxDelivery } from '../domain/outbox';
import { errorName, publishMetrics } from './handlers';
import { logger, runtime } from './runtime';
import type { Wiring } from './wiring';

/**
 * The consumer of the table's stream, filtered to new outbox entries (OUTBOX_STREAM): it
 * publishes CareLoop's own events and the staff alerts that go with them (shared/domain/outbox.ts).
 * A failure reports the first entry not done, so the stream delivers it and those after it again,
 * in order; a record that is not an outbox entry at all is logged and left, since no retry makes
 * it one.
 */
export function createOutboxHandler(wiring: Wiring<'events' | 'mailer'>) {
  const handle = async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> => {
    const { dependencies } = runtime(wiring);
    const deliveries: OutboxDelivery[] = [];
    for (const record of event.Records) {
      const position = record.dynamodb?.SequenceNumber;
      const image = record.dynamodb?.NewImage;
      const stored = image && storedOutboxEntryOf(unmarshall(image as Record<string, AttributeValue>));
      if (!position || !stored) {
        logger.error('outbox record unreadable', {
          position: position ?? 'none',
          eventName: record.eventName ?? 'none',
        });
        continue;
      }
      deliveries.push({ ...stored, position });
    }
    const outcome = await deliverOutbox(dependencies, deliveries);
    const fields = { published: outcome.published, alreadyPublished: outcome.alreadyPublished };
    if (outcome.failedAt === undefined) {
      logger.info('outbox delivered', fields);
      return { batchItemFailures: [] };
    }
    logger.warn('outbox delivery failed: the stream delivers it again', {
      ...fields,
      failedAt: outcome.failedAt,
      error: errorName(outcome.error),
    });
    return { batchItemFailures: [{ itemIdentifier: outcome.failedAt }] };
  };
  return middy(handle).use(injectLambdaContext(logger)).use(publishMetrics());
}
