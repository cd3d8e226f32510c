import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { createFaultProxy, type FaultProxy } from '../../infra/local/fault-proxy';
import { createDynamoStore } from '../../shared/adapters/dynamo-store';
import { dueJobMessage } from '../../shared/due-jobs';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * The due-jobs queue under load: reminders due in the same minute go through the queue and
 * the due-jobs function (2 batches of 10 at a time) while SES, behind a rate-limiting fault
 * proxy, accepts 14 emails a second. Throttled sends come back as batch item failures and are
 * delivered again: every reminder goes out exactly once and nothing is dead-lettered.
 */

let harness: Harness;
let ses: FaultProxy;
let setup = true;
let skewMs = 0;

beforeAll(async () => {
  // The token bucket's clock: while `setup` is on, every request finds a second gone by (no
  // limit, so the 200 confirmations go fast); then real time, and a real 14/s.
  const proxyClock = () => {
    if (setup) skewMs += 1000;
    return Date.now() + skewMs;
  };
  ses = await createFaultProxy({
    target: inject('sesEndpoint'),
    service: 'ses',
    seed: 7,
    rateLimitPerSecond: 14,
    clock: proxyClock,
  });
  harness = await createHarness({ now: new Date('2027-02-01T09:00:00Z'), sesEndpoint: ses.endpoint });
});
afterAll(async () => {
  await harness?.close();
  await ses?.close();
});

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body) => ({
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'scheduler.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: harness.dueJobs.arn,
    awsRegion: 'eu-central-1',
  })),
});

describe('due-jobs consumer', () => {
  it('rejects a poison payload at once without blocking the rest of the batch', async () => {
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    const reminder = dueJobMessage('reminder', {
      clinicId: 'riverside',
      bookingId: s.bookingId,
      startsAt: '2027-03-10T13:30:00.000Z',
      offsetMinutes: 1440,
    });
    const rejectedBefore = harness.rejectedEvents.length;
    const event = sqsEvent(['{not json', dueJobMessage('reminder', { clinicId: 'riverside' }), reminder]);
    const response = (await harness.invoke('due-jobs', event)) as SQSBatchResponse;
    // Neither poison record is retried: both went to the rejected-events queue.
    expect(response).toEqual({ batchItemFailures: [] });
    expect(harness.rejectedEvents.length - rejectedBefore).toBe(2);
    expect(harness.rejectedEvents.at(-1)).toMatchObject({ source: 'aws.scheduler', detailType: 'due job' });
    expect(harness.rejectedEvents.at(-1)!.error).toMatch(/bookingId/);
  });

  it("takes a claim its own message's earlier receive left as no one's send: nothing sent again, no waiting", async () => {
    const s = scenario({ startsAt: '2027-03-12T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    const startsAt = '2027-03-12T13:30:00.000Z';
    const job = { clinicId: 'riverside', bookingId: s.bookingId, startsAt, offsetMinutes: 1440 };
    const [message] = sqsEvent([dueJobMessage('reminder', job)]).Records as [SQSRecord];
    const receive = (record: SQSRecord, count: number) =>
      harness.invoke('due-jobs', {
        Records: [{ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(count) } }],
      }) as Promise<SQSBatchResponse>;

    // The message's first receive claimed the reminder and died before SES answered: whether
    // SES sent it cannot be known. The claim is fresh, so by its age alone it is still in flight.
    const dynamo = new DynamoDBClient({
      endpoint: inject('dynamoEndpoint'),
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const store = createDynamoStore(dynamo, harness.tableName, { retention: 30 });
    const key = `reminder#${startsAt}#1440`;
    try {
      const claim = {
        clinicId: 'riverside',
        patientId: s.patientId,
        bookingId: s.bookingId,
        key,
        kind: 'reminder' as const,
        token: randomUUID(),
        claimedAt: harness.clock.now(),
        requestId: message.messageId,
        trigger: `reminder#${message.messageId}`,
      };
      expect(await store.claimEmail(claim)).toEqual({ status: 'claimed' });

      // Another message for the same reminder (a schedule that fired twice) finds it in flight and waits.
      const [other] = sqsEvent([dueJobMessage('reminder', job)]).Records as [SQSRecord];
      expect((await receive(other, 1)).batchItemFailures).toHaveLength(1);
      // The same message again: SQS delivers it only after its earlier receive has ended, so the
      // job is done, the claim left as it is (counted stuck), and nothing sent.
      expect(await receive(message, 2)).toEqual({ batchItemFailures: [] });
      expect(await store.claimEmail({ ...claim, token: randomUUID() })).toMatchObject({ status: 'in-flight' });
      expect(await harness.inbox(s.email)).toHaveLength(1); // the confirmation alone
    } finally {
      dynamo.destroy();
    }
  });

  // 200 in the suite; CARELOOP_BURST=1000 runs the full burst of docs/RELIABILITY.md (a much longer run).
  const burst = Number(process.env.CARELOOP_BURST ?? 200);
  it(`sends a burst of ${burst} reminders due in the same minute exactly once at 14 emails a second, dead-lettering none`, async () => {
    const startsAt = '2027-03-30T15:30:00+02:00';
    const bookings = Array.from({ length: burst }, () => scenario({ startsAt }));
    for (let i = 0; i < bookings.length; i += 25) {
      await Promise.all(bookings.slice(i, i + 25).map((s) => harness.publish('BookingCreated', s.created())));
    }
    setup = false;
    const due = harness.scheduler
      .schedules()
      .filter((schedule) => schedule.fireAt.toISOString() === '2027-03-29T13:30:00.000Z');
    expect(due).toHaveLength(burst);
    const throttledBefore = ses.stats().rateLimited + ses.stats().throttled;

    // All schedules fire at 13:30 into the queue; advance() answers once it has drained.
    const seconds = (Date.parse('2027-03-29T13:31:00Z') - harness.clock.now().getTime()) / 1000;
    const started = Date.now();
    expect(await harness.advance(seconds)).toBeGreaterThanOrEqual(burst);
    const drainedMs = Date.now() - started;

    const addresses = new Set(bookings.map((s) => s.email));
    const reminders = new Map<string, number>();
    for (const email of await harness.inbox()) {
      const to = email.destination.to[0]!;
      if (addresses.has(to) && /reminder/i.test(email.subject)) reminders.set(to, (reminders.get(to) ?? 0) + 1);
    }
    for (const s of bookings) expect(reminders.get(s.email), s.bookingId).toBe(1);
    console.info(
      `reliability burst: ${burst} reminders, drained in ${(drainedMs / 1000).toFixed(1)} s, ` +
        `${ses.stats().rateLimited + ses.stats().throttled} SES throttles absorbed, ${harness.dueJobs.stats.batches} batches`,
    );
    expect(harness.deadLetters).toEqual([]);
    // SES did push back, and the queue, not the patients, absorbed it.
    expect(ses.stats().rateLimited + ses.stats().throttled).toBeGreaterThan(throttledBefore);
    expect(harness.dueJobs.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(harness.dueJobs.stats.batches).toBeGreaterThanOrEqual(20);
  }, 600_000);
});
