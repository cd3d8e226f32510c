import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';

import { eventCatalog, type DetailType } from '../../events/catalog';
import { careLoopFunctions } from '../../functions/catalog';
import { eventPatternOf, triggerOf } from '../../infra/function-plan';
import {
  createEventBridgeEmulator,
  EventBridgeApiError,
  putEventsEntrySize,
  type DeadLetter,
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  type EventBridgeEnvelope,
} from '../../infra/local/eventbridge-emulator';

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const BUS = 'clinic-events';
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;
/** The stack's clock, pinned: events without Time get this instant. */
const NOW = new Date('2026-03-28T12:00:00.000Z');

interface Harness {
  emulator: EventBridgeEmulator;
  client: EventBridgeClient;
  invocations: Array<{ target: string; event: EventBridgeEnvelope }>;
  deadLetters: DeadLetter[];
}

let server: http.Server | undefined;
let client: EventBridgeClient | undefined;

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

type TargetBehaviour = (event: EventBridgeEnvelope) => Promise<unknown>;

/** One target per bus route, each recording its invocations; `behaviour` overrides one by name. */
async function start(
  options: Partial<EventBridgeEmulatorOptions> & { behaviour?: Record<string, TargetBehaviour> } = {},
): Promise<Harness> {
  const invocations: Harness['invocations'] = [];
  const deadLetters: DeadLetter[] = [];
  const { behaviour = {}, ...overrides } = options;
  const emulator = createEventBridgeEmulator({
    busName: BUS,
    region: REGION,
    accountId: ACCOUNT,
    clock: { now: () => NOW },
    targets: careLoopFunctions
      .filter((route) => triggerOf(route, 'bus'))
      .map((route) => ({
        name: route.name,
        pattern: eventPatternOf(route),
        invoke: async (event: EventBridgeEnvelope) => {
          invocations.push({ target: route.name, event });
          return behaviour[route.name]?.(event);
        },
      })),
    onDeadLetter: (entry) => deadLetters.push(entry),
    retryDelaysMs: [1, 1],
    ...overrides,
  });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/') {
        void emulator.handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { emulator, client, invocations, deadLetters };
}

function entry(type: DetailType, detail: object = { bookingId: 'b-1' }, bus = BUS): PutEventsRequestEntry {
  return { EventBusName: bus, Source: eventCatalog[type].source, DetailType: type, Detail: JSON.stringify(detail) };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be refused');
}

