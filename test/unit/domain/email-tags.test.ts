import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../shared/adapters/ses-mailer';
import { EMAIL_TAG_NAMES } from '../../../events/ses-message-tags';
import {
  decodeTagValue,
  emailIdsOfTags,
  emailTagsOf,
  encodeTagValue,
  TAG_VALUE,
  type EmailIds,
} from '../../../shared/domain/email-tags';
import { sendOnce } from '../../../shared/domain/send-once';
import { EMAIL_KINDS } from '../../../shared/email/kinds';
import { createMemoryDependencies } from '../../support/memory';

/** Every id the contract accepts (an _identifier_): 1-128 characters of A-Z a-z 0-9 . _ : - */
const identifier = fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/);
const clinicId = fc.stringMatching(/^[a-z0-9-]{1,64}$/);
const emailIds: fc.Arbitrary<EmailIds> = fc.record(
  { clinicId, patientId: identifier, bookingId: identifier, kind: fc.constantFrom(...EMAIL_KINDS) },
  { requiredKeys: ['clinicId', 'patientId', 'kind'] },
);

/** The tags as SES reports them in an event record: each name with its values. */
const asReported = (tags: { name: string; value: string }[]) =>
  Object.fromEntries(tags.map(({ name, value }) => [name, [value]]));

const IDS: EmailIds = { clinicId: 'riverside', patientId: 'pt:0042.a', bookingId: 'bk-2027.03:1', kind: 'reminder' };

describe('the ids an email carries as SES message tags', () => {
  it('encodes every id the contract allows as a value SES accepts, and reads it back exactly', () => {
    fc.assert(
      fc.property(identifier, (id) => {
        const value = encodeTagValue(id);
        expect(value).toMatch(TAG_VALUE);
        expect(decodeTagValue(value)).toBe(id);
      }),
      { numRuns: 2_000 },
    );
  });

  it('stays within the 256 characters SES allows, for the longest id of the characters that cost most', () => {
    for (const id of ['z'.repeat(128), ':'.repeat(128), '.'.repeat(128), '_-'.repeat(64)]) {
      expect(encodeTagValue(id).length).toBeLessThanOrEqual(256);
      expect(encodeTagValue(id)).toMatch(TAG_VALUE);
    }
  });

  it('tags every email CareLoop can send with values SES accepts, and reads the same ids back', () => {
    fc.assert(
      fc.property(emailIds, (ids) => {
        const tags = emailTagsOf(ids);
        for (const { name, value } of tags) {
          expect(name).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
          expect(value).toMatch(TAG_VALUE);
        }
        expect(new Set(tags.map((tag) => tag.name)).size).toBe(tags.length);
        expect(emailIdsOfTags(asReported(tags))).toEqual(ids);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sends every kind as it is: a code of its own, readable in SES', () => {
    for (const kind of EMAIL_KINDS) {
      expect(emailTagsOf({ ...IDS, kind }).find((tag) => tag.name === EMAIL_TAG_NAMES.kind)?.value).toBe(kind);
    }
  });

  it('sends no booking tag for an email about no booking, and reads none back', () => {
    const { bookingId: _none, ...plan } = IDS;
    const tags = emailTagsOf({ ...plan, kind: 'plan-nudge' });
    expect(tags.map((tag) => tag.name)).not.toContain(EMAIL_TAG_NAMES.bookingId);
    expect(emailIdsOfTags(asReported(tags))).toEqual({ ...plan, kind: 'plan-nudge' });
  });

  it('finds no CareLoop email in the tags of one sent without them, or with only SES’s own', () => {
    expect(emailIdsOfTags(undefined)).toBeUndefined();
    expect(emailIdsOfTags({})).toBeUndefined();
    expect(
      emailIdsOfTags({ 'ses:configuration-set': ['careloop'], 'ses:caller-identity': ['careloop-booking-created'] }),
    ).toBeUndefined();
  });

  it('trusts none of the ids when a tag is not as CareLoop writes it', () => {
    const reported = asReported(emailTagsOf(IDS));
    const changed = (name: string, values: string[]) => emailIdsOfTags({ ...reported, [name]: values });
    // Not base64url, not the one encoding of its text, two values, none.
    expect(changed(EMAIL_TAG_NAMES.patientId, ['pt:0042'])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.patientId, [`${encodeTagValue('pt-1')}=`])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.patientId, [encodeTagValue('pt-1').slice(0, -1) + 'B'])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.patientId, [encodeTagValue('pt-1'), encodeTagValue('pt-2')])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.patientId, [])).toBeUndefined();
    // Encoded right, but not an id the contract allows, or not a clinic id.
    expect(changed(EMAIL_TAG_NAMES.patientId, [encodeTagValue('someone@example.com')])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.bookingId, [encodeTagValue('x'.repeat(129))])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.clinicId, [encodeTagValue('Riverside')])).toBeUndefined();
    // A kind CareLoop does not send.
    expect(changed(EMAIL_TAG_NAMES.kind, ['newsletter'])).toBeUndefined();
    expect(changed(EMAIL_TAG_NAMES.kind, ['constructor'])).toBeUndefined();
  });
});

describe('an email sent carries its ids', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());
  // Patched for the whole worker: put it back for the files that run after.
  afterAll(() => ses.restore());

  it('as SES message tags (EmailTags), by the SES mailer', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
    const mailer = createSesMailer(new SESv2Client({ region: 'eu-central-1' }), { from: 'appointments@example.com' });
    await mailer.send({
      to: 'pat@example.com',
      subject: 's',
      html: 'h',
      text: 't',
      attachments: [],
      headers: [],
      ids: IDS,
    });
    const [call] = ses.commandCalls(SendEmailCommand);
    expect(call!.args[0].input.EmailTags).toEqual(
      emailTagsOf(IDS).map(({ name, value }) => ({ Name: name, Value: value })),
    );
  });

  it('from its claim, by sendOnce: clinic, patient, booking and kind', async () => {
    const world = createMemoryDependencies(new Date('2027-03-01T10:00:00Z'));
    const email = {
      kind: 'reminder' as const,
      render: () => ({ subject: 'Reminder', html: '<p>Reminder</p>', text: 'Reminder', attachments: [] }),
    };
    const request = { clinicId: 'riverside', patientId: 'pt:0042.a', to: 'pat@example.com', email };
    await sendOnce(world.dependencies, { ...request, bookingId: 'bk-2027.03:1', key: 'reminder#1' });
    await sendOnce(world.dependencies, { ...request, key: 'plan-nudge#1' });
    expect(world.mailer.sent.map((sent) => sent.ids)).toEqual([
      IDS,
      { clinicId: 'riverside', patientId: 'pt:0042.a', kind: 'reminder' },
    ]);
  });
});
