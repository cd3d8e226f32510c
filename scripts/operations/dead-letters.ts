import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { findEventDefinition } from '../../events/catalog';
import type { Publisher, PublishEvent, PublishResult } from '../../shared/adapters/event-publisher';
import { InvalidEventError, parseDetail } from '../../events/validation';

/**
 * What CareLoop's dead-letter queues hold, turned back into contract events for a redrive
 * (`npm run redrive`). Four formats reach an operator (see infra/careloop-stack.ts):
 *
 * - a function's **on-failure** queue: Lambda's invocation record
 *   `{ version, timestamp, requestContext, requestPayload, responseContext, responsePayload }`,
 *   whose `requestPayload` is the EventBridge event the function was given (or, in records
 *   left by versions that invoked a function per reminder and check-in, the schedule's input);
 * - a rule target's **dead-letter** queue: the EventBridge event itself, with the message
 *   attributes ERROR_CODE, ERROR_MESSAGE, RULE_ARN and TARGET_ARN;
 * - the **rejected-events** queue: `{ source, detailType, detail, error, at }` (the same
 *   record the local stack lists at GET /_local/dead-letters);
 * - the **scheduler** dead-letter queue: the schedule's target input, a reminder
 *   `{ clinicId, bookingId, startsAt, offsetMinutes }` or a check-in `{ clinicId, patientId, bookingId }`.
 *
 * Only ids, kinds and error codes come out of here for printing: never a detail's content.
 */

export type DeadLetterFormat = 'on-failure' | 'rule-dlq' | 'rejected' | 'scheduler-dlq';

