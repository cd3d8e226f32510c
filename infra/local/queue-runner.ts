import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './dynamodb-local';

/**
 * An in-process stand-in for an SQS queue with a Lambda event source mapping (no AWS, no
 * network), with the semantics the due-jobs queue has on AWS:
 *
 * - `send` enqueues a message; deliveries start on the next turn of the event loop, so
 *   messages sent together (a burst of schedules falling due) arrive in batches.
 * - At most `maxConcurrency` batches of at most `batchSize` messages are in flight.
 * - Partial batch responses: the records named in `batchItemFailures` (every record, when
 *   the consumer throws) become visible again after `visibilityTimeoutMs` of real time; the
 *   others are deleted.
 * - A message that has been received `maxReceiveCount` times and failed again goes to
 *   `onDeadLetter` (the redrive policy's dead-letter queue) instead.
 * - `idle()` resolves once every message sent so far is deleted or dead-lettered.
 */

export interface QueueRunnerOptions {
  arn: string;
  /** The consumer: the due-jobs Lambda handler, given the event Lambda would give it. */
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  batchSize?: number;
  maxConcurrency?: number;
  /** Real milliseconds before a failed message is delivered again; short locally. */
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  onDeadLetter: (message: { messageId: string; body: string; receiveCount: number }, error: string) => void;
}

export interface QueueRunner {
  readonly arn: string;
  send(body: string): void;
  /** Resolves when nothing is waiting, in flight or due again. */
  idle(): Promise<void>;
  /** Stops redeliveries and waits for the batches in flight. */
  close(): Promise<void>;
  /** Deliveries so far (batches handed to the consumer), for tests. */
  readonly stats: { batches: number; maxInFlight: number; redeliveries: number };
}

interface Message {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

export function createQueueRunner(options: QueueRunnerOptions): QueueRunner {
  const batchSize = options.batchSize ?? 10;
  const maxConcurrency = options.maxConcurrency ?? 2;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 100;
  const maxReceiveCount = options.maxReceiveCount ?? 20;
  const visible: Message[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const batches = new Set<Promise<void>>();
  let outstanding = 0;
  let pumpQueued = false;
  let closed = false;
  let waiters: (() => void)[] = [];
  const stats = { batches: 0, maxInFlight: 0, redeliveries: 0 };

  const settleIfIdle = () => {
    if (outstanding > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const record = (message: Message): SQSRecord => ({
    messageId: message.messageId,
    receiptHandle: randomUUID(),
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'scheduler.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: options.arn,
    awsRegion: LOCAL_REGION,
  });

  const deliver = async (batch: Message[]) => {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount++;
      message.firstReceivedAt ??= now;
    }
    let failed: Set<string>;
    let error = 'reported as a batch item failure';
    try {
      const response = await options.consume({ Records: batch.map(record) });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (thrown) {
      failed = new Set(batch.map((message) => message.messageId));
      error = thrown instanceof Error ? thrown.message : String(thrown);
    }
    for (const message of batch) {
      if (!failed.has(message.messageId) || closed) {
        // Deleted; or the stack is stopping, and what failed stays undelivered, as in a queue nobody polls.
        outstanding--;
      } else if (message.receiveCount >= maxReceiveCount) {
        options.onDeadLetter(
          { messageId: message.messageId, body: message.body, receiveCount: message.receiveCount },
          `failed ${message.receiveCount} times: ${error}`,
        );
        outstanding--;
      } else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          stats.redeliveries++;
          visible.push(message);
          pump();
        }, visibilityTimeoutMs);
        timers.add(timer);
      }
    }
  };

  const pump = () => {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      while (!closed && visible.length > 0 && batches.size < maxConcurrency) {
        const run = deliver(visible.splice(0, batchSize)).finally(() => {
          batches.delete(run);
          pump();
          settleIfIdle();
        });
        batches.add(run);
        stats.batches++;
        stats.maxInFlight = Math.max(stats.maxInFlight, batches.size);
      }
    });
  };

  return {
    arn: options.arn,
    stats,
    send(body) {
      if (closed) throw new Error(`the queue ${options.arn} is closed`);
      visible.push({ messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0 });
      outstanding++;
      pump();
    },
    idle() {
      if (outstanding === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(batches);
      visible.length = 0;
      outstanding = 0;
      settleIfIdle();
    },
  };
}
