import { createHash, createHmac } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/functions';
import { migrateSuppressions } from '../../scripts/suppressions';
import { sesEvent } from '../support/aws-events';
import { ADDRESS_KEY, createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

type SesEvent = EventBridgeEvent<string, Record<string, unknown>>;

let harness: Harness;
let sesFeedback: (event: SesEvent) => Promise<unknown>;

beforeAll(async () => {
  harness = await createHarness();
  // Loaded after the harness has set the environment, as the harness loads the others.
  const { handler } = await import('../../functions/ses-feedback/handler');
  sesFeedback = (event) => handler(event, lambdaContext('ses-feedback'));
});
afterAll(async () => harness?.close());

async function advanceTo(instant: string) {
  const seconds = (Date.parse(instant) - harness.clock.now().getTime()) / 1000;
  return seconds > 0 ? harness.advance(seconds) : 0;
}

const reminderPayload = (bookingId: string, startsAt: string) => ({
  clinicId: 'riverside',
  bookingId,
  startsAt,
  offsetMinutes: 1440,
});

const suppressionRecords = async () =>
  (await harness.items()).filter((item) => item.sk === 'SUPPRESSED' || String(item.pk).startsWith('SUPPRESSED#'));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');

describe('SES feedback from the configuration set', () => {
  it('stops the reminder after a hard bounce of the patient address', async () => {
    const s = scenario({ startsAt: '2027-04-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    expect(await harness.inbox(s.email)).toHaveLength(1);

    expect(await sesFeedback(sesEvent('bounce-permanent', s.email))).toEqual({
      status: 'processed',
      outcome: { suppressed: 1, ignored: 'none', published: 'EmailBounced' },
    });

    await advanceTo('2027-04-09T13:31:00Z');
    expect(await harness.inbox(s.email)).toHaveLength(1);
    // The schedule fired on the way; delivered again, it still sends nothing.
    await harness.dueJob('reminder', reminderPayload(s.bookingId, '2027-04-10T13:30:00.000Z'));
    expect(await harness.inbox(s.email)).toHaveLength(1);
  });

  it('sends no self-care follow-up to a hard-bounced address', async () => {
    const s = scenario({ startsAt: '2027-04-20T10:00:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    await sesFeedback(sesEvent('bounce-permanent', s.email));
    const result = await harness.publish(
      'SessionCompleted',
      s.sessionCompleted({ completedAt: '2027-04-20T11:00:00+02:00' }),
    );
    expect(result).toMatchObject({ status: 'processed', outcome: { followUp: 'address-suppressed' } });
    expect(await harness.inbox(s.email)).toHaveLength(1);
  });

  it('suppresses nothing for a transient bounce: the reminder goes out', async () => {
    const s = scenario({ startsAt: '2027-05-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    expect(await sesFeedback(sesEvent('bounce-transient', s.email))).toEqual({
      status: 'processed',
      outcome: { suppressed: 0, ignored: 'transient-bounce', published: 'EmailBounced' },
    });
    await advanceTo('2027-05-09T13:31:00Z');
    const emails = await harness.inbox(s.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toMatch(/reminder/i);
  });

  it('stops the reminder after a complaint, whatever case SES reports the address in', async () => {
    const s = scenario({ startsAt: '2027-06-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    expect(await sesFeedback(sesEvent('complaint', s.email.toUpperCase()))).toEqual({
      status: 'processed',
      outcome: { suppressed: 1, ignored: 'none', published: 'EmailComplained' },
    });
    await advanceTo('2027-06-09T13:31:00Z');
    expect(await harness.inbox(s.email)).toHaveLength(1);
    await harness.dueJob('reminder', reminderPayload(s.bookingId, '2027-06-10T13:30:00.000Z'));
    expect(await harness.inbox(s.email)).toHaveLength(1);
  });

  it('sends to the new address once ContactPreferencesUpdated brings one, and still nothing to the old', async () => {
    const s = scenario({ startsAt: '2027-07-10T15:30:00+02:00' });
    const newEmail = `new.${s.tag}@example.org`;
    await harness.publish('BookingCreated', s.created());
    await sesFeedback(sesEvent('bounce-permanent', s.email));
    await harness.publish(
      'ContactPreferencesUpdated',
      s.preferences({ occurredAt: '2027-03-02T00:00:00Z', email: newEmail }),
    );

    await advanceTo('2027-07-09T13:31:00Z');
    expect(await harness.inbox(s.email)).toHaveLength(1);
    const [reminder, ...others] = await harness.inbox(newEmail);
    expect(others).toHaveLength(0);
    expect(reminder!.subject).toMatch(/reminder/i);
  });

  it('suppresses nothing for a delivery, and ignores a send event and an event it cannot read, without throwing', async () => {
    const s = scenario({ startsAt: '2027-08-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    const before = (await suppressionRecords()).length;

    expect(await sesFeedback(sesEvent('delivery', s.email))).toEqual({
      status: 'processed',
      outcome: { suppressed: 0, ignored: 'delivered', published: 'EmailDelivered' },
    });
    const delivery = sesEvent('delivery', s.email);
    const { delivery: _delivery, ...sendRecord } = delivery.detail;
    expect(
      await sesFeedback({ ...delivery, 'detail-type': 'Email Sent', detail: { ...sendRecord, eventType: 'Send' } }),
    ).toEqual({
      status: 'processed',
      outcome: { suppressed: 0, ignored: 'not-feedback', eventType: 'Send' },
    });
    const unreadable = sesEvent('bounce-permanent', s.email);
    delete (unreadable.detail.bounce as Record<string, unknown>).bouncedRecipients;
    expect(await sesFeedback(unreadable)).toEqual({ status: 'rejected' });
    expect(await sesFeedback({ ...sesEvent('bounce-permanent', s.email), detail: { eventType: 'Nonsense' } })).toEqual({
      status: 'rejected',
    });

    expect((await suppressionRecords()).length).toBe(before);
    await advanceTo('2027-08-09T13:31:00Z');
    expect(await harness.inbox(s.email)).toHaveLength(2);
  });

  it('keeps one suppression however often SES delivers the same bounce', async () => {
    const s = scenario();
    const before = (await suppressionRecords()).length;
    const event = sesEvent('bounce-permanent', s.email);
    await sesFeedback(event);
    await Promise.all([sesFeedback(event), sesFeedback(event)]);
    const records = await suppressionRecords();
    expect(records).toHaveLength(before + 1);
    // The key is a hash: the table says an address is suppressed without holding it.
    expect(JSON.stringify(records)).not.toContain(s.email);
  });
});

describe('suppressed addresses are keyed by an HMAC with a secret key', () => {
  const dynamo = () => new DynamoDBClient({});
  const putLegacy = async (address: string) => {
    const client = dynamo();
    await client.send(
      new PutItemCommand({
        TableName: harness.tableName,
        Item: marshall({
          pk: `SUPPRESSED#${sha256(address)}`,
          sk: 'ADDRESS',
          reason: 'bounce',
          suppressedAt: '2026-01-01T00:00:00.000Z',
        }),
      }),
    );
    client.destroy();
  };

  it("stores no key a dictionary of addresses could match: an HMAC with the stack's key, not a plain hash", async () => {
    const s = scenario();
    await sesFeedback(sesEvent('bounce-permanent', s.email));
    const keysOfRecords = (await suppressionRecords()).map((item) => String(item.pk));
    expect(keysOfRecords).toContain(`ADDRESS#${hmac(ADDRESS_KEY, s.email)}`);
    expect(keysOfRecords.some((key) => key.includes(sha256(s.email)))).toBe(false);
    // The same address under another key would be another item: the key is what protects it.
    expect(hmac('another-key', s.email)).not.toBe(hmac(ADDRESS_KEY, s.email));
  });

  it('still stops mail to an address suppressed the old way, and re-keys it when it meets it', async () => {
    const s = scenario({ startsAt: '2027-09-10T15:30:00+02:00' });
    await putLegacy(s.email);

    const result = await harness.publish('BookingCreated', s.created());

    expect(result).toMatchObject({ status: 'processed', outcome: { emails: { confirmation: 'address-suppressed' } } });
    expect(await harness.inbox(s.email)).toHaveLength(0);
    const keysOfRecords = (await suppressionRecords()).map((item) => String(item.pk));
    expect(keysOfRecords).toContain(`ADDRESS#${hmac(ADDRESS_KEY, s.email)}`);
    expect(keysOfRecords).not.toContain(`SUPPRESSED#${sha256(s.email)}`);
  });

  it('npm run suppressions -- --migrate re-keys the old items of known addresses and deletes the rest on request', async () => {
    const known = scenario({ startsAt: '2027-10-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', known.created());
    const gone = `gone.${known.tag}@example.org`;
    await putLegacy(known.email);
    await putLegacy(gone);
    const client = dynamo();
    try {
      const dry = await migrateSuppressions({
        client,
        tableName: harness.tableName,
        addressKey: ADDRESS_KEY,
        dryRun: true,
      });
      expect(dry).toMatchObject({ rekeyed: 1, unmatched: 1, deleted: 0 });

      const counts = await migrateSuppressions({
        client,
        tableName: harness.tableName,
        addressKey: ADDRESS_KEY,
        deleteUnmatched: true,
      });

      expect(counts).toMatchObject({ legacy: 2, rekeyed: 1, unmatched: 1, deleted: 1 });
      const keysOfRecords = (await suppressionRecords()).map((item) => String(item.pk));
      expect(keysOfRecords).toContain(`ADDRESS#${hmac(ADDRESS_KEY, known.email)}`);
      expect(keysOfRecords.filter((key) => key.startsWith('SUPPRESSED#'))).toEqual([]);
      expect(
        await migrateSuppressions({ client, tableName: harness.tableName, addressKey: ADDRESS_KEY }),
      ).toMatchObject({
        legacy: 0,
      });
    } finally {
      await client.send(
        new DeleteItemCommand({
          TableName: harness.tableName,
          Key: marshall({ pk: `ADDRESS#${hmac(ADDRESS_KEY, known.email)}`, sk: 'SUPPRESSED' }),
        }),
      );
      client.destroy();
    }
  });
});
