import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface RejectedEvent {
  source: unknown;
  detailType: unknown;
  /** As published: an object, or the raw text when it was not JSON. */
  detail: unknown;
  /** Names the failing fields, never their values. */
  error: string;
  at: string;
}

export interface RejectedEventSink {
  reject(event: RejectedEvent): Promise<void>;
}

/** Levels of a refused detail kept for an operator to read; deeper ones are named, not copied. */
const KEPT_DEPTH = 16;
/** Below SQS's 256 KiB message limit, with room for the rest of the record. */
const KEPT_CHARACTERS = 200_000;

/**
 * The refused event as it can be kept: its detail as published when that serializes within
 * bounds, otherwise a copy cut at a fixed depth and length, marked as cut. A detail's shape is
 * whatever a producer sent (ten thousand levels of nesting included), and the record must be
 * written whatever it is: a sink that threw would have Lambda retry an event that can never pass.
 */
export function recordableRejection(event: RejectedEvent): RejectedEvent {
  let text: string | undefined;
  try {
    text = JSON.stringify(event.detail);
  } catch {
    text = undefined;
  }
  if (text !== undefined && text.length <= KEPT_CHARACTERS) return event;
  const cut = JSON.stringify(cutToDepth(event.detail, KEPT_DEPTH)) ?? '';
  return {
    ...event,
    detail: {
      careloopClipped: `the detail was too deep or too large to keep whole: its first ${KEPT_CHARACTERS} characters, at most ${KEPT_DEPTH} levels`,
      text: cut.slice(0, KEPT_CHARACTERS),
    },
  };
}

/** A copy of a JSON value with everything below `depth` levels replaced by a marker; no recursion. */
function cutToDepth(value: unknown, depth: number): unknown {
  const root: { value?: unknown } = {};
  const pending: {
    source: unknown;
    target: Record<string, unknown> | unknown[];
    key: string | number;
    level: number;
  }[] = [{ source: value, target: root as Record<string, unknown>, key: 'value', level: 0 }];
  while (pending.length > 0) {
    const { source, target, key, level } = pending.pop()!;
    const put = (item: unknown) => ((target as Record<string | number, unknown>)[key] = item);
    if (typeof source !== 'object' || source === null) put(source);
    else if (level >= depth) put('(nested deeper: not kept)');
    else if (Array.isArray(source)) {
      const copy: unknown[] = [];
      put(copy);
      source.forEach((item, index) => pending.push({ source: item, target: copy, key: index, level: level + 1 }));
    } else {
      const copy: Record<string, unknown> = {};
      put(copy);
      for (const [name, item] of Object.entries(source)) {
        pending.push({ source: item, target: copy, key: name, level: level + 1 });
      }
    }
  }
  return root.value;
}

/** Events that can never succeed go straight to a queue an operator watches, instead of being retried. */
export function createSqsRejectedEventSink(client: SQSClient, queueUrl: string): RejectedEventSink {
  return {
    async reject(event) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(recordableRejection(event)) }),
      );
    },
  };
}

/** The deployed sink: its own SQS client, built when the first refused event arrives (see runtime.ts). */
export const createRejectedEventSink = (queueUrl: string) => createSqsRejectedEventSink(new SQSClient({}), queueUrl);
