import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSesFeedbackDetail, type SesFeedbackDetail } from '../../../events/ses-feedback';
import { feedbackOf } from '../../../functions/ses-feedback/handler';

/** SES's record (the EventBridge event's detail) of a fixture, as SES publishes it. */
const recordOf = (fixture: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/ses/${fixture}.json`, import.meta.url), 'utf8')) as {
      detail: Record<string, unknown> & { mail: Record<string, unknown> };
    }
  ).detail;

const CARELOOP_TAGS = {
  'careloop-clinic': ['cml2ZXJzaWRl'],
  'careloop-patient': ['cHQtMDA0Mg'],
  'careloop-booking': ['YmstMjAyNzAzMDMtMDAwMQ'],
  'careloop-kind': ['confirmation'],
};

describe('SES records, as the ses-feedback function reads them', () => {
  it('reads a delivery: when, to whom, the message and its CareLoop tags, and nothing else', async () => {
    expect(await parseSesFeedbackDetail(recordOf('delivery'))).toEqual({
      data: {
        eventType: 'Delivery',
        mail: { messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000', tags: CARELOOP_TAGS },
        delivery: { timestamp: '2027-03-01T09:13:01.558Z', recipients: ['recipient@example.com'] },
      },
    });
  });

  it.each(['bounce-permanent', 'bounce-transient', 'complaint'])(
    'reads the CareLoop tags of a %s, and strips SES’s own tags and the headers',
    async (fixture) => {
      const parsed = await parseSesFeedbackDetail(recordOf(fixture));
      expect('data' in parsed && parsed.data.mail).toEqual({
        messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
        tags: CARELOOP_TAGS,
      });
    },
  );

  it('reads a record of an email sent without CareLoop tags, or without any', async () => {
    const record = recordOf('bounce-permanent');
    const sesOnly = { ...record, mail: { ...record.mail, tags: { 'ses:configuration-set': ['careloop'] } } };
    expect(await parseSesFeedbackDetail(sesOnly)).toMatchObject({ data: { mail: { tags: {} } } });
    const { tags: _none, ...untagged } = record.mail;
    const parsed = await parseSesFeedbackDetail({ ...record, mail: untagged });
    expect('data' in parsed && parsed.data.mail).toEqual({ messageId: expect.any(String) });
  });

  it('refuses a CareLoop tag that is not a list of strings, or a delivery with no time, naming the field', async () => {
    const record = recordOf('delivery');
    const mail = record.mail as { tags: Record<string, unknown> };
    expect(
      await parseSesFeedbackDetail({ ...record, mail: { ...mail, tags: { ...mail.tags, 'careloop-patient': 'x' } } }),
    ).toEqual({ problems: [expect.stringMatching(/^mail\.tags\.careloop-patient: /)] });
    expect(await parseSesFeedbackDetail({ ...record, delivery: { recipients: [] } })).toEqual({
      problems: [expect.stringMatching(/^delivery\.timestamp: /)],
    });
  });
});

describe('SES records, as the ses-feedback function hands them to the domain', () => {
  const parsed = async (record: unknown) =>
    ((await parseSesFeedbackDetail(record)) as { data: SesFeedbackDetail }).data;
  const MESSAGE_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';
  const EMAIL = { clinicId: 'riverside', patientId: 'pt-0042', bookingId: 'bk-20270303-0001', kind: 'confirmation' };

  it('names the email by the ids its tags carry, and the record by its own id', async () => {
    expect(feedbackOf(await parsed(recordOf('delivery')))).toEqual({
      kind: 'delivery',
      recipients: ['recipient@example.com'],
      at: '2027-03-01T09:13:01.558Z',
      messageId: MESSAGE_ID,
      email: EMAIL,
    });
    expect(feedbackOf(await parsed(recordOf('bounce-transient')))).toEqual({
      kind: 'bounce',
      bounceType: 'Transient',
      recipients: ['recipient@example.com'],
      at: '2027-03-01T21:13:02.669Z',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000001',
      messageId: MESSAGE_ID,
      email: EMAIL,
    });
    expect(feedbackOf(await parsed(recordOf('complaint')))).toMatchObject({
      kind: 'complaint',
      feedbackId: '0100015e0b0a3a1e-0f1e4a4c-b69d-4ee3-9a2e-9b5bexample-000000',
      email: EMAIL,
    });
  });

  it('names no email for a record whose tags name none', async () => {
    const record = recordOf('bounce-permanent');
    const { tags: _none, ...untagged } = record.mail;
    const feedback = feedbackOf(await parsed({ ...record, mail: untagged }));
    expect(feedback).not.toHaveProperty('email');
    expect(feedback.messageId).toBe(MESSAGE_ID);
  });
});
