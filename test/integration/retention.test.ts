import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createCareLoopTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { createDynamoStore, keys } from '../../shared/adapters/dynamo-store';
import type { BookingRecord, ResponseRecord, SessionRecord } from '../../shared/domain/model';
import { ownEvent, ownEventId } from '../../shared/domain/own-events';
import type { EmailClaim, Store } from '../../shared/domain/ports';
import { DEFAULT_RETENTION_DAYS, type Retention } from '../../shared/retention';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Sessions, answers and the email log expire by DynamoDB TTL (`expiresAt`, epoch seconds) the
 * retention after their own time, against DynamoDB Local: through the store as each retention
 * makes it, and through the handlers as the local stack gives them the deployment's default.
 */

const DAY = 86_400;
const epochSeconds = (time: string | Date) => Math.floor(new Date(time).getTime() / 1000);

let dynamo: DynamoDBClient;
let tableName: string;

beforeAll(async () => {
  dynamo = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  tableName = `careloop-it-retention-${randomUUID().slice(0, 8)}`;
  await createCareLoopTable(dynamo, tableName);
});
afterAll(() => dynamo?.destroy());

const itemAt = async (key: { pk: string; sk: string }) => {
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
  );
  return Item && unmarshall(Item);
};

function records(clinicId: string) {
  const tag = randomUUID().slice(0, 8);
  const [patientId, bookingId] = [`pt-${tag}`, `bk-${tag}`];
  const stamp = { occurredAt: '2027-03-04T10:05:00Z', eventId: `evt-${tag}` };
  const session: SessionRecord = {
    clinicId,
    patientId,
    bookingId,
    stamp,
    completedAt: '2027-03-04T11:00:00+01:00',
    therapist: { therapistId: 'th-dana', name: 'Dana Kim' },
    techniques: ['deep-tissue'],
    focusAreas: ['neck'],
    exerciseIds: [],
    awaitingContact: false,
  };
  const response: ResponseRecord = {
    clinicId,
    patientId,
    bookingId,
    responseId: `rsp-${tag}`,
    answeredAt: '2027-03-07T18:20:00Z',
    reasons: [],
    kind: 'check-in',
    answer: { feeling: 'better', exercises: {}, warningSigns: false },
  };
  const booking: BookingRecord = { clinicId, bookingId, patientId, status: 'active', sequence: 0 };
  const claim: EmailClaim = {
    clinicId,
    patientId,
    bookingId,
    key: 'follow-up',
    kind: 'follow-up',
    token: randomUUID(),
    claimedAt: new Date('2027-03-04T12:00:00Z'),
  };
  return { patientId, bookingId, session, response, booking, claim };
}

const emailSent = (claim: EmailClaim, sentAt: Date) => ({
  event: ownEvent('EmailSent', {
    eventId: ownEventId('EmailSent', claim.clinicId, claim.bookingId!, claim.key),
    occurredAt: sentAt.toISOString(),
    clinicId: claim.clinicId,
    patientId: claim.patientId,
    bookingId: claim.bookingId!,
    kind: 'follow-up',
    messageId: 'ses-message-1',
  }),
});

/** Writes a session, an answer, a booking and an email claim sent, as the store does for the domain. */
async function writeAll(store: Store, clinicId: string) {
  const written = records(clinicId);
  const { session, response, booking, claim } = written;
  await store.save([{ type: 'session', record: session, version: undefined }]);
  await store.save([{ type: 'response', record: response, version: undefined }]);
  await store.save([{ type: 'booking', record: booking, version: undefined }]);
  expect(await store.claimEmail(claim)).toEqual({ status: 'claimed' });
  const claimed = await itemAt(keys.email(claim));
  const sentAt = new Date('2027-03-04T12:00:03Z');
  await store.recordEmailSent(claim, 'ses-message-1', sentAt, emailSent(claim, sentAt));
  return {
    ...written,
    sentAt,
    claimed,
    items: {
      session: await itemAt(keys.session(clinicId, session.patientId, session.bookingId)),
      response: await itemAt(keys.response(clinicId, response.patientId, response.bookingId, response.kind)),
      booking: await itemAt(keys.booking(clinicId, booking.bookingId)),
      email: await itemAt(keys.email(claim)),
    },
  };
}