export type ParsedDeadLetter =
  | {
      kind: 'event';
      format: DeadLetterFormat;
      source: string;
      detailType: string;
      /** As published: an object, or the raw text when it was not JSON. */
      detail: unknown;
      /** Why it ended there: an error code, or for rejected events the reason naming the field. */
      error?: string;
    }
  | {
      kind: 'schedule-input';
      format: DeadLetterFormat;
      job: 'reminder' | 'check-in' | 'unknown';
      input: unknown;
      error?: string;
    }
  | { kind: 'malformed'; problem: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** Which scheduled function an input is for, judged by its shape (see ReminderPayload and CheckInPayload). */
export function scheduledJobOf(input: unknown): 'reminder' | 'check-in' | undefined {
  if (!isObject(input) || !text(input.clinicId) || !text(input.bookingId)) return undefined;
  if (text(input.startsAt) && typeof input.offsetMinutes === 'number') return 'reminder';
  if (text(input.patientId)) return 'check-in';
  return undefined;
}

const isEventBridgeEvent = (value: unknown): value is Json =>
  isObject(value) && typeof value.source === 'string' && typeof value['detail-type'] === 'string' && 'detail' in value;

const isRejectedRecord = (value: unknown): value is Json =>
  isObject(value) && typeof value.source === 'string' && typeof value.detailType === 'string' && 'detail' in value;

const isInvocationRecord = (value: unknown): value is Json =>
  isObject(value) && isObject(value.requestContext) && 'requestPayload' in value;

/** The schedule input a local scheduler dead letter carries: `{ schedule, target, input }` under aws.scheduler. */
const LOCAL_SCHEDULER_SOURCE = 'aws.scheduler';

/**
 * One record of the rejected-events queue or of GET /_local/dead-letters:
 * `{ source, detailType, detail, error, at }`.
 */
export function parseDeadLetterRecord(record: unknown): ParsedDeadLetter {
  if (!isRejectedRecord(record)) {
    return { kind: 'malformed', problem: 'not a { source, detailType, detail, error, at } record' };
  }
  const error = text(record.error);
  if (record.source === LOCAL_SCHEDULER_SOURCE) {
    const input = isObject(record.detail) ? record.detail.input : undefined;
    return { kind: 'schedule-input', format: 'scheduler-dlq', job: scheduledJobOf(input) ?? 'unknown', input, error };
  }
  return {
    kind: 'event',
    format: 'rejected',
    source: record.source as string,
    detailType: record.detailType as string,
    detail: record.detail,
    error,
  };
}

/** An SQS message from any of CareLoop's dead-letter queues. */
export function parseDeadLetterMessage(message: Pick<Message, 'Body' | 'MessageAttributes'>): ParsedDeadLetter {
  const attribute = (name: string) => text(message.MessageAttributes?.[name]?.StringValue);
  const body = message.Body;
  if (body === undefined || body.trim() === '') return { kind: 'malformed', problem: 'the message has no body' };
  const parsed = parseJson(body);
  const fromScheduler = attribute('SCHEDULE_ARN') !== undefined;
  if (!parsed.ok) {
    // Scheduler passes a target's input through as it is; every CareLoop input is JSON, though.
    if (fromScheduler) {
      return {
        kind: 'schedule-input',
        format: 'scheduler-dlq',
        job: 'unknown',
        input: body,
        error: attribute('ERROR_CODE'),
      };
    }
    return { kind: 'malformed', problem: 'the body is not JSON' };
  }
  const value = parsed.value;

  if (isInvocationRecord(value)) {
    const response = isObject(value.responsePayload) ? value.responsePayload : {};
    const context = value.requestContext as Json;
    // errorType only: a handler's errorMessage could quote anything it was given.
    const error = text(response.errorType) ?? text(context.condition);
    const request = value.requestPayload;
    if (isEventBridgeEvent(request)) {
      return {
        kind: 'event',
        format: 'on-failure',
        source: request.source as string,
        detailType: request['detail-type'] as string,
        detail: request.detail,
        error,
      };
    }
    const job = scheduledJobOf(request);
    if (job) return { kind: 'schedule-input', format: 'on-failure', job, input: request, error };
    return {
      kind: 'malformed',
      problem: 'an on-failure record whose request is neither an event nor a schedule input',
    };
  }

  if (isEventBridgeEvent(value)) {
    return {
      kind: 'event',
      format: 'rule-dlq',
      source: value.source as string,
      detailType: value['detail-type'] as string,
      detail: value.detail,
      error: attribute('ERROR_CODE'),
    };
  }

  if (isRejectedRecord(value)) return parseDeadLetterRecord(value);

  const job = scheduledJobOf(value);
  if (job || fromScheduler) {
    return {
      kind: 'schedule-input',
      format: 'scheduler-dlq',
      job: job ?? 'unknown',
      input: value,
      error: attribute('ERROR_CODE'),
    };
  }
  return {
    kind: 'malformed',
    problem: 'not one of the dead-letter formats (event, on-failure record, rejected event)',
  };
}

// ---------------------------------------------------------------------------------------
// The redrive plan

/** The ids worth printing about an event or a schedule input: never names, addresses or notes. */
export interface DeadLetterIds {
  eventId?: string;
  clinicId?: string;
  bookingId?: string;
  patientId?: string;
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function idsOf(value: unknown): DeadLetterIds {
  if (!isObject(value)) return {};
  const pick = (candidate: unknown) =>
    typeof candidate === 'string' && ID.test(candidate.trim()) ? candidate.trim() : undefined;
  const nested = (key: string, field: string) => (isObject(value[key]) ? (value[key] as Json)[field] : undefined);
  return {
    eventId: pick(value.eventId),
    clinicId: pick(value.clinicId),
    bookingId: pick(value.bookingId) ?? pick(nested('booking', 'bookingId')),
    patientId: pick(value.patientId) ?? pick(nested('patient', 'patientId')),
  };
}

export type RedriveOutcome =
  /** Re-published to the bus; deleted from the queue (unless a dry run, or the delete failed). */
  | 'published'
  /** A dry run's verdict for an event that would be published. */
  | 'would-publish'
  /** Still breaks the contract: left where it is. */
  | 'invalid'
  /** PutEvents refused it or kept failing: left where it is, try again later. */
  | 'publish-failed'
  /** A source or detail-type outside the contract (e.g. SES feedback on the default bus): left. */
  | 'not-a-contract-event'
  /** A reminder or check-in schedule's input: not a bus event; `npm run reconcile` repairs reminders. */
  | 'schedule-input'
  /** Nothing CareLoop can read: left for a person. */
  | 'malformed';

export interface RedriveLine {
  /** The SQS message id, or the position in the local dead letters. */
  id: string;
  outcome: RedriveOutcome;
  format?: DeadLetterFormat;
  detailType?: string;
  job?: 'reminder' | 'check-in' | 'unknown';
  ids: DeadLetterIds;
  /** Why it was dead-lettered in the first place (code or field-naming reason). */
  cause?: string;
  /** What happened now: validation problems (fields, not values), an error code, or a note. */
  note?: string;
  eventBridgeId?: string;
  /** Removed from the queue. */
  deleted: boolean;
}

export interface RedriveSummary {
  lines: RedriveLine[];
  counts: Record<RedriveOutcome, number>;
  deleted: number;
  /** Published but the delete failed: they stay in the queue and a later redrive publishes them again (harmless). */
  deleteFailures: number;
  /** Why the loop stopped. */
  stoppedBecause: 'queue-empty' | 'max-reached' | 'messages-came-round-again' | 'no-more-entries';
}

const emptyCounts = (): Record<RedriveOutcome, number> => ({
  published: 0,
  'would-publish': 0,
  invalid: 0,
  'publish-failed': 0,
  'not-a-contract-event': 0,
  'schedule-input': 0,
  malformed: 0,
});

export const SCHEDULE_INPUT_NOTE =
  'a schedule input, not a bus event: left; `npm run reconcile` repairs reminder schedules';

interface Planned {
  id: string;
  parsed: ParsedDeadLetter;
}

/**
 * Decides and, unless a dry run, publishes: every contract event goes through the typed
 * publisher (which validates again), everything else is left with the reason. Returns one
 * line per entry, in input order; `deletable` says which entries may now be removed.
 */
export async function redriveEntries(
  publisher: Publisher,
  entries: readonly Planned[],
  options: { dryRun: boolean },
): Promise<{ line: RedriveLine; deletable: boolean }[]> {
  const lines: { line: RedriveLine; deletable: boolean }[] = entries.map(({ id, parsed }) => {
    if (parsed.kind === 'malformed') {
      return { line: { id, outcome: 'malformed', ids: {}, note: parsed.problem, deleted: false }, deletable: false };
    }
    if (parsed.kind === 'schedule-input') {
      return {
        line: {
          id,
          outcome: 'schedule-input',
          format: parsed.format,
          job: parsed.job,
          ids: idsOf(parsed.input),
          cause: parsed.error,
          note: SCHEDULE_INPUT_NOTE,
          deleted: false,
        },
        deletable: false,
      };
    }
    const base = {
      id,
      format: parsed.format,
      detailType: parsed.detailType,
      ids: idsOf(parsed.detail),
      cause: parsed.error,
      deleted: false,
    };
    const definition = findEventDefinition(parsed.source, parsed.detailType);
    if (!definition) {
      return {
        line: { ...base, outcome: 'not-a-contract-event', note: `${parsed.source} / ${parsed.detailType}` },
        deletable: false,
      };
    }
    if (options.dryRun) {
      // The publisher's own check, so that "would publish" means it: problems name fields, never values.
      try {
        parseDetail(definition.detailType, parsed.detail);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        return { line: { ...base, outcome: 'invalid', note: error.problems.join('; ') }, deletable: false };
      }
      return { line: { ...base, outcome: 'would-publish' }, deletable: false };
    }
    return { line: { ...base, outcome: 'published' }, deletable: false };
  });

  const toPublish = lines.flatMap((entry, index) => (entry.line.outcome === 'published' ? [index] : []));
  if (toPublish.length === 0) return lines;
  const events = toPublish.map((index) => {
    const parsed = entries[index]!.parsed as Extract<ParsedDeadLetter, { kind: 'event' }>;
    // The publisher validates the detail against the detail-type before sending anything.
    return { detailType: parsed.detailType, detail: parsed.detail } as PublishEvent;
  });
  const results: PublishResult[] = await publisher.publish(events);
  toPublish.forEach((index, position) => {
    const entry = lines[index]!;
    const result = results[position]!;
    if (result.status === 'published') {
      entry.line.eventBridgeId = result.eventBridgeId;
      entry.deletable = true;
    } else if (result.status === 'invalid') {
      entry.line.outcome = 'invalid';
      entry.line.note = result.problems.join('; ');
    } else {
      entry.line.outcome = 'publish-failed';
      // The code only: a service message is not needed to act and may be long.
      entry.line.note = result.errorCode;
    }
  });
  return lines;
}

function summarise(
  lines: RedriveLine[],
  stoppedBecause: RedriveSummary['stoppedBecause'],
  deletes: boolean,
): RedriveSummary {
  const counts = emptyCounts();
  for (const line of lines) counts[line.outcome] += 1;
  return {
    lines,
    counts,
    deleted: lines.filter((line) => line.deleted).length,
    deleteFailures: deletes ? lines.filter((line) => line.outcome === 'published' && !line.deleted).length : 0,
    stoppedBecause,
  };
}

export interface RedriveQueueOptions {
  sqs: SQSClient;
  publisher: Publisher;
  queueUrl: string;
  dryRun: boolean;
  /** At most this many messages are looked at. */
  max: number;
  /** Called once per message, as soon as its outcome is known. */
  onLine?: (line: RedriveLine) => void;
  /** Seconds a received message stays hidden while it is handled. Default 120 (10 in a dry run). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each ReceiveMessage. Default 1. */
  waitTimeSeconds?: number;
}

/** The visibility timeout of a dry run: short, so the messages are soon there again for the real run. */
export const DRY_RUN_VISIBILITY_SECONDS = 10;
export const REDRIVE_VISIBILITY_SECONDS = 120;

/**
 * Redrives one SQS dead-letter queue: receives in batches of up to 10 (long poll), turns
 * each message back into its contract event, re-publishes through the typed publisher,
 * deletes exactly the messages that were published, and makes the ones left visible again
 * when it is done. A dry run publishes and deletes nothing.
 *
 * Safe to run twice, or concurrently with itself: handlers act once per eventId, so an
 * event published again (a delete that failed, a message received twice) changes nothing.
 */
export async function redriveQueue(options: RedriveQueueOptions): Promise<RedriveSummary> {
  const { sqs, publisher, queueUrl, dryRun, max } = options;
  const visibility =
    options.visibilityTimeoutSeconds ?? (dryRun ? DRY_RUN_VISIBILITY_SECONDS : REDRIVE_VISIBILITY_SECONDS);
  const lines: RedriveLine[] = [];
  /** Messages left in the queue, by id, with their newest receipt handle, to make them visible again. */
  const left = new Map<string, string>();
  const seen = new Set<string>();
  let stoppedBecause: RedriveSummary['stoppedBecause'] = 'queue-empty';

  for (;;) {
    if (seen.size >= max) {
      stoppedBecause = 'max-reached';
      break;
    }
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        VisibilityTimeout: visibility,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const fresh: Message[] = [];
    for (const message of Messages) {
      const id = message.MessageId ?? message.ReceiptHandle ?? '';
      if (seen.has(id)) {
        // Its visibility lapsed during a long run: keep the newest handle, do not handle it twice.
        if (left.has(id) && message.ReceiptHandle) left.set(id, message.ReceiptHandle);
        continue;
      }
      seen.add(id);
      fresh.push(message);
    }
    if (fresh.length === 0) {
      stoppedBecause = 'messages-came-round-again';
      break;
    }

    const decided = await redriveEntries(
      publisher,
      fresh.map((message) => ({ id: message.MessageId ?? '?', parsed: parseDeadLetterMessage(message) })),
      { dryRun },
    );
    const deletable = fresh.flatMap((message, index) => (decided[index]!.deletable ? [{ message, index }] : []));
    if (!dryRun && deletable.length > 0) {
      const response = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: deletable.map(({ message, index }) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
      const failed = new Set((response.Failed ?? []).map((failure) => failure.Id));
      for (const { index } of deletable) {
        const line = decided[index]!.line;
        if (failed.has(String(index))) {
          line.note = 'published, but the delete failed: it stays in the queue; a later redrive is harmless';
        } else line.deleted = true;
      }
    }
    fresh.forEach((message, index) => {
      const { line } = decided[index]!;
      if (!line.deleted && message.MessageId && message.ReceiptHandle)
        left.set(message.MessageId, message.ReceiptHandle);
      lines.push(line);
      options.onLine?.(line);
    });
  }

  await releaseLeft(sqs, queueUrl, left);
  return summarise(lines, stoppedBecause, !dryRun);
}

/** Makes the messages left in the queue visible again at once, for the next run or another reader. Best effort. */
async function releaseLeft(sqs: SQSClient, queueUrl: string, left: Map<string, string>) {
  const handles = [...left.values()];
  for (let start = 0; start < handles.length; start += 10) {
    try {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: handles
            .slice(start, start + 10)
            .map((handle, index) => ({ Id: String(start + index), ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      );
    } catch {
      // They become visible by themselves when the visibility timeout ends.
    }
  }
}

/**
 * Redrives the local stack's dead letters (GET /_local/dead-letters). Nothing can be removed
 * there, so every run publishes what is listed again: harmless, since handlers act once per eventId.
 */
export async function redriveRecords(options: {
  publisher: Publisher;
  records: readonly unknown[];
  dryRun: boolean;
  max: number;
  onLine?: (line: RedriveLine) => void;
}): Promise<RedriveSummary> {
  const entries = options.records
    .slice(0, options.max)
    .map((record, index) => ({ id: `#${index + 1}`, parsed: parseDeadLetterRecord(record) }));
  const decided = await redriveEntries(options.publisher, entries, { dryRun: options.dryRun });
  for (const { line } of decided) options.onLine?.(line);
  return summarise(
    decided.map(({ line }) => line),
    options.records.length > options.max ? 'max-reached' : 'no-more-entries',
    false,
  );
}
