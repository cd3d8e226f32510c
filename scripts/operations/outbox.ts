import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { OUTBOX_STREAM } from '../../infra/function-plan';
import { EMAIL_SORT_KEY_PREFIX, OUTBOX_SORT_KEY } from '../../shared/table-definition';

/**
 * Outbox entries the stream gave up on (the outbox function's on-failure queue: after its retries,
 * or once the stream's day had passed) stay in the table: a published one is removed (an email's
 * claim keeps its EmailSent until it is published, then drops it). This finds them
 * and hands them to the outbox function as its stream would, in batches, so they are published
 * (and their staff alerts sent) by the deployed code with its own role; what was published
 * meanwhile is skipped there.
 */

export interface RepublishOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Runs the outbox function on one batch: Lambda's Invoke on AWS; the handler itself in tests. */
  invoke: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  dryRun?: boolean;
  /** At most this many entries (the oldest first is not promised: a scan's order). */
  max?: number;
}

export interface RepublishOutcome {
  found: number;
  handedOver: number;
  /** Entries the function still reported as failed: look at its log, then run again. */
  failed: number;
}

export async function republishOutbox(options: RepublishOptions): Promise<RepublishOutcome> {
  const { client, tableName } = options;
  const max = options.max ?? 1000;
  const outcome: RepublishOutcome = { found: 0, handedOver: 0, failed: 0 };
  let batch: Record<string, AttributeValue>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch.map((item, index) => ({
      eventID: `republish-${outcome.handedOver + index}`,
      // As the stream has it: an entry is inserted; a claim is modified (marked sent) with its event.
      eventName: item.sk?.S === OUTBOX_SORT_KEY ? ('INSERT' as const) : ('MODIFY' as const),
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { pk: item.pk!, sk: item.sk! },
        NewImage: item,
        // A position of this run's own: the function reports a failure by it.
        SequenceNumber: String(outcome.handedOver + index).padStart(21, '0'),
        StreamViewType: 'NEW_IMAGE',
      },
    })) as unknown as DynamoDBStreamEvent['Records'];
    outcome.handedOver += batch.length;
    if (!options.dryRun) {
      const response = await options.invoke({ Records: records });
      const failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
      if (failedAt !== undefined) {
        const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt);
        outcome.failed += records.length - Math.max(0, index);
      }
    }
    batch = [];
  };
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        // Outbox entries, and emails' claims still carrying their EmailSent (removed once published).
        FilterExpression: '#sk = :outbox OR (begins_with(#sk, :email) AND attribute_exists(#event))',
        ExpressionAttributeNames: { '#sk': 'sk', '#event': 'event' },
        ExpressionAttributeValues: { ':outbox': { S: OUTBOX_SORT_KEY }, ':email': { S: EMAIL_SORT_KEY_PREFIX } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (outcome.found >= max) break;
      outcome.found++;
      batch.push(item);
      if (batch.length === OUTBOX_STREAM.batchSize) await flush();
    }
    startKey = outcome.found >= max ? undefined : page.LastEvaluatedKey;
  } while (startKey);
  await flush();
  return outcome;
}
