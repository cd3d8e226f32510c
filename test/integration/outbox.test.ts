import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { parsePublishedEvent } from '../../events/published';
import { republishOutbox } from '../../scripts/operations/outbox';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * What CareLoop publishes goes through the outbox: written to the table with the change it
 * reports, read from the table's stream by the outbox function, and published to the bus, against
 * DynamoDB Local's stream, the SES emulator and the project's EventBridge emulator.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness({ now: new Date('2027-03-01T09:30:00Z') });
});
afterAll(async () => harness?.close());

const emailsSentTo = async (patientId: string) =>
  (await harness.publishedEvents()).filter(
    (event) => event['detail-type'] === 'EmailSent' && (event.detail as { patientId?: string }).patientId === patientId,
  );

describe('EmailSent', () => {
  it('is published once for every email SES accepted, with its ids, kind and message id only', async () => {
    const s = scenario();
    const created = s.created();
    await harness.publish('BookingCreated', created);
    await harness.publish('BookingCreated', created);
    await harness.publish('BookingCancelled', s.cancelled());

    const inbox = await harness.inbox(s.email);
    const sent = await emailsSentTo(s.patientId);
    expect(inbox).toHaveLength(2);
    expect(sent.map((event) => event.detail)).toEqual(
      inbox.map((email, index) => ({
        eventId: expect.stringMatching(/^email-sent-[0-9a-f]{32}$/),
        occurredAt: expect.any(String),
        clinicId: 'riverside',
        patientId: s.patientId,
        bookingId: s.bookingId,
        kind: ['confirmation', 'cancellation'][index],
        messageId: email.messageId,
      })),
    );
    for (const event of sent) {
      // Each as the published contract says, read with the consumers' own parser.
      expect(parsePublishedEvent(event.source, event['detail-type'], event.detail).detailType).toBe('EmailSent');
      expect(event.source).toBe('careloop.email');
      expect(JSON.stringify(event.detail)).not.toMatch(/Alex|Meyer|@|massage/i);
    }
    expect(harness.outboxDeadLetters).toEqual([]);
  });

  it('is published after the bus comes back, never dropped and never twice', async () => {
    const s = scenario();
    // More failures than the SDK's own retries absorb: the outbox function fails, and the stream delivers again.
    harness.failNextPublishes(5);
    await harness.publish('BookingCreated', s.created());
    const sent = await emailsSentTo(s.patientId);
    expect(sent).toHaveLength(1);
    expect(harness.outboxDeadLetters).toEqual([]);
    // Published, then removed: the table keeps no copy of what the bus has. The email's claim
    // carried its EmailSent until then, and keeps only its record of the email.
    const items = await harness.items();
    expect(items.filter((item) => item.sk === 'OUTBOX' || item.event !== undefined)).toEqual([]);
    expect(
      items.filter((item) => item.pk === `C#riverside#B#${s.bookingId}` && item.sk === 'EMAIL#confirmation'),
    ).toEqual([expect.objectContaining({ status: 'sent', messageId: sent[0]!.detail.messageId })]);
  });
});

describe("EmailSent, carried by the email's claim", () => {
  /** The stream's record of a claim marked sent: what the outbox function reads. */
  const claimRecord = (claim: Record<string, unknown>, sequenceNumber: string) => ({
    Records: [
      {
        eventID: `again-${sequenceNumber}`,
        eventName: 'MODIFY',
        eventSource: 'aws:dynamodb',
        dynamodb: {
          Keys: marshall({ pk: claim.pk, sk: claim.sk }),
          NewImage: marshall(claim, { removeUndefinedValues: true }),
          SequenceNumber: sequenceNumber,
          StreamViewType: 'NEW_IMAGE',
        },
      },
    ],
  });
  const confirmationClaim = async (bookingId: string) =>
    (await harness.items()).find(
      (item) => item.pk === `C#riverside#B#${bookingId}` && item.sk === 'EMAIL#confirmation',
    );

  it('is not published again when the stream delivers the claim once more after it was', async () => {
    const s = scenario();
    await harness.publish('BookingCreated', s.created());
    const [published] = await emailsSentTo(s.patientId);
    const claim = await confirmationClaim(s.bookingId);
    expect(claim).toMatchObject({ status: 'sent' });
    expect(claim).not.toHaveProperty('event');

    // A retry of an old batch: the claim as it was when marked sent.
    const result = await harness.invoke(
      'outbox',
      claimRecord(
        { ...claim, event: { source: 'careloop.email', detailType: 'EmailSent', detail: published!.detail } },
        '1',
      ),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await emailsSentTo(s.patientId)).toHaveLength(1);
  });

  it('is dropped with the claim when its patient is erased before it was published, and the claim stays erased', async () => {
    const s = scenario();
    harness.failNextPublishes(1000);
    await harness.publish('BookingCreated', s.created());
    await harness.settled();
    const waiting = await confirmationClaim(s.bookingId);
    expect(waiting).toMatchObject({ status: 'sent', event: { detailType: 'EmailSent' } });

    harness.failNextPublishes(0);
    await harness.publish('PatientErasureRequested', s.erasureRequested({ occurredAt: new Date().toISOString() }));
    expect(await confirmationClaim(s.bookingId)).toBeUndefined();
    // The stream's retry of the claim's record finds it gone: nothing published, nothing written back.
    const result = await harness.invoke('outbox', claimRecord(waiting!, '2'));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await emailsSentTo(s.patientId)).toEqual([]);
    expect(await confirmationClaim(s.bookingId)).toBeUndefined();
  });
});

describe('npm run outbox -- --republish', () => {
  it('publishes what the stream gave up on, once, and nothing already published', async () => {
    const s = scenario();
    // A bus down longer than the outbox function's retries: the batch goes to the dead letters.
    harness.failNextPublishes(1000);
    await harness.publish('BookingCreated', s.created());
    await harness.settled();
    expect(harness.outboxDeadLetters.length).toBeGreaterThan(0);
    expect(await emailsSentTo(s.patientId)).toEqual([]);

    harness.failNextPublishes(0);
    const invoke = async (event: Parameters<Parameters<typeof republishOutbox>[0]['invoke']>[0]) =>
      (await harness.invoke('outbox', event)) as DynamoDBBatchResponse;
    const client = new DynamoDBClient({});
    const dry = await republishOutbox({ client, tableName: harness.tableName, invoke, dryRun: true });
    expect(dry.found).toBeGreaterThanOrEqual(1);
    expect(await emailsSentTo(s.patientId)).toEqual([]);

    const done = await republishOutbox({ client, tableName: harness.tableName, invoke });
    expect(done).toMatchObject({ found: dry.found, handedOver: dry.found, failed: 0 });
    expect(await emailsSentTo(s.patientId)).toHaveLength(1);
    // Run again: nothing is left, and nothing is published twice.
    expect(await republishOutbox({ client, tableName: harness.tableName, invoke })).toMatchObject({ found: 0 });
    expect(await emailsSentTo(s.patientId)).toHaveLength(1);
    client.destroy();
  });
});
