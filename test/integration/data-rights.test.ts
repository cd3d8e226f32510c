import { randomUUID } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { parsePublishedEvent } from '../../events/published';
import { emailTagsOf } from '../../shared/domain/email-tags';
import { functionUrlRequest, sesEvent } from '../support/aws-events';
import { createHarness, UNSUBSCRIBE_BASE, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Contract 1.1's data rights, against DynamoDB Local, the SES emulator, the local S3 endpoint and
 * the project's Scheduler and EventBridge emulators: an erasure leaves the marker and nothing
 * else, and the events of before it, delivered again, bring nothing back.
 */

let harness: Harness;
let s3: S3Client;

beforeAll(async () => {
  harness = await createHarness({ now: new Date('2027-03-01T09:30:00Z') });
  s3 = new S3Client({
    endpoint: inject('s3Endpoint'),
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  s3?.destroy();
  await harness?.close();
});

const newClinic = () => `clinic-${randomUUID().slice(0, 8)}`;
const now = () => harness.clock.now().toISOString();
const day = 86_400_000;
const later = (days: number) => new Date(harness.clock.now().getTime() + days * day).toISOString();

const published = async (type: string, patientId: string) =>
  (await harness.publishedEvents()).filter(
    (event) => event['detail-type'] === type && (event.detail as { patientId?: string }).patientId === patientId,
  );

/** The patient-page links of an email's text, the one-click unsubscribe link left out. */
function answerLinks(email: { body: { text?: string }; headers?: { name: string; value: string }[] }) {
  const unsubscribe = email.headers?.find((header) => header.name === 'List-Unsubscribe')?.value.slice(1, -1);
  const pattern = new RegExp(`${UNSUBSCRIBE_BASE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[A-Za-z0-9._-]+`, 'g');
  return [...new Set(email.body.text!.match(pattern) ?? [])].filter((url) => url !== unsubscribe);
}

/** Every item that names the patient or one of their bookings, anywhere in the table. */
async function itemsOf(patientId: string, bookingIds: string[]) {
  await harness.settled();
  return (await harness.items()).filter((item) => {
    const text = JSON.stringify(item);
    return text.includes(patientId) || bookingIds.some((bookingId) => text.includes(`#B#${bookingId}`));
  });
}

const schedulesOf = (ids: string[]) =>
  harness.scheduler.schedules().filter((schedule) => ids.some((id) => schedule.target.input?.includes(id)));

/**
 * A patient with everything CareLoop keeps: a booking ahead (confirmation, reminders), a session
 * (follow-up, check-in), its answer, a plan (its check), all occurred before `erasureAt`.
 */
async function patientWithHistory() {
  const clinicId = newClinic();
  const s = scenario({ clinicId, startsAt: later(5) });
  const pastBooking = `${s.bookingId}-past`;
  await harness.publish('ClinicProfileUpdated', s.clinicProfile());
  await harness.publish('BookingCreated', s.created({ occurredAt: now() }));
  await harness.publish(
    'SessionCompleted',
    s.sessionCompleted({ bookingId: pastBooking, occurredAt: now(), completedAt: now() }),
  );
  await harness.publish('TreatmentPlanCreated', s.planCreated({ occurredAt: now() }));
  const followUp = (await harness.inbox(s.email)).at(-1)!;
  const [checkIn] = answerLinks(followUp);
  const answered = (await harness.invoke(
    'unsubscribe',
    functionUrlRequest('POST', checkIn!, { feeling: 'better', painNow: '2' }),
  )) as { statusCode: number };
  expect(answered.statusCode).toBe(200);
  await harness.settled();
  return { s, clinicId, bookingIds: [s.bookingId, pastBooking] };
}

describe('PatientErasureRequested', () => {
  it('leaves no item of the patient but the marker, no pending schedule, and no email afterwards', async () => {
    const { s, clinicId, bookingIds } = await patientWithHistory();
    const held = await itemsOf(s.patientId, bookingIds);
    for (const sortKey of ['PROFILE', 'SESSION#', 'PLAN#', 'RESPONSE#', 'BOOKING', 'EMAIL#']) {
      expect(held.some((item) => String(item.sk).startsWith(sortKey))).toBe(true);
    }
    expect(schedulesOf([...bookingIds, s.patientId]).length).toBeGreaterThan(0);
    const emailsBefore = (await harness.inbox(s.email)).length;

    await harness.advance(60);
    const request = s.erasureRequested({ occurredAt: now() });
    const result = await harness.publish('PatientErasureRequested', request);
    expect(result).toMatchObject({ status: 'processed', outcome: { erased: true } });

    expect(await itemsOf(s.patientId, bookingIds)).toEqual([
      {
        pk: `C#${clinicId}#P#${s.patientId}`,
        sk: 'PROFILE',
        version: expect.any(Number),
        data: {
          clinicId,
          patientId: s.patientId,
          consent: { reminders: true, followUps: true },
          consentChange: {},
          erasure: { erasedAt: expect.any(String), requestId: request.requestId },
        },
      },
    ]);
    expect(schedulesOf([...bookingIds, s.patientId])).toEqual([]);
    const erased = await published('PatientErased', s.patientId);
    expect(erased.map((event) => event.detail)).toEqual([
      expect.objectContaining({ clinicId, patientId: s.patientId, requestId: request.requestId }),
    ]);
    for (const event of erased) parsePublishedEvent(event.source, event['detail-type'], event.detail);

    // The booking's day, and the check-in's, pass: nothing is sent.
    await harness.advance(7 * 86_400);
    expect(await harness.inbox(s.email)).toHaveLength(emailsBefore);
  });

  it('the same request again erases nothing new and publishes nothing new', async () => {
    const { s } = await patientWithHistory();
    const request = s.erasureRequested({ occurredAt: now() });
    await harness.publish('PatientErasureRequested', request);
    // A redelivery with a new event id (a producer's retry), and Lambda's own retry of the first.
    const again = await harness.publish('PatientErasureRequested', { ...request, eventId: `${request.eventId}-again` });
    expect(again).toMatchObject({ status: 'processed', outcome: { erased: false, reason: 'duplicate' } });
    expect(await published('PatientErased', s.patientId)).toHaveLength(1);
  });

  it('ignores the booking, session and contact events of before the erasure, however they come back', async () => {
    const { s, bookingIds } = await patientWithHistory();
    const before = now();
    const emailsBefore = (await harness.inbox(s.email)).length;
    await harness.advance(60);
    await harness.publish('PatientErasureRequested', s.erasureRequested({ occurredAt: now() }));
    const marker = await itemsOf(s.patientId, bookingIds);

    // Replayed from the archive once the processed markers expired (new ids), redriven, late: all
    // occurred before the erasure.
    const replays = [
      ['BookingCreated', s.created({ eventId: `replay-${s.tag}-1`, occurredAt: before })],
      [
        'BookingCreated',
        s.created({ eventId: `replay-${s.tag}-2`, occurredAt: before, booking: { bookingId: `${s.bookingId}-new` } }),
      ],
      [
        'SessionCompleted',
        s.sessionCompleted({ eventId: `replay-${s.tag}-3`, occurredAt: before, completedAt: before }),
      ],
      ['TreatmentPlanCreated', s.planCreated({ eventId: `replay-${s.tag}-4`, occurredAt: before })],
      [
        'ContactPreferencesUpdated',
        s.preferences({ eventId: `replay-${s.tag}-5`, occurredAt: before, email: s.email }),
      ],
    ] as const;
    for (const [type, detail] of replays) {
      const result = await harness.publish(type, detail);
      expect(result, type).toMatchObject({ status: 'processed', outcome: { ignored: 'patient-erased' } });
    }
    // A cancellation names the booking only: with the booking gone, it is kept as a change waiting
    // for a BookingCreated that never comes, naming no patient, sending nothing, and expiring.
    await harness.publish('BookingCancelled', s.cancelled({ occurredAt: before }));
    const waiting = (await itemsOf(s.patientId, [s.bookingId])).filter((item) => item.sk === 'BOOKING');
    expect(waiting).toEqual([
      expect.objectContaining({ expiresAt: Math.floor(Date.parse(before) / 1000) + 35 * 86_400 }),
    ]);
    expect(JSON.stringify(waiting)).not.toContain(s.patientId);

    const left = await itemsOf(s.patientId, [...bookingIds, `${s.bookingId}-new`]);
    expect(left.filter((item) => item.sk !== 'BOOKING')).toEqual(marker);
    expect(schedulesOf([...bookingIds, `${s.bookingId}-new`, s.patientId])).toEqual([]);
    await harness.advance(7 * 86_400);
    expect(await harness.inbox(s.email)).toHaveLength(emailsBefore);
  });

  it('a BookingCreated that occurred after the erasure starts afresh, and the marker stays', async () => {
    const { s, clinicId } = await patientWithHistory();
    const before = now();
    await harness.advance(60);
    const request = s.erasureRequested({ occurredAt: now() });
    await harness.publish('PatientErasureRequested', request);
    const emailsBefore = (await harness.inbox(s.email)).length;

    await harness.advance(60);
    const booking = `${s.bookingId}-after`;
    const result = await harness.publish(
      'BookingCreated',
      s.created({ eventId: `after-${s.tag}`, occurredAt: now(), booking: { bookingId: booking, startsAt: later(3) } }),
    );
    expect(result).toMatchObject({ status: 'processed', outcome: { applied: true } });
    const inbox = await harness.inbox(s.email);
    expect(inbox).toHaveLength(emailsBefore + 1);
    expect(inbox.at(-1)!.subject).toMatch(/^Your appointment on/);

    const profile = (await harness.items()).find(
      (item) => item.pk === `C#${clinicId}#P#${s.patientId}` && item.sk === 'PROFILE',
    ) as { data: Record<string, unknown> };
    expect(profile.data).toMatchObject({ email: s.email, erasure: { requestId: request.requestId } });
    // What occurred before the erasure is still ignored beside the new record.
    const late = await harness.publish(
      'SessionCompleted',
      s.sessionCompleted({ eventId: `late-${s.tag}`, occurredAt: before, completedAt: before }),
    );
    expect(late).toMatchObject({ outcome: { ignored: 'patient-erased' } });
  });
});

describe('PatientDataExportRequested', () => {
  it('writes one document with every record kind and no email body, and announces it once', async () => {
    const { s, clinicId } = await patientWithHistory();
    const emails = await harness.inbox(s.email);
    const request = s.exportRequested({ occurredAt: now() });
    const result = await harness.publish('PatientDataExportRequested', request);
    expect(result).toMatchObject({ status: 'processed', outcome: { exported: true } });

    const [ready, ...more] = await published('PatientDataExportReady', s.patientId);
    expect(more).toEqual([]);
    const detail = parsePublishedEvent(ready!.source, ready!['detail-type'], ready!.detail).detail as {
      bucket: string;
      key: string;
      requestId: string;
      expiresAt: string;
    };
    expect(detail.requestId).toBe(request.requestId);
    expect(detail.key).toBe(`exports/${clinicId}/${s.patientId}/${request.requestId}.json`);
    expect(Date.parse(detail.expiresAt) - harness.clock.now().getTime()).toBeGreaterThan(6.9 * day);

    const object = await s3.send(new GetObjectCommand({ Bucket: detail.bucket, Key: detail.key }));
    expect(object.ContentType).toBe('application/json');
    const text = await object.Body!.transformToString();
    const document = JSON.parse(text);
    expect(document).toMatchObject({
      format: 'careloop.patient-data-export',
      formatVersion: 1,
      requestId: request.requestId,
      clinicId,
      patientId: s.patientId,
      profile: { email: s.email },
      consent: { reminders: true, followUps: true },
    });
    expect(document.bookings.map((booking: { bookingId: string }) => booking.bookingId)).toContain(s.bookingId);
    expect(document.sessions).toHaveLength(1);
    expect(document.plans).toHaveLength(1);
    expect(document.answers).toEqual([
      expect.objectContaining({ kind: 'check-in', answer: expect.objectContaining({ feeling: 'better' }) }),
    ]);
    // The email log: each email sent, by its message id, and nothing of what it said.
    expect(document.emails.map((email: { messageId: string }) => email.messageId).sort()).toEqual(
      emails.map((email) => email.messageId).sort(),
    );
    for (const email of emails) {
      expect(text).not.toContain(email.subject);
      for (const line of email.body.text!.split('\n').filter((line) => line.trim().length > 40)) {
        expect(text).not.toContain(line.trim());
      }
    }
  });

  it('the same request again exports nothing new', async () => {
    const { s } = await patientWithHistory();
    const request = s.exportRequested({ occurredAt: now() });
    await harness.publish('PatientDataExportRequested', request);
    const again = await harness.publish('PatientDataExportRequested', {
      ...request,
      eventId: `${request.eventId}-again`,
    });
    expect(again).toMatchObject({ status: 'processed', outcome: { exported: false, reason: 'duplicate' } });
    expect(await published('PatientDataExportReady', s.patientId)).toHaveLength(1);
  });
});

describe('after an erasure, what SES says of an earlier email', () => {
  it('is not published: no event names the erased patient again', async () => {
    const { s, clinicId } = await patientWithHistory();
    const [confirmation] = await harness.inbox(s.email);
    await harness.advance(60);
    await harness.publish('PatientErasureRequested', s.erasureRequested({ occurredAt: now() }));
    const before = (await harness.publishedEvents()).length;

    const tags = emailTagsOf({ clinicId, patientId: s.patientId, bookingId: s.bookingId, kind: 'confirmation' });
    const delivery = sesEvent('delivery', s.email, {
      messageId: confirmation!.messageId,
      tags: tags.map(({ name, value }) => ({ Name: name, Value: value })),
    });
    expect(await harness.invoke('ses-feedback', delivery)).toMatchObject({ outcome: { published: 'patient-erased' } });
    expect((await harness.publishedEvents()).slice(before).map((event) => event['detail-type'])).toEqual([]);
  });
});