describe('PutEvents through the AWS SDK', () => {
  it('accepts entries and answers a fresh EventId for each, in order', async () => {
    const { client, emulator } = await start();

    const answer = await client.send(
      new PutEventsCommand({ Entries: [entry('BookingCreated'), entry('SessionCompleted')] }),
    );

    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries).toHaveLength(2);
    for (const result of answer.Entries ?? []) expect(result.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.Entries?.[0]?.EventId).not.toBe(answer.Entries?.[1]?.EventId);
    await emulator.idle();
    expect(emulator.stats()).toMatchObject({ published: 2, delivered: 2, failed: 0, inFlight: 0 });
  });

  it('refuses more than 10 entries with a ValidationException', async () => {
    const { client, invocations, emulator } = await start();

    const error = await rejection(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry('BookingCreated')) })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(
      /^1 validation error detected: Value '\[.*\]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
    expect(error.$metadata?.httpStatusCode).toBe(400);
    await emulator.idle();
    expect(invocations).toEqual([]);
    expect(emulator.stats().published).toBe(0);
  });

  it('refuses an empty entry list with a ValidationException', async () => {
    const { client } = await start();

    const error = await rejection(client.send(new PutEventsCommand({ Entries: [] })));

    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('Member must have length greater than or equal to 1');
  });

  it('reports a bad entry among good ones in its own position and accepts the others', async () => {
    const { client, emulator, invocations } = await start();

    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          entry('BookingCreated'),
          { EventBusName: BUS, Source: 'clinic.booking', DetailType: 'BookingCreated' },
          entry('BookingCancelled'),
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[0]?.EventId).toBeDefined();
    expect(answer.Entries?.[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
    });
    expect(answer.Entries?.[2]?.EventId).toBeDefined();
    await emulator.idle();
    expect(invocations.map(({ target }) => target).sort()).toEqual(['booking-cancelled', 'booking-created']);
  });

  it('answers InvalidArgument for a missing Source or DetailType and MalformedDetail for a detail that is no JSON object', async () => {
    const { client } = await start();

    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS, DetailType: 'BookingCreated', Detail: '{}' },
          { EventBusName: BUS, Source: 'clinic.booking', Detail: '{}' },
          { EventBusName: BUS, Source: 'clinic.booking', DetailType: 'BookingCreated', Detail: 'not json' },
          { EventBusName: BUS, Source: 'clinic.booking', DetailType: 'BookingCreated', Detail: '[1, 2]' },
        ],
      }),
    );

    expect(answer).toMatchObject({
      FailedEntryCount: 4,
      Entries: [
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
        },
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
        },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      ],
    });
  });

  it('accepts the bus by name and by ARN', async () => {
    const { client, emulator, invocations } = await start();

    const answer = await client.send(
      new PutEventsCommand({ Entries: [entry('BookingCreated', {}, BUS), entry('BookingCreated', {}, BUS_ARN)] }),
    );

    expect(answer.FailedEntryCount).toBe(0);
    await emulator.idle();
    expect(invocations).toHaveLength(2);
  });

  it('accepts the bus by ARN in the region the request is signed for, and only that one besides its own', async () => {
    const { emulator, invocations } = await start();
    const { port } = server!.address() as AddressInfo;
    const usEast = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const arnIn = (region: string) => `arn:aws:events:${region}:${ACCOUNT}:event-bus/${BUS}`;
      const answer = await usEast.send(
        new PutEventsCommand({
          Entries: [entry('BookingCreated', {}, arnIn('us-east-1')), entry('BookingCreated', {}, BUS_ARN)],
        }),
      );
      expect(answer.FailedEntryCount).toBe(0);
      const error = await rejection(
        usEast.send(new PutEventsCommand({ Entries: [entry('BookingCreated', {}, arnIn('ap-south-1'))] })),
      );
      expect(error.name).toBe('ResourceNotFoundException');
    } finally {
      usEast.destroy();
    }
    await emulator.idle();
    expect(invocations).toHaveLength(2);
  });

  it('refuses an unknown bus, a bus ARN of another account and the absent default bus', async () => {
    const { client, emulator } = await start();

    for (const bus of ['clinic-event', `arn:aws:events:${REGION}:999999999999:event-bus/${BUS}`, undefined]) {
      const error = await rejection(
        client.send(
          new PutEventsCommand({
            Entries: [entry('BookingCreated'), { ...entry('BookingCreated'), EventBusName: bus }],
          }),
        ),
      );
      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.message).toBe(`Event bus ${bus ?? 'default'} does not exist.`);
    }
    await emulator.idle();
    expect(emulator.stats().published).toBe(0);
  });

  it('refuses a request whose entries exceed 256 KB in total', async () => {
    const { client } = await start();
    const big = { EventBusName: BUS, Source: 'clinic.booking', DetailType: 'BookingCreated' };
    const detail = JSON.stringify({ notes: 'x'.repeat(130 * 1024) });

    const error = await rejection(
      client.send(
        new PutEventsCommand({
          Entries: [
            { ...big, Detail: detail },
            { ...big, Detail: detail },
          ],
        }),
      ),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Total size of the entries in the request is over the limit.');
  });

  it('answers UnknownOperationException for other EventBridge operations', async () => {
    const { client } = await start();

    const error = await rejection(client.send(new ListRulesCommand({})));

    expect(error.name).toBe('UnknownOperationException');
  });

  it('answers awsJson1_1 errors with __type, message and the x-amzn-ErrorType header', async () => {
    await start();
    const { port } = server!.address() as AddressInfo;

    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}' }] }),
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'Event bus default does not exist.',
    });
  });
});

