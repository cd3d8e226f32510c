import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../infra/settings';
import {
  itemSize,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  priceLifecycles,
  TRACES_PER_INVOCATION,
  type CostObservation,
} from '../../../scripts/bench/cost-phase';
import { PRICES } from '../../../scripts/bench/prices';
import type { SdkCall } from '../../../scripts/bench/sdk-probe';
import { percentile } from '../../../scripts/bench/stats';

const call = (client: string, command: string, extra: Partial<SdkCall> = {}): SdkCall => ({
  client,
  command,
  input: {},
  startedAt: 0,
  endedAt: 1,
  ...extra,
});

const consumed = (units: number) => ({ output: { ConsumedCapacity: { TableName: 't', CapacityUnits: units } } });

describe('the cost model of a booking lifecycle', () => {
  const observed: CostObservation = {
    sdkCalls: [
      call('DynamoDBClient', 'GetItemCommand', consumed(0.5)),
      call('DynamoDBClient', 'QueryCommand', consumed(1.5)),
      call('DynamoDBClient', 'PutItemCommand', consumed(3)),
      // DynamoDB Local's own figure for a transaction is ignored: the items decide.
      call('DynamoDBClient', 'TransactWriteItemsCommand', {
        input: {
          TransactItems: [
            { Put: { Item: { pk: { S: 'booking' }, gsi1pk: { S: 'patient' }, data: { S: 'x'.repeat(1500) } } } },
            { Put: { Item: { pk: { S: 'patient' }, data: { S: 'small' } } } },
          ],
        },
        output: { ConsumedCapacity: [{ TableName: 't', CapacityUnits: 2 }] },
      }),
      call('DynamoDBClient', 'PutItemCommand', { ...consumed(5), error: 'ConditionalCheckFailedException' }),
      ...Array.from({ length: 8 }, () =>
        call('SESv2Client', 'SendEmailCommand', {
          input: { Content: { Simple: { Attachments: [{ RawContent: new Uint8Array(1000) }] } } },
        }),
      ),
      call('SecretsManagerClient', 'GetSecretValueCommand'),
    ],
    invocations: [
      { functionName: 'booking-created', durationMs: 99.2 },
      { functionName: 'booking-created', durationMs: 100 },
      { functionName: 'due-jobs', durationMs: 400 },
    ],
    handlerLogBytes: 6000,
  };
  const twoLifecycles = priceLifecycles(2, observed, 4, 4, 'active');
  const line = (item: string) => twoLifecycles.lines.find((entry) => entry.item.startsWith(item))!;

  it('bills a transaction’s items twice, index copies included, and leaves out refused calls', () => {
    // Booking: 2 KB in the table and again in the index, twice; patient: 1 KB, twice.
    expect(line('DynamoDB writes').perLifecycle).toBe((3 + 2 * (2 + 2) + 2 * 1) / 2);
    expect(line('DynamoDB reads').perLifecycle).toBe((0.5 + 1.5) / 2);
  });

  it('counts one due-jobs invocation per scheduled job, even when the local queue batched them', () => {
    expect(line('Lambda invocations').perLifecycle).toBe((2 + 4) / 2);
    expect(line('X-Ray').perLifecycle).toBe(3);
  });

  it('prices traces as the deployed tracing mode records them, the stack’s default unless told', () => {
    const traces = (cost: ReturnType<typeof priceLifecycles>) =>
      cost.lines.find((entry) => entry.item.startsWith('X-Ray'))!;
    expect(traces(priceLifecycles(2, observed, 4, 4, 'passthrough')).perLifecycle).toBe(0);
    expect(traces(priceLifecycles(2, observed, 4, 4, 'passthrough')).item).toContain('pass-through');
    expect(traces(priceLifecycles(2, observed, 4, 4)).perLifecycle).toBe(
      3 * TRACES_PER_INVOCATION[DEFAULT_SETTINGS.tracing],
    );
  });

  it('bills compute in whole milliseconds at the configured memory', () => {
    expect(line('Lambda compute').perLifecycle).toBeCloseTo((((100 + 100 + 400) / 1000) * 0.25) / 2, 10);
  });

  it('adds Lambda’s own log lines to what the handlers wrote', () => {
    expect(line('CloudWatch Logs').perLifecycle).toBeCloseTo(
      (6000 + 6 * PLATFORM_LOG_BYTES_PER_INVOCATION) / 1e9 / 2,
      15,
    );
  });

  it('puts the floor at the SES messages alone and compares the total with it', () => {
    expect(twoLifecycles.floorUsdPer1000).toBeCloseTo(4 * PRICES.prices.sesMessage.usd * 1000, 10);
    expect(twoLifecycles.ratioToFloor).toBeCloseTo(twoLifecycles.usdPer1000 / twoLifecycles.floorUsdPer1000, 10);
    expect(twoLifecycles.ratioToFloor).toBeGreaterThan(1);
    expect(line('SES attachments').perLifecycle).toBeCloseTo((8 * 1000) / 1e9 / 2, 15);
  });

  it('sums every line into the total', () => {
    const sum = twoLifecycles.lines.reduce((total, entry) => total + entry.usdPer1000, 0);
    expect(twoLifecycles.usdPer1000).toBeCloseTo(sum, 12);
  });
});

describe('a booking’s version checked with the email that settled it', () => {
  it('bills the ConditionCheck as a transactional write of one unit', () => {
    const priced = priceLifecycles(
      1,
      {
        sdkCalls: [
          call('DynamoDBClient', 'TransactWriteItemsCommand', {
            input: { TransactItems: [{ ConditionCheck: { Key: { pk: { S: 'booking' } } } }] },
          }),
        ],
        invocations: [],
        handlerLogBytes: 0,
      },
      0,
      0,
    );
    expect(priced.lines.find((entry) => entry.item === 'DynamoDB writes')!.perLifecycle).toBe(2);
  });
});

describe('item sizes', () => {
  it('count names and values in bytes, as DynamoDB does', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(5);
    expect(itemSize({ name: { S: 'Jürgen' } })).toBe(4 + 7);
    expect(itemSize({ v: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ ok: { BOOL: true }, data: { M: { a: { S: 'xy' } } } })).toBe(2 + 1 + 4 + 3 + 3 + 1);
  });
});

describe('percentiles', () => {
  it('are values that were measured (nearest rank), never interpolated', () => {
    const values = [5, 1, 4, 2, 3, 100];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 99)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
