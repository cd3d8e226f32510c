import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublishedEvent } from '../../events/published';
import { emailTagsOf } from '../../shared/domain/email-tags';
import { sesEvent, type SentEmail, type SesFixture } from '../support/aws-events';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * What SES reports about an email CareLoop sent is published on CareLoop's bus: the email is sent
 * through the handlers to the SES emulator, and SES's record of its delivery, bounce or complaint,
 * with the message id and tags SES was given, is delivered to the ses-feedback function.
 *
 * The emulator (aws-ses-v2-local) takes SendEmail's EmailTags but keeps none of them (its store
 * has no place for them), so the tags are taken from the SendEmail request itself, as the SES
 * client sent it, with the message id the emulator answered: the record is built from what SES
 * was given, as SES builds it.
 */

let harness: Harness;
const sentToSes: { input: SendEmailCommandInput; messageId?: string }[] = [];
const send = SESv2Client.prototype.send;

beforeAll(async () => {
  SESv2Client.prototype.send = async function (this: SESv2Client, ...args: Parameters<SESv2Client['send']>) {
    const output = (await send.apply(this, args as never)) as unknown as { MessageId?: string };
    const [command] = args;
    if (command instanceof SendEmailCommand) sentToSes.push({ input: command.input, messageId: output.MessageId });
    return output;
  } as SESv2Client['send'];
  harness = await createHarness();
}, 60_000);
afterAll(async () => {
  SESv2Client.prototype.send = send;
  await harness?.close();
});

/** The one email SES was asked to send to the address: its message id, and its tags as given. */
function sentTo(address: string): SentEmail & { input: SendEmailCommandInput } {
  const sent = sentToSes.filter(({ input }) => input.Destination?.ToAddresses?.includes(address));
  expect(sent).toHaveLength(1);
  const [{ input, messageId }] = sent as [(typeof sent)[number]];
  return { input, messageId: messageId!, tags: input.EmailTags ?? [] };
}

const REPORTS = ['EmailDelivered', 'EmailBounced', 'EmailComplained'];

/** What was published about one email, by SES's message id. */
const reportsOn = async (messageId: string) =>
  (await harness.publishedEvents()).filter(
    (event) =>
      REPORTS.includes(event['detail-type']) && (event.detail as { messageId?: string }).messageId === messageId,
  );

/** A booking confirmed by email: the email's recipient and ids, and what SES was given. */
async function confirmedBooking() {
  const s = scenario({ startsAt: '2027-11-10T15:30:00+01:00' });
  await harness.publish('BookingCreated', s.created());
  return { s, sent: sentTo(s.email) };
}

