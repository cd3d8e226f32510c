import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../shared/adapters/dynamo-store';
import { DEFAULT_RETENTION_DAYS } from '../../shared/retention';
import { createHarness, SENDER, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => harness?.close());

/** Moves the stack's clock to an instant, firing every schedule due on the way. */
async function advanceTo(instant: string) {
  const seconds = (Date.parse(instant) - harness.clock.now().getTime()) / 1000;
  return seconds > 0 ? harness.advance(seconds) : 0;
}

const kinds = (emails: { subject: string }[]) => emails.map((email) => email.subject);

const calendarOf = (email: { attachments: { content: string; contentType: string }[] }) =>
  email.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'))!.content;

function parseCalendar(content: string) {
  const text =
    /^[A-Za-z0-9+/=\s]+$/.test(content) && !content.includes('BEGIN:')
      ? Buffer.from(content, 'base64').toString('utf8')
      : content;
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
  };
}

describe('BookingCreated', () => {
  it('stores the booking and patient, and sends one confirmation with a calendar invitation for the booked instant', async () => {
    const s = scenario();
    await harness.publish('BookingCreated', s.created());

    const [confirmation, ...others] = await harness.inbox(s.email);
    expect(others).toHaveLength(0);
    expect(confirmation!.from).toBe(SENDER);
    expect(confirmation!.subject).toContain('15:30');
    expect(confirmation!.body.text).toContain('15:30');
    expect(confirmation!.body.html).toContain('15:30');
    expect(confirmation!.subject).not.toMatch(/massage/i);
    const invite = confirmation!.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
    expect(invite).toBeDefined();
    const calendar = parseCalendar(invite!.content);
    expect(calendar.start).toBe('2027-03-03T14:30:00.000Z');
    expect(calendar.method).toBe('REQUEST');
    expect(calendar.sequence).toBe(0);

    const items = await harness.items();
    const booking = items.find((item) => item.pk === `C#riverside#B#${s.bookingId}` && item.sk === 'BOOKING');
    const patient = items.find((item) => item.pk === `C#riverside#P#${s.patientId}` && item.sk === 'PROFILE');
    expect(booking).toMatchObject({ status: 'active', data: { startsAt: '2027-03-03T15:30:00+01:00' } });
    expect(patient).toMatchObject({ data: { email: s.email, firstName: 'Alex', consent: { reminders: true } } });
  });

  it('sends nothing more when the same event is delivered again, under another EventBridge id', async () => {
    const s = scenario();
    const event = s.created();
    await harness.publish('BookingCreated', event);
    await harness.publish('BookingCreated', event);
    await Promise.all([harness.publish('BookingCreated', event), harness.publish('BookingCreated', event)]);
    expect(await harness.inbox(s.email)).toHaveLength(1);
    expect(
      harness.scheduler.schedules().filter((schedule) => schedule.target.input?.includes(s.bookingId)),
    ).toHaveLength(1);
  });

  it('stores a booking recorded after its start, with no confirmation and no reminder', async () => {
    const s = scenario({ startsAt: '2025-01-10T10:00:00+01:00', occurredAt: '2025-01-11T10:00:00Z' });
    await harness.publish('BookingCreated', s.created());
    expect(await harness.inbox(s.email)).toHaveLength(0);
    expect(harness.scheduler.schedules().some((schedule) => schedule.target.input?.includes(s.bookingId))).toBe(false);
    expect((await harness.items()).some((item) => item.pk === `C#riverside#B#${s.bookingId}`)).toBe(true);
  });

  it('schedules no reminder for a booking made inside the reminder offset', async () => {
    const startsAt = new Date(harness.clock.now().getTime() + 3 * 3600_000).toISOString();
    const s = scenario({ startsAt, occurredAt: harness.clock.now().toISOString() });
    await harness.publish('BookingCreated', s.created());
    expect(await harness.inbox(s.email)).toHaveLength(1);
    expect(harness.scheduler.schedules().some((schedule) => schedule.target.input?.includes(s.bookingId))).toBe(false);
  });
});

