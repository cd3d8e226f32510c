import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublishedEvent } from '../../events/published';
import { functionUrlRequest } from '../support/aws-events';
import { createHarness, UNSUBSCRIBE_BASE, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * The patient's answers (contract 1.1), against DynamoDB Local, the SES emulator and the bus: the
 * links in the emails, the pages they open, what a POST records and publishes, and who hears.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness({ now: new Date('2027-03-01T09:30:00Z') });
});
afterAll(async () => harness?.close());

const STAFF = 'care-team@riverside-pt.example';
const newClinic = () => `clinic-${randomUUID().slice(0, 8)}`;

interface PageAnswer {
  statusCode: number;
  body: string;
}
const open = async (url: string) => (await harness.invoke('unsubscribe', functionUrlRequest('GET', url))) as PageAnswer;
const send = async (url: string, form: Record<string, string>) =>
  (await harness.invoke('unsubscribe', functionUrlRequest('POST', url, form))) as PageAnswer;

/** The patient-page links in an email's text, with the one-click unsubscribe link left out. */
function answerLinks(email: { body: { text?: string }; headers?: { name: string; value: string }[] }) {
  const unsubscribe = email.headers?.find((header) => header.name === 'List-Unsubscribe')?.value.slice(1, -1);
  const pattern = new RegExp(
    `${UNSUBSCRIBE_BASE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[A-Za-z0-9._-]+(?:\\?[a-z=-]+)?`,
    'g',
  );
  return [...new Set(email.body.text!.match(pattern) ?? [])].filter((url) => url !== unsubscribe);
}

const published = async (type: string, patientId: string) =>
  (await harness.publishedEvents()).filter(
    (event) => event['detail-type'] === type && (event.detail as { patientId?: string }).patientId === patientId,
  );

/** Items of the table once the outbox has caught up, to tell that a GET wrote nothing. */
const snapshot = async () => {
  await harness.settled();
  return JSON.stringify(await harness.items());
};

async function bookingWithConfirmation() {
  const s = scenario({ clinicId: newClinic() });
  await harness.publish('ClinicProfileUpdated', s.clinicProfile());
  await harness.publish('BookingCreated', s.created());
  const [confirmation] = await harness.inbox(s.email);
  const links = answerLinks(confirmation!);
  return {
    s,
    confirmed: links.find((url) => url.endsWith('choice=confirmed'))!,
    change: links.find((url) => url.endsWith('choice=change-requested'))!,
  };
}

/** A session (painAfter 4, two exercises), its follow-up, and the follow-up's answer link. */
async function sessionWithFollowUp() {
  const s = scenario({ clinicId: newClinic() });
  await harness.publish('ClinicProfileUpdated', s.clinicProfile());
  await harness.publish('BookingCreated', s.created());
  await harness.publish(
    'SessionCompleted',
    s.sessionCompleted({ occurredAt: '2027-03-01T09:20:00Z', completedAt: '2027-03-01T09:00:00Z' }),
  );
  const followUp = (await harness.inbox(s.email)).at(-1)!;
  const [link] = answerLinks(followUp);
  return { s, link: link! };
}

describe('attendance: "I\'ll be there" / "I need to cancel or change it"', () => {
  it('opens a page that records nothing; the POST records and publishes once, whatever repeats', async () => {
    const { s, confirmed, change } = await bookingWithConfirmation();
    expect(confirmed).toBeDefined();
    expect(change).toBeDefined();

    const before = await snapshot();
    const page = await open(confirmed);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="attendance"');
    expect(await snapshot()).toBe(before);

    const answered = await send(confirmed, { attendance: 'confirmed' });
    expect(answered.statusCode).toBe(200);
    await send(confirmed, { attendance: 'confirmed' });
    await Promise.all([send(confirmed, { attendance: 'confirmed' }), send(confirmed, { attendance: 'confirmed' })]);
    let responses = await published('PatientResponded', s.patientId);
    expect(responses.map((event) => (event.detail as { kind: string }).kind)).toEqual(['attendance-confirmed']);

    // Changed: the latest answer counts, and the change is published too.
    await send(change, { attendance: 'change-requested' });
    responses = await published('PatientResponded', s.patientId);
    expect(responses.map((event) => (event.detail as { kind: string }).kind)).toEqual([
      'attendance-confirmed',
      'change-requested',
    ]);
    for (const event of responses) parsePublishedEvent(event.source, event['detail-type'], event.detail);
    const stored = (await harness.items()).find(
      (item) =>
        item.sk === `RESPONSE#${s.bookingId}#attendance` && item.pk === `C#${s.created().clinicId}#P#${s.patientId}`,
    );
    expect(stored).toMatchObject({ data: { answer: 'change-requested' } });
    // A change request cancels nothing: the booking system decides.
    expect(
      (await harness.items()).find(
        (item) => item.pk === `C#${s.created().clinicId}#B#${s.bookingId}` && item.sk === 'BOOKING',
      ),
    ).toMatchObject({ status: 'active' });
  });

  it('refuses a forged or altered link, and an expired one, recording nothing', async () => {
    const { s, confirmed } = await bookingWithConfirmation();
    const token = confirmed.split('/').pop()!.split('?')[0]!;
    const altered = confirmed.replace(token, `${token.slice(0, 12)}${token[12] === 'A' ? 'B' : 'A'}${token.slice(13)}`);
    const forged = `${UNSUBSCRIBE_BASE}not.a.token`;
    for (const url of [altered, forged]) {
      expect((await open(url)).statusCode).toBe(400);
      expect((await send(url, { attendance: 'confirmed' })).statusCode).toBe(400);
    }
    // Past the appointment's start.
    await harness.advance((Date.parse('2027-03-03T14:31:00Z') - harness.clock.now().getTime()) / 1000);
    expect((await open(confirmed)).statusCode).toBe(410);
    const late = await send(confirmed, { attendance: 'confirmed' });
    expect(late.statusCode).toBe(410);
    expect(await published('PatientResponded', s.patientId)).toEqual([]);
    expect((await harness.items()).some((item) => String(item.sk).startsWith(`RESPONSE#${s.bookingId}`))).toBe(false);
  });
});