describe('what SES reports about an email, on the bus', () => {
  it('sends each email with its ids as SES message tags, and no address or name', async () => {
    const { s, sent } = await confirmedBooking();
    expect(sent.tags).toEqual(
      emailTagsOf({ clinicId: 'riverside', patientId: s.patientId, bookingId: s.bookingId, kind: 'confirmation' }).map(
        ({ name, value }) => ({ Name: name, Value: value }),
      ),
    );
    const tagText = JSON.stringify(sent.tags.map(({ Value }) => Buffer.from(Value!, 'base64url').toString('utf8')));
    expect(tagText).not.toMatch(/@|Alex|Meyer|massage/i);
  });

  it.each<[SesFixture, string, Record<string, string>]>([
    ['delivery', 'EmailDelivered', {}],
    ['bounce-permanent', 'EmailBounced', { bounceType: 'permanent' }],
    ['bounce-transient', 'EmailBounced', { bounceType: 'transient' }],
    ['complaint', 'EmailComplained', {}],
  ])(
    'publishes one event for a %s record however often SES delivers it: %s, with the email’s ids and kind',
    async (fixture, detailType, bounceType) => {
      const { s, sent } = await confirmedBooking();
      const record = sesEvent(fixture, s.email, sent);

      await harness.invoke('ses-feedback', record);
      await Promise.all([harness.invoke('ses-feedback', record), harness.invoke('ses-feedback', record)]);

      const reports = await reportsOn(sent.messageId);
      expect(reports).toHaveLength(1);
      const [report] = reports as [(typeof reports)[number]];
      expect(report.source).toBe('careloop.email');
      expect(report['detail-type']).toBe(detailType);
      expect(report.detail).toEqual({
        eventId: expect.any(String),
        occurredAt: expect.any(String),
        clinicId: 'riverside',
        patientId: s.patientId,
        bookingId: s.bookingId,
        kind: 'confirmation',
        messageId: sent.messageId,
        ...bounceType,
      });
      // As a consumer reads it, with the published contract's own parser.
      expect(parsePublishedEvent(report.source, report['detail-type'], report.detail).detailType).toBe(detailType);
      expect(JSON.stringify(report.detail)).not.toMatch(/@|Alex|Meyer|massage/i);
      // The same message id as the EmailSent it reports on.
      const emailSent = (await harness.publishedEvents()).filter(
        (event) =>
          event['detail-type'] === 'EmailSent' && (event.detail as { patientId?: string }).patientId === s.patientId,
      );
      expect(emailSent.map((event) => (event.detail as { messageId: string }).messageId)).toEqual([sent.messageId]);
      expect(harness.outboxDeadLetters).toEqual([]);
    },
  );

  it.each<SesFixture>(['delivery', 'bounce-permanent', 'complaint'])(
    'publishes no second event for a %s record SES delivers again after its report was published',
    async (fixture) => {
      const { s, sent } = await confirmedBooking();
      const record = sesEvent(fixture, s.email, sent);

      const first = await harness.invoke('ses-feedback', record);
      // Published, and its outbox entry removed: what a repeat could write again.
      await harness.settled();
      expect(await reportsOn(sent.messageId)).toHaveLength(1);
      const again = await harness.invoke('ses-feedback', record);
      await Promise.all([harness.invoke('ses-feedback', record), harness.invoke('ses-feedback', record)]);

      expect(await reportsOn(sent.messageId)).toHaveLength(1);
      expect(first).toMatchObject({ status: 'processed', outcome: { published: expect.stringMatching(/^Email/) } });
      expect(again).toMatchObject({ status: 'processed', outcome: { published: 'already-reported' } });
      // The report's marker stays; the entry went when it was published.
      const items = await harness.items();
      const [report] = await reportsOn(sent.messageId);
      const { eventId } = report!.detail as { eventId: string };
      expect(items.filter((item) => String(item.pk).endsWith(`#${eventId}`)).map((item) => item.sk)).toEqual([
        'PROCESSED#ses-feedback',
      ]);
      expect(harness.outboxDeadLetters).toEqual([]);
    },
  );

  it('publishes every report on one email: delivered, then bounced, then complained', async () => {
    const { s, sent } = await confirmedBooking();
    for (const fixture of ['delivery', 'bounce-transient', 'complaint'] as const)
      await harness.invoke('ses-feedback', sesEvent(fixture, s.email, sent));
    const reports = await reportsOn(sent.messageId);
    expect(reports.map((event) => event['detail-type']).sort()).toEqual([
      'EmailBounced',
      'EmailComplained',
      'EmailDelivered',
    ]);
  });

  it('publishes nothing for a record of an email sent without CareLoop tags, and still suppresses its address', async () => {
    const { s, sent } = await confirmedBooking();
    const before = (await harness.publishedEvents()).length;
    const untagged = sesEvent('bounce-permanent', s.email, { ...sent, tags: [] });

    expect(await harness.invoke('ses-feedback', untagged)).toEqual({
      status: 'processed',
      outcome: { suppressed: 1, ignored: 'none', published: 'no-careloop-tags' },
    });
    expect(await harness.invoke('ses-feedback', sesEvent('delivery', s.email, { ...sent, tags: [] }))).toMatchObject({
      outcome: { published: 'no-careloop-tags' },
    });

    expect(await reportsOn(sent.messageId)).toEqual([]);
    expect((await harness.publishedEvents()).length).toBe(before);
    const suppressed = await harness.publish('BookingCancelled', s.cancelled());
    expect(suppressed).toMatchObject({ outcome: { emails: { cancellation: 'address-suppressed' } } });
  });
});
