import { FUNCTION_DEFAULTS } from '../../infra/careloop-stack';
import { DEFAULT_SETTINGS, type TracingMode } from '../../infra/settings';
import { tableDefinition } from '../../shared/table-definition';
import type { LocalStack } from '../../infra/local/stack';
import type { PublishEvent } from '../../shared/adapters/event-publisher';
import { PRICES, type PriceKey } from './prices';
import type { SdkCall } from './sdk-probe';
import { bookingCreated, localPublisher, sessionCompleted, type ScenarioContext } from './scenarios';

/**
 * What one booking lifecycle bills (booking → confirmation, reminder, session → follow-up,
 * check-in), counted while the local stack lives through `lifecycles` of them, as front ends
 * and the clock would drive them on AWS. Every figure is counted in this run: invocations and
 * their durations from the stack, DynamoDB units from ReturnConsumedCapacity, emails and
 * Scheduler firings from the emulators, log bytes from what the handlers wrote.
 */

/**
 * Lambda's own lines per invocation (START, END, REPORT with X-Ray ids, text format): about
 * 370 bytes, measured from sample lines; the handlers' lines are counted, not estimated.
 */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = 370;
/**
 * SQS requests per due job: the Scheduler's SendMessage, Lambda's ReceiveMessage and its
 * DeleteMessage. Under load Lambda receives and deletes in batches, so this is the upper bound.
 */
export const SQS_REQUESTS_PER_DUE_JOB = 3;
/**
 * X-Ray traces recorded per invocation under each tracing mode (infra/settings.ts). Active: X-Ray's
 * rule for Lambda records the first invocation each second, and a clinic's invocations come far
 * apart, so every one. Pass-through: only events a front end's own tracing sampled; the lifecycles
 * here are published with no trace header, as an untraced front end publishes them.
 */
export const TRACES_PER_INVOCATION: Record<TracingMode, number> = { active: 1, passthrough: 0 };
const TRACES_ITEM: Record<TracingMode, string> = {
  active: 'X-Ray traces (active tracing, every invocation sampled)',
  passthrough: 'X-Ray traces (pass-through: only what a front end sampled)',
};

/**
 * DynamoDB bills each item of a transaction twice its usual units, its index copies included.
 * DynamoDB Local's figure for a transaction does not follow that (one item or two, it says 2),
 * so transactions are billed here from their items: 2 x ceil(size / 1 KB), for the table and
 * again for the byPatient index (projection ALL) when the item carries its keys.
 */
const TRANSACTION_FACTOR = 2;
const INDEX_KEY = tableDefinition.indexes[0].partitionKey;

type AttributeValue = {
  S?: string;
  N?: string;
  B?: Uint8Array;
  BOOL?: boolean;
  NULL?: boolean;
  M?: Item;
  L?: AttributeValue[];
  SS?: string[];
  NS?: string[];
};
type Item = Record<string, AttributeValue>;