describe('check-in: how the patient feels, pain now, each exercise, warning signs', () => {
  it("shows the session's exercises and warning signs; a calm answer is recorded and published, and alerts no one", async () => {
    const { s, link } = await sessionWithFollowUp();
    const before = await snapshot();
    const page = await open(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="exercise:chin-tuck"');
    expect(page.body).toContain('name="painNow"');
    expect(page.body).toContain('name="warningSigns"');
    expect(await snapshot()).toBe(before);

    const answer = await send(link, { feeling: 'better', painNow: '3', 'exercise:chin-tuck': 'done' });
    expect(answer.statusCode).toBe(200);
    const [responded] = await published('PatientResponded', s.patientId);
    expect(responded!.detail).toMatchObject({
      kind: 'check-in',
      feeling: 'better',
      painNow: 3,
      exercises: [{ exerciseId: 'chin-tuck', status: 'done' }],
      warningSigns: false,
    });
    expect(await published('AttentionNeeded', s.patientId)).toEqual([]);
    expect(await harness.inbox(STAFF)).toHaveLength(0);
  });

  // painAfter of the session is 4: pain now 6 is two points above it, 5 only one.
  it.each([
    ['feeling worse', { feeling: 'worse' }, ['feeling-worse']],
    ['pain one point up', { painNow: '5' }, []],
    ['pain two points up', { painNow: '6' }, ['pain-increase']],
    ['an exercise too painful', { 'exercise:doorway-chest-stretch': 'too-painful' }, ['exercise-too-painful']],
    ['a warning sign', { warningSigns: 'yes' }, ['warning-signs']],
    ['an exercise not prescribed, too painful', { 'exercise:cat-cow': 'too-painful' }, []],
  ] as [string, Record<string, string>, string[]][])(
    'calls for attention exactly when the contract says: %s',
    async (_case, form, reasons) => {
      const { s, link } = await sessionWithFollowUp();
      const page = await send(link, form);
      expect(page.statusCode).toBe(200);
      const attention = await published('AttentionNeeded', s.patientId);
      const alerts = await harness.inbox(STAFF);
      const mine = alerts.filter((alert) => alert.body.text!.includes(s.patientId));
      if (reasons.length === 0) {
        expect(attention).toEqual([]);
        expect(mine).toEqual([]);
        return;
      }
      expect(attention.map((event) => (event.detail as { reasons: string[] }).reasons)).toEqual([reasons]);
      parsePublishedEvent(attention[0]!.source, attention[0]!['detail-type'], attention[0]!.detail);
      // The page sends the patient to the clinic, with its phone; for warning signs, emergency services first.
      expect(page.body).toContain('+1 555 0100 200');
      if (reasons.includes('warning-signs')) {
        expect(page.body.indexOf('emergency')).toBeLessThan(page.body.indexOf('+1 555 0100 200'));
      }
      // One staff alert, with ids and reasons only: no name, address, note or pain score.
      expect(mine).toHaveLength(1);
      const alert = `${mine[0]!.subject}\n${mine[0]!.body.text}\n${mine[0]!.body.html}`;
      expect(alert).toContain(s.bookingId);
      for (const secret of ['Alex', 'Meyer', s.email, 'warm pack', 'Therapeutic massage'])
        expect(alert).not.toContain(secret);
      expect(alert).not.toMatch(/pain\W+(?:now\W+)?\d/i);
      expect(alert).not.toMatch(/\b[0-9]\s*\/\s*10\b/);
    },
  );

  it('alerts the staff once for a reason, not again when the answer changes without a new one', async () => {
    const { s, link } = await sessionWithFollowUp();
    await send(link, { feeling: 'worse' });
    await send(link, { feeling: 'worse', painNow: '4' });
    await send(link, { feeling: 'worse', painNow: '4' });
    expect(await published('PatientResponded', s.patientId)).toHaveLength(2);
    expect(await published('AttentionNeeded', s.patientId)).toHaveLength(1);
    expect((await harness.inbox(STAFF)).filter((alert) => alert.body.text!.includes(s.patientId))).toHaveLength(1);
  });

  it('refuses a value the form never offers, and an answer 14 days after the session', async () => {
    const { s, link } = await sessionWithFollowUp();
    expect((await send(link, { painNow: '11' })).statusCode).toBe(400);
    expect((await send(link, { feeling: 'great' })).statusCode).toBe(400);
    await harness.advance((Date.parse('2027-03-15T09:01:00Z') - harness.clock.now().getTime()) / 1000);
    expect((await send(link, { feeling: 'better' })).statusCode).toBe(410);
    expect(await published('PatientResponded', s.patientId)).toEqual([]);
  });
});