describe('delivery to targets', () => {
  it('routes an event to the matching target only, with the envelope Lambda receives', async () => {
    const { client, emulator, invocations } = await start();

    const answer = await client.send(
      new PutEventsCommand({ Entries: [entry('BookingRescheduled', { bookingId: 'b-7', version: 2 })] }),
    );
    await emulator.idle();

    expect(invocations).toEqual([
      {
        target: 'booking-rescheduled',
        event: {
          version: '0',
          id: answer.Entries?.[0]?.EventId,
          'detail-type': 'BookingRescheduled',
          source: 'clinic.booking',
          account: ACCOUNT,
          time: '2026-03-28T12:00:00Z',
          region: REGION,
          resources: [],
          detail: { bookingId: 'b-7', version: 2 },
        },
      },
    ]);
  });

  it('delivers each contract event to exactly the route that lists it', async () => {
    const { client, emulator, invocations } = await start();
    const types = Object.keys(eventCatalog) as DetailType[];

    await client.send(new PutEventsCommand({ Entries: types.map((type) => entry(type)) }));
    await emulator.idle();

    const received = invocations.map(({ target, event }) => [target, event['detail-type']]).sort();
    const expected = careLoopFunctions
      .flatMap((route) => (triggerOf(route, 'bus')?.events ?? []).map((type) => [route.name, type]))
      .sort();
    expect(received).toEqual(expected);
  });

  it('delivers nothing for an event no rule matches', async () => {
    const { client, emulator, invocations } = await start();

    const answer = await client.send(
      new PutEventsCommand({ Entries: [{ ...entry('BookingCreated'), Source: 'clinic.unknown' }] }),
    );
    await emulator.idle();

    expect(answer.FailedEntryCount).toBe(0);
    expect(invocations).toEqual([]);
    expect(emulator.stats()).toMatchObject({ published: 1, delivered: 0 });
  });

  it('uses the entry Time when one is given', async () => {
    const { client, emulator, invocations } = await start();

    await client.send(
      new PutEventsCommand({ Entries: [{ ...entry('BookingCreated'), Time: new Date('2026-01-02T03:04:05Z') }] }),
    );
    await emulator.idle();

    expect(invocations[0]?.event.time).toBe('2026-01-02T03:04:05Z');
  });

  it('answers before any target runs', async () => {
    const gate = deferred();
    const { client, emulator, invocations } = await start({
      behaviour: { 'booking-created': () => gate.promise },
    });

    const answer = await client.send(new PutEventsCommand({ Entries: [entry('BookingCreated')] }));

    expect(answer.FailedEntryCount).toBe(0);
    gate.resolve();
    await emulator.idle();
    expect(invocations).toHaveLength(1);
  });

  it('tries a throwing target three times, then dead-letters the event with the error message', async () => {
    const { client, emulator, invocations, deadLetters } = await start({
      behaviour: {
        'booking-cancelled': async () => {
          throw new Error('SES is down');
        },
      },
    });
    const before = Date.now();

    await client.send(new PutEventsCommand({ Entries: [entry('BookingCancelled', { bookingId: 'b-9' })] }));
    await emulator.idle();

    expect(invocations.filter(({ target }) => target === 'booking-cancelled')).toHaveLength(3);
    expect(deadLetters).toEqual([
      {
        source: 'clinic.booking',
        detailType: 'BookingCancelled',
        detail: { bookingId: 'b-9' },
        error: 'SES is down',
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      },
    ]);
    expect(Date.parse(deadLetters[0]!.at)).toBeGreaterThanOrEqual(before);
    expect(emulator.stats()).toMatchObject({ published: 1, delivered: 0, failed: 1, inFlight: 0 });
  });

  it('delivers on a retry after a failure without dead-lettering', async () => {
    let failures = 1;
    const { client, emulator, invocations, deadLetters } = await start({
      behaviour: {
        'booking-created': async () => {
          if (failures-- > 0) throw new Error('cold start');
        },
      },
    });

    await client.send(new PutEventsCommand({ Entries: [entry('BookingCreated')] }));
    await emulator.idle();

    expect(invocations).toHaveLength(2);
    expect(deadLetters).toEqual([]);
    expect(emulator.stats()).toMatchObject({ delivered: 1, failed: 0 });
  });

  it('keeps a failing target from affecting the other targets of the same event', async () => {
    const { emulator, deadLetters } = await start({
      targets: [
        { name: 'ok', pattern: { source: ['clinic.booking'] }, invoke: async () => 'fine' },
        {
          name: 'broken',
          pattern: { source: ['clinic.booking'] },
          invoke: async () => {
            throw new Error('broken');
          },
        },
      ],
    });

    await emulator.putEvents({ Entries: [entry('BookingCreated')] });
    await emulator.idle();

    expect(deadLetters.map(({ error }) => error)).toEqual(['broken']);
    expect(emulator.stats()).toMatchObject({ delivered: 1, failed: 1 });
  });

  it('tells which targets an accepted event goes to, and how each delivery ended', async () => {
    const accepted: Array<{ detailType: string; targets: string[] }> = [];
    const ended: Array<{ target: string; attempts: number; result?: unknown; error?: string }> = [];
    let failures = 1;
    const { emulator } = await start({
      targets: [
        { name: 'answers', pattern: { source: ['clinic.booking'] }, invoke: async () => ({ status: 'processed' }) },
        {
          name: 'flaky',
          pattern: { source: ['clinic.booking'] },
          invoke: async () => {
            if (failures-- > 0) throw new Error('cold start');
            return 'second time';
          },
        },
        {
          name: 'broken',
          pattern: { 'detail-type': ['BookingCancelled'] },
          invoke: async () => {
            throw new Error('broken');
          },
        },
      ],
      onAccepted: (envelope, targets) => accepted.push({ detailType: envelope['detail-type'], targets }),
      onDelivered: ({ target, attempts, envelope, ...end }) => {
        expect(envelope.source).toBe('clinic.booking');
        ended.push({ target, attempts, ...end });
      },
    });

    await emulator.putEvents({
      Entries: [entry('BookingCreated'), entry('BookingCancelled'), entry('SessionCompleted')],
    });
    await emulator.idle();

    expect(accepted).toEqual([
      { detailType: 'BookingCreated', targets: ['answers', 'flaky'] },
      { detailType: 'BookingCancelled', targets: ['answers', 'flaky', 'broken'] },
      { detailType: 'SessionCompleted', targets: [] },
    ]);
    const sorted = [...ended].sort((a, b) => `${a.target}${a.attempts}`.localeCompare(`${b.target}${b.attempts}`));
    expect(sorted).toEqual([
      { target: 'answers', attempts: 1, result: { status: 'processed' } },
      { target: 'answers', attempts: 1, result: { status: 'processed' } },
      { target: 'broken', attempts: 3, error: 'broken' },
      { target: 'flaky', attempts: 1, result: 'second time' },
      { target: 'flaky', attempts: 2, result: 'second time' },
    ]);
  });

  it('never runs more deliveries at once than the concurrency bound', async () => {
    const gates: Array<() => void> = [];
    let running = 0;
    let maxRunning = 0;
    const { emulator } = await start({
      concurrency: 2,
      targets: [
        {
          name: 'slow',
          pattern: { source: ['clinic.booking'] },
          invoke: async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await new Promise<void>((resolve) => gates.push(resolve));
            running--;
          },
        },
      ],
    });

    await emulator.putEvents({ Entries: Array.from({ length: 6 }, () => entry('BookingCreated')) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gates).toHaveLength(2);
    expect(emulator.stats().inFlight).toBe(2);
    while (gates.length > 0 || emulator.stats().inFlight > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await emulator.idle();

    expect(maxRunning).toBe(2);
    expect(emulator.stats()).toMatchObject({ delivered: 6, inFlight: 0 });
  });

  it('idle() waits for deliveries under way and for retries', async () => {
    const gate = deferred();
    let attempts = 0;
    const { emulator } = await start({
      retryDelaysMs: [30],
      targets: [
        {
          name: 'slow-then-failing',
          pattern: { source: ['clinic.booking'] },
          invoke: async () => {
            attempts++;
            await gate.promise;
            if (attempts === 1) throw new Error('first attempt fails');
          },
        },
      ],
    });
    let idle = false;

    await emulator.putEvents({ Entries: [entry('BookingCreated')] });
    const waiting = emulator.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(idle).toBe(false);
    gate.resolve();
    await waiting;

    expect(attempts).toBe(2);
    expect(emulator.stats()).toMatchObject({ delivered: 1, failed: 0, inFlight: 0 });
  });

  it('idle() resolves at once when nothing is under way', async () => {
    const { emulator } = await start();

    await expect(emulator.idle()).resolves.toBeUndefined();
  });
});

describe('putEvents without HTTP', () => {
  it('rejects with an EventBridgeApiError named after the AWS error code', async () => {
    const { emulator } = await start();

    const error = await rejection(emulator.putEvents({ Entries: Array.from({ length: 11 }, () => ({})) }));

    expect(error).toBeInstanceOf(EventBridgeApiError);
    expect(error.name).toBe('ValidationException');
  });

  it('refuses a missing Entries list as AWS does', async () => {
    const { emulator } = await start();

    const error = await rejection(emulator.putEvents({}));

    expect(error.message).toBe(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  });

  it('accepts Time as epoch seconds and as an ISO string', async () => {
    const { emulator, invocations } = await start();

    await emulator.putEvents({
      Entries: [
        { ...entry('BookingCreated'), Time: 1767323045 },
        { ...entry('BookingCreated'), Time: '2026-01-02T03:04:05.678Z' },
      ],
    });
    await emulator.idle();

    expect(invocations.map(({ event }) => event.time)).toEqual(['2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z']);
  });

  it('computes entry size as AWS documents it', () => {
    expect(
      putEventsEntrySize({ Time: new Date(), Source: 'ab', DetailType: 'c', Detail: '{"é":1}', Resources: ['r1'] }),
    ).toBe(14 + 2 + 1 + 8 + 2);
  });

  it('refuses targets whose pattern AWS would refuse, at creation', () => {
    expect(() =>
      createEventBridgeEmulator({
        busName: BUS,
        region: REGION,
        accountId: ACCOUNT,
        clock: { now: () => NOW },
        targets: [{ name: 'bad', pattern: { source: 'clinic.booking' } as never, invoke: async () => undefined }],
        onDeadLetter: () => undefined,
      }),
    ).toThrow(/target bad: source/);
  });
});