describe('reminders, reschedules and cancellations', () => {
  it('sends the reminder once, 24 hours before the start', async () => {
    const s = scenario({ startsAt: '2027-05-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    await advanceTo('2027-05-09T13:29:00Z');
    expect(await harness.inbox(s.email)).toHaveLength(1);
    await advanceTo('2027-05-09T13:31:00Z');
    const emails = await harness.inbox(s.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toMatch(/reminder/i);
    expect(emails[1]!.body.text).toContain('15:30');

    // The same schedule delivered again (Scheduler is at-least-once) sends nothing more.
    const payload = {
      clinicId: 'riverside',
      bookingId: s.bookingId,
      startsAt: '2027-05-10T13:30:00.000Z',
      offsetMinutes: 1440,
    };
    await harness.dueJob('reminder', payload);
    expect(await harness.inbox(s.email)).toHaveLength(2);
  });

  it('sends no reminder for a booking cancelled after the reminder was scheduled, and confirms the cancellation', async () => {
    const s = scenario({ startsAt: '2027-06-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    await harness.publish('BookingCancelled', s.cancelled({ occurredAt: '2027-03-02T10:00:00Z' }));
    expect(harness.scheduler.schedules().some((schedule) => schedule.target.input?.includes(s.bookingId))).toBe(false);

    const payload = {
      clinicId: 'riverside',
      bookingId: s.bookingId,
      startsAt: '2027-06-10T13:30:00.000Z',
      offsetMinutes: 1440,
    };
    await advanceTo('2027-06-09T13:31:00Z');
    await harness.dueJob('reminder', payload);

    const emails = await harness.inbox(s.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toMatch(/cancel/i);
    const calendar = parseCalendar(emails[1]!.attachments[0]!.content);
    expect(calendar.method).toBe('CANCEL');
    expect(calendar.sequence).toBe(1);
    expect(calendar.uid).toBe(parseCalendar(emails[0]!.attachments[0]!.content).uid);
  });

  it('moves the reminder with a reschedule: none for the old time, one for the new', async () => {
    const s = scenario({ startsAt: '2027-07-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    await harness.publish('BookingRescheduled', s.rescheduled({ startsAt: '2027-07-12T10:00:00+02:00' }));

    const emails = await harness.inbox(s.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body.text).toContain('10:00');
    const first = parseCalendar(emails[0]!.attachments[0]!.content);
    const second = parseCalendar(emails[1]!.attachments[0]!.content);
    expect(second.uid).toBe(first.uid);
    expect(second.sequence).toBeGreaterThan(first.sequence);
    expect(second.start).toBe('2027-07-12T08:00:00.000Z');

    // A stale schedule for the old time, had it survived, must not speak.
    await harness.dueJob('reminder', {
      clinicId: 'riverside',
      bookingId: s.bookingId,
      startsAt: '2027-07-10T13:30:00.000Z',
      offsetMinutes: 1440,
    });
    await advanceTo('2027-07-11T08:01:00Z');
    const after = await harness.inbox(s.email);
    expect(after).toHaveLength(3);
    expect(after[2]!.subject).toMatch(/reminder/i);
    expect(after[2]!.body.text).toContain('10:00');
  });

  it('ends with the reminder of the newest time when two reschedules are processed at once', async () => {
    const s = scenario({ startsAt: '2027-07-20T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    const older = s.rescheduled({ occurredAt: '2027-03-02T08:00:00Z', startsAt: '2027-07-21T10:00:00+02:00' });
    const newer = s.rescheduled({ occurredAt: '2027-03-02T09:00:00Z', startsAt: '2027-07-22T10:00:00+02:00' });
    // A duplicate in flight is refused with a retryable error; Lambda retries it, as here.
    const withRetries = async (deliver: () => Promise<unknown>) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await deliver();
        } catch (error) {
          if (attempt === 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };
    await Promise.all(
      [newer, older, newer].map((event) => withRetries(() => harness.publish('BookingRescheduled', event))),
    );
    const reminders = harness.scheduler.schedules().filter((schedule) => schedule.target.input?.includes(s.bookingId));
    expect(reminders.map((schedule) => schedule.fireAt.toISOString())).toEqual(['2027-07-21T08:00:00.000Z']);
    // Sent at once, the two reschedule emails may arrive in either order; a calendar applies the
    // invitation with the highest SEQUENCE, which must be the newest time.
    const emails = await harness.inbox(s.email);
    const invitations = emails
      .filter((email) => email.attachments.some((attachment) => attachment.contentType.startsWith('text/calendar')))
      .map((email) => ({ email, calendar: parseCalendar(calendarOf(email)) }))
      .sort((a, b) => b.calendar.sequence - a.calendar.sequence);
    expect(invitations[0]!.calendar.start).toBe('2027-07-22T08:00:00.000Z');
    expect(invitations[0]!.email.body.text).toMatch(/22 July|Thu 22 Jul/);
    expect(emails.filter((email) => /moved/i.test(email.subject)).length).toBeLessThanOrEqual(2);
  });

  it('does not revive a booking whose creation arrives after its cancellation, and still confirms the cancellation once', async () => {
    const s = scenario({ startsAt: '2027-08-10T15:30:00+02:00' });
    const cancel = s.cancelled();
    await harness.publish('BookingCancelled', cancel);
    await harness.publish('BookingCreated', s.created());
    await harness.publish('BookingCancelled', cancel);
    const emails = await harness.inbox(s.email);
    expect(kinds(emails)).toHaveLength(1);
    expect(emails[0]!.subject).toMatch(/cancel/i);
    expect(harness.scheduler.schedules().some((schedule) => schedule.target.input?.includes(s.bookingId))).toBe(false);
  });

  it('sends no reminder to a patient who turned reminders off', async () => {
    const s = scenario({ startsAt: '2027-09-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    await harness.publish(
      'ContactPreferencesUpdated',
      s.preferences({ occurredAt: '2027-03-02T00:00:00Z', consent: { reminders: false } }),
    );
    await advanceTo('2027-09-09T13:31:00Z');
    expect(await harness.inbox(s.email)).toHaveLength(1);
  });
});

describe('SessionCompleted', () => {
  it('sends a self-care follow-up with the exercises and the escaped note, then a check-in three days later', async () => {
    const s = scenario({ startsAt: '2027-10-04T10:00:00+02:00' });
    await harness.publish('TreatmentPlanCreated', s.planCreated({ occurredAt: '2027-02-26T16:00:00Z' }));
    await harness.publish('BookingCreated', s.created());
    await harness.publish(
      'SessionCompleted',
      s.sessionCompleted({
        completedAt: '2027-10-04T11:00:00+02:00',
        selfCare: {
          exercises: ['chin-tuck', 'doorway-chest-stretch', 'no-such-exercise'],
          note: 'Warm pack <b>tonight</b> & rest',
        },
      }),
    );
    const emails = await harness.inbox(s.email);
    const followUp = emails.find((email) => email.body.text?.includes('Warm pack'));
    expect(followUp).toBeDefined();
    expect(followUp!.body.html).toContain('Warm pack &lt;b&gt;tonight&lt;/b&gt; &amp; rest');
    expect(followUp!.body.html).not.toContain('<b>tonight</b>');
    expect(followUp!.body.text).toMatch(/chin tuck/i);
    expect(followUp!.body.text).toMatch(/doorway/i);
    expect(followUp!.body.text).not.toContain('no-such-exercise');
    expect(followUp!.body.text).toMatch(/1 of 6/);
    expect(followUp!.subject).not.toMatch(/deep|tissue|neck|back|pain/i);
    const header = (email: { headers?: { name: string; value: string }[] }, name: string) =>
      email.headers?.find((candidate) => candidate.name === name)?.value;
    const link = /^<(http:\/\/127\.0\.0\.1:4999\/unsubscribe\/[A-Za-z0-9_.-]+)>$/.exec(
      header(followUp!, 'List-Unsubscribe') ?? '',
    );
    expect(link).not.toBeNull();
    expect(header(followUp!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(followUp!.body.html).toContain(link![1]);
    const confirmation = emails.find((email) => /^Your appointment on/.test(email.subject))!;
    expect(header(confirmation, 'List-Unsubscribe')).toBeUndefined();

    const checkIns = async () =>
      (await harness.inbox(s.email)).filter((email) => /how are you feeling/i.test(email.subject));
    await advanceTo('2027-10-07T08:59:00Z');
    expect(await checkIns()).toHaveLength(0);
    await advanceTo('2027-10-07T09:01:00Z');
    const [checkIn, ...more] = await checkIns();
    expect(more).toHaveLength(0);
    expect(checkIn!.body.text).toMatch(/chin tuck/i);
    expect(checkIn!.headers?.map((h) => h.name)).toEqual(
      expect.arrayContaining(['List-Unsubscribe', 'List-Unsubscribe-Post']),
    );
  });

  it('holds the follow-up of a session that arrives before its booking until the address is known', async () => {
    const s = scenario({ startsAt: '2027-11-04T10:00:00+01:00' });
    await harness.publish('SessionCompleted', s.sessionCompleted({ completedAt: '2027-11-04T11:00:00+01:00' }));
    expect(await harness.inbox(s.email)).toHaveLength(0);
    await harness.publish('BookingCreated', s.created());
    const emails = await harness.inbox(s.email);
    expect(emails.filter((email) => email.body.text?.includes('warm pack'))).toHaveLength(1);
  });

  it('sends no follow-up to a patient who turned follow-ups off', async () => {
    const s = scenario({ startsAt: '2027-12-04T10:00:00+01:00' });
    await harness.publish('BookingCreated', s.created({ patient: { consent: { reminders: true, followUps: false } } }));
    await harness.publish('SessionCompleted', s.sessionCompleted({ completedAt: '2027-12-04T11:00:00+01:00' }));
    const emails = await harness.inbox(s.email);
    expect(emails).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('keeps an event that breaks the contract in the rejected-events queue with the failing field, and writes nothing', async () => {
    const s = scenario();
    const event = s.created({ patient: { email: 'not-an-address' } });

    const result = await harness.publish('BookingCreated', event);

    expect(result).toEqual({ status: 'rejected' });
    const rejected = harness.rejectedEvents.find((record) => JSON.stringify(record.detail).includes(s.bookingId));
    expect(rejected).toMatchObject({ source: 'clinic.booking', detailType: 'BookingCreated', detail: event });
    expect(rejected!.error).toContain('patient.email');
    expect(rejected!.error).not.toContain('not-an-address');
    expect((await harness.items()).some((item) => String(item.pk).includes(s.bookingId))).toBe(false);
    expect(await harness.inbox(s.email)).toHaveLength(0);
  });

  it('is refused by its shape even when another field breaks the contract too, and its record serializes', async () => {
    const s = scenario();
    const invalid = s.created({ patient: { email: 'not-an-address' } }) as object;
    const event = { ...invalid, extra: nested(50_000, (inner) => [inner]) };

    await expect(harness.publish('BookingCreated', event)).resolves.toEqual({ status: 'rejected' });

    const rejected = harness.rejectedEvents.find((record) => JSON.stringify(record.detail).includes(s.bookingId));
    expect(rejected!.error).toBe('detail: must not be nested deeper than 32 levels');
    expect(rejected!.detail).toMatchObject({ careloopClipped: expect.any(String) });
  });
});

/** A value `levels` deep, each level made by `wrap`, built without recursion. */
function nested(levels: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = wrap(value);
  return value;
}

describe('a detail nested far beyond the contract', () => {
  it('is refused by its shape and kept, cut, in the rejected-events queue: no retry, nothing written', async () => {
    const s = scenario();
    const event = { ...(s.created() as object), extra: nested(50_000, (inner) => ({ a: inner })) };

    const result = await harness.publish('BookingCreated', event);

    expect(result).toEqual({ status: 'rejected' });
    const rejected = harness.rejectedEvents.find((record) => JSON.stringify(record.detail).includes(s.bookingId));
    expect(rejected).toMatchObject({ source: 'clinic.booking', detailType: 'BookingCreated' });
    expect(rejected!.error).toBe('detail: must not be nested deeper than 32 levels');
    expect((await harness.items()).some((item) => String(item.pk).includes(s.bookingId))).toBe(false);
    expect(await harness.inbox(s.email)).toHaveLength(0);
  });

  it('is refused by its shape even when another field breaks the contract too, and its record serializes', async () => {
    const s = scenario();
    const invalid = s.created({ patient: { email: 'not-an-address' } }) as object;
    const event = { ...invalid, extra: nested(50_000, (inner) => [inner]) };

    await expect(harness.publish('BookingCreated', event)).resolves.toEqual({ status: 'rejected' });

    const rejected = harness.rejectedEvents.find((record) => JSON.stringify(record.detail).includes(s.bookingId));
    expect(rejected!.error).toBe('detail: must not be nested deeper than 32 levels');
    expect(rejected!.detail).toMatchObject({ careloopClipped: expect.any(String) });
  });
});

describe('processed-event markers', () => {
  it('are kept per function: a second function handling the same event is not told it was handled', async () => {
    const store = createDynamoStore(new DynamoDBClient({}), harness.tableName, { retention: DEFAULT_RETENTION_DAYS });
    const s = scenario();
    const { eventId } = s.cancelled() as { eventId: string };

    await store.markEventProcessed(
      'riverside',
      'BookingCancelled',
      eventId,
      'careloop-dev-booking-cancelled',
      new Date(),
    );

    expect(
      await store.isEventProcessed('riverside', 'BookingCancelled', eventId, 'careloop-dev-booking-cancelled'),
    ).toBe(true);
    expect(await store.isEventProcessed('riverside', 'BookingCancelled', eventId, 'careloop-dev-plan-check')).toBe(
      false,
    );
  });
});
