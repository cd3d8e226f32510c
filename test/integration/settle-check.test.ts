import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createCareLoopTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { createDynamoStore, keys } from '../../shared/adapters/dynamo-store';
import type { BookingRecord } from '../../shared/domain/model';
import { ownEvent, ownEventId } from '../../shared/domain/own-events';
import type { EmailClaim, ProcessedEvent, Store, WriteOptions } from '../../shared/domain/ports';

/**
 * A booking's settling learns whether the booking moved from the write that records its email
 * (shared/domain/bookings.ts): against DynamoDB Local, the email is recorded whatever the answer.
 */

let dynamo: DynamoDBClient;
let tableName: string;
let store: Store;

beforeAll(async () => {
  dynamo = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  tableName = `careloop-it-settle-${randomUUID().slice(0, 8)}`;
  await createCareLoopTable(dynamo, tableName);
  store = createDynamoStore(dynamo, tableName, { retention: 30 });
});
afterAll(() => dynamo?.destroy());

const itemAt = async (key: { pk: string; sk: string }) => {
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
  );
  return Item && unmarshall(Item);
};

/** A booking at version `version` (none: never written) and a claim on its confirmation. */
async function claimed(version: number | 'none') {
  const tag = randomUUID().slice(0, 8);
  const booking: BookingRecord = {
    clinicId: 'riverside',
    bookingId: `bk-${tag}`,
    patientId: `pt-${tag}`,
    status: 'active',
    sequence: 0,
  };
  if (version !== 'none') {
    for (let written = 0; written < version; written++) {
      await store.save([{ type: 'booking', record: booking, version: written === 0 ? undefined : written }]);
    }
  }
  const claim: EmailClaim = {
    clinicId: booking.clinicId,
    patientId: booking.patientId!,
    bookingId: booking.bookingId,
    key: 'confirmation',
    kind: 'confirmation',
    token: randomUUID(),
    claimedAt: new Date('2027-03-04T12:00:00Z'),
  };
  expect(await store.claimEmail(claim)).toEqual({ status: 'claimed' });
  const sentAt = new Date('2027-03-04T12:00:01Z');
  const outbox = {
    event: ownEvent('EmailSent', {
      eventId: ownEventId('EmailSent', claim.clinicId, claim.bookingId!, claim.key),
      occurredAt: sentAt.toISOString(),
      clinicId: claim.clinicId,
      patientId: claim.patientId,
      bookingId: claim.bookingId!,
      kind: 'confirmation',
      messageId: 'ses-message-1',
    }),
  };
  const record = (bookingVersion: number, options?: WriteOptions) =>
    store.recordEmailSent(claim, 'ses-message-1', sentAt, outbox, { bookingVersion }, options);
  return { claim, record, sent: async () => (await itemAt(keys.email(claim)))?.status };
}

describe('recording an email settled from a booking version', () => {
  it('says the booking is unchanged when it is still at that version', async () => {
    const email = await claimed(1);
    expect(await email.record(1)).toEqual({ bookingUnchanged: true });
    expect(await email.sent()).toBe('sent');
  });

  it('says the booking changed, and records the email all the same, when it moved on', async () => {
    const email = await claimed(2);
    expect(await email.record(1)).toEqual({ bookingUnchanged: false });
    expect(await email.sent()).toBe('sent');
  });

  it('says the booking changed when it is gone (an erasure deleted it)', async () => {
    const email = await claimed('none');
    expect(await email.record(1)).toEqual({ bookingUnchanged: false });
    expect(await email.sent()).toBe('sent');
  });
});

describe("recording an email with the event's processed marker", () => {
  const markerOf = (): ProcessedEvent => ({
    clinicId: 'riverside',
    detailType: 'BookingCreated',
    eventId: `evt-${randomUUID()}`,
    consumer: 'careloop-booking-created',
    at: new Date('2027-03-04T12:00:01Z'),
  });
  const markerItem = (marker: ProcessedEvent) =>
    itemAt(keys.processedEvent(marker.clinicId, marker.detailType, marker.eventId, marker.consumer));

  it('writes the marker with the record when the booking is still at that version, and says so', async () => {
    const email = await claimed(1);
    const marker = markerOf();
    expect(await email.record(1, { completesEvent: true, marker })).toEqual({
      bookingUnchanged: true,
      eventMarked: true,
    });
    expect(await email.sent()).toBe('sent');
    expect(await markerItem(marker)).toMatchObject({ processedAt: marker.at.toISOString() });
  });

  it('leaves the marker out when the booking moved on (settled again), and records the email all the same', async () => {
    const email = await claimed(2);
    const marker = markerOf();
    expect(await email.record(1, { completesEvent: true, marker })).toEqual({ bookingUnchanged: false });
    expect(await email.sent()).toBe('sent');
    expect(await markerItem(marker)).toBeUndefined();
  });
});
