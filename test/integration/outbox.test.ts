import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublishedEvent } from '../../events/published';
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
    const entry = (await harness.items()).find(
      (item) =>
        item.sk === 'OUTBOX' &&
        (item.event as { detail: { eventId: string } }).detail.eventId === sent[0]!.detail.eventId,
    );
    expect(entry).toMatchObject({ publishedAt: expect.any(String) });
  });
});
