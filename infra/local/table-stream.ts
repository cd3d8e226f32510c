import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  TrimmedDataAccessException,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { matchesEventPattern, type EventPattern } from './event-pattern';

/**
 * The event source mapping of a function that reads the table's stream, for the local stack:
 * DynamoDB Local keeps a real stream, read here with the DynamoDB Streams API and handed to the
 * handler as Lambda would: records matching any of the mapping's filters (the same patterns the
 * CDK stack deploys), in order, in batches, with partial batch responses. A failed record and those after
 * it are delivered again after a pause; after the last attempt the batch goes to the dead letters
 * and reading goes on, as the mapping's on-failure destination does on AWS.
 */

export interface TableStreamReaderOptions {
  endpoint: string;
  streamArn: string;
  /** Alternatives, as an event source mapping's filters: a record matching any one is delivered. */
  filters: readonly EventPattern[];
  batchSize: number;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Pauses before the second, third, … attempt of a failed batch; their count bounds the attempts. */
  retryDelaysMs?: readonly number[];
  /** How long to wait before reading again when the stream had nothing new. */
  pollIntervalMs?: number;
  onDeadLetter?: (failure: { records: StreamRecord[]; error: string }) => void;
}

export interface TableStreamReader {
  /** Resolves once the stream has been read to its end after the call, and every batch handled. */
  idle(): Promise<void>;
  /**
   * Stops reading once the round running now is done, until the returned release is called: what
   * is written meanwhile is delivered after it (the benchmark hands the outbox function entries of
   * its own, which this reader would otherwise publish first). `idle()` waits for the release.
   */
  hold(): Promise<() => void>;
  close(): Promise<void>;
}

interface Shard {
  iterator?: string;
  closed: boolean;
}

export function startTableStreamReader(options: TableStreamReaderOptions): TableStreamReader {
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const retryDelaysMs = options.retryDelaysMs ?? [200, 400, 800];
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const shards = new Map<string, Shard>();
  /** A shard was dropped or closed since the stream was last described. */
  let describeAgain = true;
  let running = true;
  /** Rounds that read every open shard; a waiter is released by the first empty round after it asked. */
  let rounds = 0;
  const waiters: { after: number; resolve: () => void }[] = [];
  let failure: unknown;
  /** Holds not yet released, and who waits for the reading to stop. */
  let holds = 0;
  const holding: (() => void)[] = [];

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** The pause between empty rounds, which a caller waiting for the stream cuts short. */
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function discoverShards() {
    let start: string | undefined;
    do {
      const { StreamDescription } = await client.send(
        new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        // From the oldest record kept, as the deployed mapping starts (TRIM_HORIZON).
        const { ShardIterator } = await client.send(
          new GetShardIteratorCommand({
            StreamArn: options.streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        shards.set(shard.ShardId, { iterator: ShardIterator, closed: ShardIterator === undefined });
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** Hands the records to the handler in batches; a batch that keeps failing goes to the dead letters. */
  async function deliver(records: StreamRecord[]) {
    for (let from = 0; from < records.length;) {
      let batch = records.slice(from, from + options.batchSize);
      for (let attempt = 0; ; attempt++) {
        let failedAt: string | undefined;
        let error = 'the handler reported a failed record';
        try {
          const response = await options.handler({
            Records: batch.map((record) => ({
              ...record,
              eventSource: 'aws:dynamodb',
              eventSourceARN: options.streamArn,
            })) as DynamoDBStreamEvent['Records'],
          });
          failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
        } catch (thrown) {
          failedAt = batch[0]?.dynamodb?.SequenceNumber;
          error = thrown instanceof Error ? thrown.message : String(thrown);
        }
        if (failedAt === undefined) break;
        const index = Math.max(
          0,
          batch.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt),
        );
        batch = batch.slice(index);
        if (attempt >= retryDelaysMs.length) {
          options.onDeadLetter?.({ records: batch, error });
          break;
        }
        await sleep(retryDelaysMs[attempt]!);
      }
      from += options.batchSize;
    }
  }

  async function readRound(): Promise<number> {
    let read = 0;
    if (describeAgain) {
      describeAgain = false;
      await discoverShards();
    }
    for (const [shardId, shard] of shards) {
      if (shard.closed || !shard.iterator) continue;
      let page;
      try {
        page = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 }));
      } catch (error) {
        // An iterator held too long, or past records DynamoDB Local has trimmed: read the shard
        // again from the oldest record it keeps (what is already published is skipped).
        if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) throw error;
        shards.delete(shardId);
        describeAgain = true;
        continue;
      }
      shard.iterator = page.NextShardIterator;
      if (!shard.iterator) {
        shard.closed = true;
        describeAgain = true;
      }
      const matching = (page.Records ?? []).filter((record) =>
        options.filters.some((filter) => matchesEventPattern(filter, record)),
      );
      read += page.Records?.length ?? 0;
      if (matching.length > 0) await deliver(matching);
    }
    return read;
  }

  const loop = (async () => {
    while (running) {
      if (holds > 0) {
        for (const resolve of holding.splice(0)) resolve();
        await nap(pollIntervalMs);
        continue;
      }
      let read = 0;
      try {
        read = await readRound();
        failure = undefined;
      } catch (error) {
        // DynamoDB Local stopping, or a hiccup: the next round, a moment later, tries again.
        failure = error;
        describeAgain = true;
        if (process.env.CARELOOP_DEBUG_STREAM) console.error('stream round failed', error);
        await sleep(pollIntervalMs);
      }
      rounds++;
      if (read === 0 && failure === undefined) {
        for (const waiter of waiters.filter((waiting) => waiting.after < rounds)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
        await nap(pollIntervalMs);
      }
    }
  })();

  return {
    idle: () =>
      new Promise<void>((resolve) => {
        // The round running now may have started before the caller's writes: wait for a later one.
        waiters.push({ after: rounds + 1, resolve });
        wake?.();
      }),
    hold: () =>
      new Promise<() => void>((resolve) => {
        holds++;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          holds--;
          wake?.();
        };
        holding.push(() => resolve(release));
        wake?.();
      }),
    async close() {
      running = false;
      for (const resolve of holding.splice(0)) resolve();
      wake?.();
      await loop;
      for (const waiter of waiters.splice(0)) waiter.resolve();
      client.destroy();
    },
  };
}
