import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSesFeedbackDetail } from '../../../events/ses-feedback';

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

  it('refuses a record whose CareLoop tag is not a list of strings, or a delivery without its time, naming the field', async () => {
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