describe('the store, given a retention of days', () => {
  const retention: Retention = 30;
  let store: Store;
  beforeAll(() => {
    store = createDynamoStore(dynamo, tableName, { retention });
  });

  it("sets a session's, an answer's and an email's expiresAt to their own time plus the retention", async () => {
    const { session, response, claim, claimed, sentAt, items } = await writeAll(store, 'clinic-days');
    expect(items.session!.expiresAt).toBe(epochSeconds(session.completedAt) + 30 * DAY);
    expect(items.response!.expiresAt).toBe(epochSeconds(response.answeredAt) + 30 * DAY);
    expect(claimed!.expiresAt).toBe(epochSeconds(claim.claimedAt) + 30 * DAY);
    expect(items.email).toMatchObject({ status: 'sent', expiresAt: epochSeconds(sentAt) + 30 * DAY });
  });

  it('keeps a booking until it is erased: no expiresAt', async () => {
    const { items } = await writeAll(store, 'clinic-kept');
    expect(items.booking).toBeDefined();
    expect(items.booking!.expiresAt).toBeUndefined();
  });

  it("keeps a session's expiry where it was when the session is written again", async () => {
    const { session, patientId, items } = await writeAll(store, 'clinic-rewrite');
    const before = items.session!.expiresAt;
    expect(before).toBe(epochSeconds(session.completedAt) + 30 * DAY);
    // Marked waiting for an address, then not: the two rewrites a follow-up makes.
    for (const awaitingContact of [true, false]) {
      const [current] = (await store.getPatientFile('clinic-rewrite', patientId)).sessions;
      await store.save([
        { type: 'session', record: { ...current!.record, awaitingContact }, version: current!.version },
      ]);
      const item = await itemAt(keys.session('clinic-rewrite', patientId, session.bookingId));
      expect(item).toMatchObject({ version: current!.version + 1, data: { awaitingContact } });
      expect(item!.expiresAt).toBe(before);
    }
  });

  it('writes the expiry in a transaction of several records as in a single write', async () => {
    const { session, response } = records('clinic-transaction');
    await store.save([
      { type: 'session', record: session, version: undefined },
      { type: 'response', record: response, version: undefined },
    ]);
    expect((await itemAt(keys.session('clinic-transaction', session.patientId, session.bookingId)))!.expiresAt).toBe(
      epochSeconds(session.completedAt) + 30 * DAY,
    );
    expect(
      (await itemAt(keys.response('clinic-transaction', response.patientId, response.bookingId, response.kind)))!
        .expiresAt,
    ).toBe(epochSeconds(response.answeredAt) + 30 * DAY);
  });
});

describe('the store, given a retention of off', () => {
  it('writes no expiresAt on a session, an answer or an email, claimed or sent', async () => {
    const store = createDynamoStore(dynamo, tableName, { retention: 'off' });
    const { claimed, items } = await writeAll(store, 'clinic-off');
    expect(claimed).toBeDefined();
    expect(claimed!.expiresAt).toBeUndefined();
    for (const [kind, item] of Object.entries(items)) {
      expect(item, kind).toBeDefined();
      expect(item!.expiresAt, kind).toBeUndefined();
    }
    expect(items.email!.status).toBe('sent');
  });
});

describe('the handlers, as the local stack runs them with the default retention', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness({ now: new Date('2027-03-04T09:00:00Z') });
  });
  afterAll(async () => harness?.close());

  it('expire a session and its follow-up email the default retention after them, across the functions that write them', async () => {
    const clinicId = `clinic-${randomUUID().slice(0, 8)}`;
    const s = scenario({ clinicId });
    const completedAt = '2027-03-04T11:00:00+01:00';
    // No address yet: the session waits, then the contact function writes it again and sends.
    await harness.publish('SessionCompleted', s.sessionCompleted({ completedAt }));
    await harness.publish('ContactPreferencesUpdated', s.preferences({ email: s.email, consent: { followUps: true } }));
    await harness.settled();

    const items = await harness.items();
    const session = items.find((item) => item.sk === `SESSION#${s.bookingId}`);
    // Written three times: on arrival, marked waiting, then released by the contact function.
    expect(session).toMatchObject({
      pk: keys.patientPartition(clinicId, s.patientId),
      version: 3,
      data: { awaitingContact: false },
    });
    expect(session!.expiresAt).toBe(epochSeconds(completedAt) + DEFAULT_RETENTION_DAYS * DAY);

    const email = items.find((item) => item.sk === 'EMAIL#follow-up' && String(item.pk).includes(s.bookingId));
    expect(email).toMatchObject({ status: 'sent' });
    expect(email!.expiresAt).toBe(epochSeconds(String(email!.sentAt)) + DEFAULT_RETENTION_DAYS * DAY);
  });
});