/** An item's size as DynamoDB counts it: names and values in bytes, with its small per-type overheads. */
export function itemSize(item: Item): number {
  const valueSize = (value: AttributeValue): number => {
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
    if (value.B !== undefined) return value.B.length;
    if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
    if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
    if (value.L !== undefined) return 3 + value.L.reduce((sum, entry) => sum + 1 + valueSize(entry), 0);
    if (value.SS !== undefined) return value.SS.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0);
    if (value.NS !== undefined) return value.NS.reduce((sum, entry) => sum + entry.length, 0);
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function transactionWriteUnits(call: SdkCall): number {
  const items =
    (call.input.TransactItems as
      | { Put?: { Item: Item }; Update?: { Key: Item; ExpressionAttributeValues?: Item }; ConditionCheck?: unknown }[]
      | undefined) ?? [];
  return items.reduce((sum, { Put, Update, ConditionCheck }) => {
    if (Put) {
      const units = Math.ceil(itemSize(Put.Item) / 1024);
      return sum + TRANSACTION_FACTOR * (Put.Item[INDEX_KEY] ? 2 * units : units);
    }
    // An email claim marked sent (the store's only update in a transaction): a small item off the
    // index, priced by its key and the values written, which bound it from below.
    if (Update) {
      const units = Math.max(
        1,
        Math.ceil((itemSize(Update.Key) + itemSize(Update.ExpressionAttributeValues ?? {})) / 1024),
      );
      return sum + TRANSACTION_FACTOR * units;
    }
    // A booking's version checked with the email that settled it: DynamoDB bills a ConditionCheck
    // as a transactional write of the item it reads; a booking is priced at one unit, from below.
    if (ConditionCheck) return sum + TRANSACTION_FACTOR;
    throw new Error(
      'the cost model prices transactions of Puts, Updates and ConditionChecks only, which is all the store writes',
    );
  }, 0);
}

export interface CostObservation {
  sdkCalls: SdkCall[];
  invocations: { functionName: string; durationMs: number }[];
  handlerLogBytes: number;
}

export interface LifecycleCost {
  lifecycles: number;
  perLifecycle: Record<string, number>;
  lines: { item: string; perLifecycle: number; unit: string; price: PriceKey; usdPer1000: number }[];
  usdPer1000: number;
  floorUsdPer1000: number;
  ratioToFloor: number;
  invocationsByFunction: Record<string, number>;
  dynamoCallsPerLifecycle: Record<string, number>;
}

const capacityOf = (call: SdkCall) => {
  if (call.command === 'TransactWriteItemsCommand') return transactionWriteUnits(call);
  const consumed = call.output?.ConsumedCapacity as
    { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
  const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  // With ReturnConsumedCapacity INDEXES, CapacityUnits is the table's and its indexes' together.
  return entries.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
};

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

/** Bytes of an email's attachments (the calendar invitation): SES bills them by the GB. */
function attachmentBytes(call: SdkCall): number {
  const simple = (call.input.Content as { Simple?: { Attachments?: { RawContent?: Uint8Array }[] } } | undefined)
    ?.Simple;
  return (simple?.Attachments ?? []).reduce((sum, attachment) => sum + (attachment.RawContent?.length ?? 0), 0);
}

export function priceLifecycles(
  lifecycles: number,
  observed: CostObservation,
  schedulerInvocations: number,
  putEventsEntries: number,
  tracing: TracingMode = DEFAULT_SETTINGS.tracing,
): LifecycleCost {
  const per = (value: number) => value / lifecycles;
  const successful = observed.sdkCalls.filter((call) => !call.error);
  const dynamo = successful.filter((call) => call.client === 'DynamoDBClient');
  const reads = dynamo.filter((call) => READS.has(call.command)).reduce((sum, call) => sum + capacityOf(call), 0);
  const writes = dynamo.filter((call) => !READS.has(call.command)).reduce((sum, call) => sum + capacityOf(call), 0);
  const emails = successful.filter((call) => call.command === 'SendEmailCommand');
  const secretCalls = successful.filter((call) => call.client === 'SecretsManagerClient').length;
  const gbSeconds = observed.invocations.reduce(
    (sum, { durationMs }) => sum + (Math.ceil(durationMs) / 1000) * (FUNCTION_DEFAULTS.memorySize / 1024),
    0,
  );
  // The local queue hands the due-jobs function several jobs at once; on AWS, at a clinic's pace,
  // each job mostly arrives alone. Counted one invocation per job, the dearer case.
  const dueJobsInvocations = observed.invocations.filter((invocation) => invocation.functionName === 'due-jobs').length;
  const invocations =
    observed.invocations.length - dueJobsInvocations + Math.max(dueJobsInvocations, schedulerInvocations);
  const logBytes = observed.handlerLogBytes + invocations * PLATFORM_LOG_BYTES_PER_INVOCATION;
  const quantities: { item: string; quantity: number; unit: string; price: PriceKey }[] = [
    {
      item: 'EventBridge PutEvents entries',
      quantity: putEventsEntries,
      unit: 'entries',
      price: 'eventBridgeCustomEvent',
    },
    { item: 'Lambda invocations', quantity: invocations, unit: 'invocations', price: 'lambdaRequest' },
    {
      item: `Lambda compute at ${FUNCTION_DEFAULTS.memorySize} MB`,
      quantity: gbSeconds,
      unit: 'GB-s',
      price: 'lambdaGbSecondArm',
    },
    { item: 'DynamoDB writes', quantity: writes, unit: 'WRU', price: 'dynamoWriteRequestUnit' },
    { item: 'DynamoDB reads', quantity: reads, unit: 'RRU', price: 'dynamoReadRequestUnit' },
    {
      item: 'Scheduler invocations',
      quantity: schedulerInvocations,
      unit: 'invocations',
      price: 'schedulerInvocation',
    },
    {
      item: 'SQS requests (due-jobs queue)',
      quantity: schedulerInvocations * SQS_REQUESTS_PER_DUE_JOB,
      unit: 'requests',
      price: 'sqsRequest',
    },
    { item: 'SES messages', quantity: emails.length, unit: 'emails', price: 'sesMessage' },
    {
      item: 'SES attachments',
      quantity: emails.reduce((sum, call) => sum + attachmentBytes(call), 0) / 1e9,
      unit: 'GB',
      price: 'sesAttachmentGb',
    },
    { item: 'CloudWatch Logs ingestion', quantity: logBytes / 1e9, unit: 'GB', price: 'logsIngestionGb' },
    {
      item: TRACES_ITEM[tracing],
      quantity: invocations * TRACES_PER_INVOCATION[tracing],
      unit: 'traces',
      price: 'xrayTraceRecorded',
    },
    { item: 'Secrets Manager calls', quantity: secretCalls, unit: 'calls', price: 'secretsManagerApiCall' },
  ];
  const lines = quantities.map(({ item, quantity, unit, price }) => ({
    item,
    perLifecycle: per(quantity),
    unit,
    price,
    usdPer1000: per(quantity) * PRICES.prices[price].usd * 1000,
  }));
  const usdPer1000 = lines.reduce((sum, line) => sum + line.usdPer1000, 0);
  const floorUsdPer1000 = per(emails.length) * PRICES.prices.sesMessage.usd * 1000;
  const count = <T>(items: T[], key: (item: T) => string) =>
    Object.fromEntries(
      Object.entries(
        items.reduce<Record<string, number>>((acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc), {}),
      ).map(([name, n]) => [name, per(n)]),
    );
  return {
    lifecycles,
    perLifecycle: Object.fromEntries(lines.map((line) => [line.item, line.perLifecycle])),
    lines,
    usdPer1000,
    floorUsdPer1000,
    ratioToFloor: usdPer1000 / floorUsdPer1000,
    invocationsByFunction: count(observed.invocations, (invocation) => invocation.functionName),
    dynamoCallsPerLifecycle: count(dynamo, (call) => call.command.replace(/Command$/, '')),
  };
}

export interface CostPhaseOptions {
  stack: LocalStack;
  lifecycles: number;
  /** Collects what happens from now until the returned function is called. */
  observe(): () => CostObservation;
  log(message: string): void;
}

export async function runCostPhase(options: CostPhaseOptions): Promise<LifecycleCost> {
  const { stack } = options;
  const publisher = localPublisher(stack.endpoints.events);
  const advance = async (seconds: number) => {
    const response = await fetch(`${stack.endpoints.events}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: Math.ceil(seconds) }),
    });
    const { fired } = (await response.json()) as { fired: number };
    await stack.idle();
    return fired;
  };
  const publish = async (events: PublishEvent[]) => {
    for (let i = 0; i < events.length; i += 10) {
      const results = await publisher.publish(events.slice(i, i + 10));
      const failed = results.filter((result) => result.status !== 'published');
      if (failed.length > 0) throw new Error(`lifecycle events not published: ${JSON.stringify(failed)}`);
    }
    await stack.idle();
    return events.length;
  };

  const tokens = Array.from({ length: options.lifecycles }, (_, i) => `lc${String(i).padStart(6, '0')}`);
  const context = (): ScenarioContext => ({ now: stack.clock.now(), unsubscribeKey: '' });
  const booked = context();
  const stop = options.observe();
  options.log(`cost: ${options.lifecycles} booking lifecycles`);
  let entries = await publish(
    tokens.map((token) => ({ detailType: 'BookingCreated', detail: bookingCreated(token, booked) })),
  );
  const startsAt = Date.parse(bookingCreated(tokens[0]!, booked).booking.startsAt);
  let fired = await advance((startsAt - 24 * 3600_000 - stack.clock.now().getTime()) / 1000 + 60);
  fired += await advance((startsAt + 65 * 60_000 - stack.clock.now().getTime()) / 1000);
  const completed = context();
  entries += await publish(
    tokens.map((token) => ({ detailType: 'SessionCompleted', detail: sessionCompleted(token, completed) })),
  );
  fired += await advance(3 * 24 * 3600 + 60);
  const observed = stop();
  if (stack.deadLetters.length > 0)
    throw new Error(`the lifecycles left dead letters: ${JSON.stringify(stack.deadLetters.slice(0, 3))}`);
  const cost = priceLifecycles(options.lifecycles, observed, fired, entries);
  const emails = cost.perLifecycle['SES messages'];
  if (emails !== 4)
    throw new Error(`expected 4 emails per lifecycle (confirmation, reminder, follow-up, check-in), saw ${emails}`);
  return cost;
}
