import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublishedEvent } from '../../events/published';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Contract 1.1, against DynamoDB Local, the SES emulator and the project's Scheduler and
 * EventBridge emulators: emails that speak for the clinic's latest profile, the missed
 * appointment, the plan that stalls, and the plan that ends.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness({ now: new Date('2027-03-01T09:30:00Z') });
});
afterAll(async () => harness?.close());

/** A clinic no other test uses, so its profile is this test's alone. */
const newClinic = () => `clinic-${randomUUID().slice(0, 8)}`;

const PROFILE = {
  name: 'Riverside Physical Therapy',
  phone: '+1 555 0100 200',
  email: 'frontdesk@riverside-pt.example',
  bookingUrl: 'https://riverside-pt.example/book?booking={bookingId}&patient={patientId}',
  cancellationPolicy: 'Please tell us 24 hours ahead if you cannot come.',
};

async function advanceTo(instant: string) {
  const seconds = (Date.parse(instant) - harness.clock.now().getTime()) / 1000;
  return seconds > 0 ? harness.advance(seconds) : 0;
}

/**
 * The tests share one stack, whose clock only moves forward: each lays out its story from the
 * day after the clock's now. `at(2, '14:30')` is 14:30 UTC two days after that day began.
 */
function timeline() {
  const day = 86_400_000;
  const start = Math.ceil(harness.clock.now().getTime() / day) * day + day;
  return (days: number, time = '00:00') => {
    const [hours, minutes] = time.split(':').map(Number) as [number, number];
    return new Date(start + days * day + (hours * 60 + minutes) * 60_000).toISOString();
  };
}

function calendarOf(email: { attachments: { content: string; contentType: string }[] }) {
  const invite = email.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'))!;
  const text = invite.content.includes('BEGIN:') ? invite.content : Buffer.from(invite.content, 'base64').toString();
  return new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
}

const claimsOf = async (partition: string) =>
  (await harness.items()).filter((item) => item.pk === partition && String(item.sk).startsWith('EMAIL#'));

describe('ClinicProfileUpdated', () => {
  it("gives the confirmation the clinic's name, phone, Reply-To and cancellation policy", async () => {
    const at = timeline();
    const s = scenario({ clinicId: newClinic(), startsAt: at(3, '14:30') });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));

    const [confirmation, ...others] = await harness.inbox(s.email);
    expect(others).toHaveLength(0);
    expect(confirmation!.replyTo).toEqual([PROFILE.email]);
    for (const part of [confirmation!.body.text!, confirmation!.body.html!]) {
      expect(part).toContain(PROFILE.name);
      expect(part).toContain(PROFILE.phone);
      expect(part).toContain(PROFILE.cancellationPolicy);
      expect(part).not.toMatch(/your care team/i);
    }
    const organizer = calendarOf(confirmation!).getFirstProperty('organizer')!;
    expect(organizer.getParameter('cn')).toBe(PROFILE.name);
  });

  it('keeps the neutral wording and no Reply-To until the first profile', async () => {
    const at = timeline();
    const s = scenario({ clinicId: newClinic(), startsAt: at(3, '14:30') });
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));
    const [confirmation] = await harness.inbox(s.email);
    expect(confirmation!.replyTo).toEqual([]);
    expect(confirmation!.body.text).not.toContain(PROFILE.name);
    expect(confirmation!.body.text).not.toContain(PROFILE.cancellationPolicy);
  });

  it('shows a profile changed after the booking in the reminder, which is written when it is sent', async () => {
    const at = timeline();
    const s = scenario({ clinicId: newClinic(), startsAt: at(3, '14:30') });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ occurredAt: at(-30), profile: PROFILE }));
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));
    await harness.publish(
      'ClinicProfileUpdated',
      s.clinicProfile({
        occurredAt: at(1),
        profile: { ...PROFILE, name: 'Riverside Physio & Massage', phone: '+1 555 0100 999' },
      }),
    );
    await advanceTo(at(2, '15:00'));

    const [confirmation, reminder, ...others] = await harness.inbox(s.email);
    expect(others).toHaveLength(0);
    expect(confirmation!.body.text).toContain(PROFILE.name);
    expect(reminder!.body.text).toContain('Riverside Physio & Massage');
    expect(reminder!.body.html).toContain('Riverside Physio &amp; Massage');
    expect(reminder!.body.text).toContain('+1 555 0100 999');
    expect(reminder!.body.text).toContain(PROFILE.cancellationPolicy);
  });

  it('ignores a profile older than the one stored, whenever it arrives', async () => {
    const at = timeline();
    const clinicId = newClinic();
    const s = scenario({ clinicId, startsAt: at(3, '14:30') });
    const newer = s.clinicProfile({ occurredAt: at(-10), profile: { ...PROFILE, name: 'Newer Name' } });
    const older = s.clinicProfile({ occurredAt: at(-20), profile: { ...PROFILE, name: 'Older Name' } });
    await harness.publish('ClinicProfileUpdated', newer);
    await harness.publish('ClinicProfileUpdated', older);
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));

    const [confirmation] = await harness.inbox(s.email);
    expect(confirmation!.body.text).toContain('Newer Name');
    expect(confirmation!.body.text).not.toContain('Older Name');
    const stored = (await harness.items()).find((item) => item.pk === `C#${clinicId}#CLINIC`);
    expect(stored).toMatchObject({ data: { name: 'Newer Name', stamp: { eventId: newer.eventId } } });
  });

  it('refuses a profile whose booking link is not https, naming the field, and keeps the one stored', async () => {
    const at = timeline();
    const clinicId = newClinic();
    const s = scenario({ clinicId });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ occurredAt: at(-2), profile: PROFILE }));
    for (const bookingUrl of ['http://riverside-pt.example/book', 'javascript:alert(1)']) {
      await harness.publish(
        'ClinicProfileUpdated',
        s.clinicProfile({ occurredAt: at(-1), profile: { ...PROFILE, name: 'Hijacked', bookingUrl } }),
      );
    }
    const refused = harness.rejectedEvents.filter((record) => JSON.stringify(record).includes(clinicId));
    expect(refused).toHaveLength(2);
    for (const record of refused) expect(JSON.stringify(record)).toContain('profile.bookingUrl');
    const stored = (await harness.items()).find((item) => item.pk === `C#${clinicId}#CLINIC`);
    expect(stored).toMatchObject({ data: { name: PROFILE.name } });
  });

  it('fills the booking link with the ids, URL-encoded, in a cancellation', async () => {
    const at = timeline();
    const s = scenario({ clinicId: newClinic(), startsAt: at(3, '14:30') });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    const bookingId = `${s.bookingId}:a.b`;
    const patientId = `${s.patientId}:x_y`;
    await harness.publish(
      'BookingCreated',
      s.created({ occurredAt: at(0), booking: { bookingId }, patient: { patientId } }),
    );
    await harness.publish('BookingCancelled', s.cancelled({ occurredAt: at(0, '01:00'), bookingId }));

    const cancellation = (await harness.inbox(s.email)).at(-1)!;
    const link = `https://riverside-pt.example/book?booking=${encodeURIComponent(bookingId)}&patient=${encodeURIComponent(patientId)}`;
    expect(link).toContain('%3A');
    expect(cancellation.body.text).toContain(link);
    expect(cancellation.body.html).toContain(link.replaceAll('&', '&amp;'));
  });
});

describe('BookingMissed', () => {
  const orders = {
    'created, then missed': ['created', 'missed'],
    'missed, then created': ['missed', 'created'],
    'each twice, interleaved': ['missed', 'created', 'missed', 'created'],
  } as const;

  it.each(Object.entries(orders))(
    'a no-show gets one "we missed you" with how to book again, and nothing after (%s)',
    async (_order, sequence) => {
      const at = timeline();
      const s = scenario({ clinicId: newClinic(), startsAt: at(2, '14:30') });
      await harness.publish('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
      const created = s.created({ occurredAt: at(0) });
      // Reported while the visit is still ahead: nothing about it may follow.
      const missed = s.missed({ occurredAt: at(0, '01:00'), kind: 'no-show' });
      for (const step of sequence) {
        if (step === 'created') await harness.publish('BookingCreated', created);
        else await harness.publish('BookingMissed', missed);
      }
      // Past the reminder, the visit, the follow-up a session report would bring and its check-in.
      await harness.publish(
        'SessionCompleted',
        s.sessionCompleted({ occurredAt: at(0, '02:00'), completedAt: at(0, '02:00') }),
      );
      await advanceTo(at(8));

      const emails = await harness.inbox(s.email);
      const missedEmails = emails.filter((email) => email.subject.startsWith('We missed you'));
      expect(missedEmails).toHaveLength(1);
      const [email] = missedEmails;
      expect(email!.subject).not.toMatch(/massage|neck|pain/i);
      expect(email!.body.text).toContain(PROFILE.phone);
      expect(email!.body.text).toContain(
        `https://riverside-pt.example/book?booking=${s.bookingId}&patient=${s.patientId}`,
      );
      // Known missed before it was created: no confirmation. Confirmed first: that one stays.
      const others = emails.filter((email) => !email.subject.startsWith('We missed you'));
      expect(others).toHaveLength(sequence[0] === 'created' ? 1 : 0);
      expect(harness.scheduler.schedules().filter((schedule) => schedule.target.input?.includes(s.bookingId))).toEqual(
        [],
      );
    },
  );

  it('a late cancellation sends nothing and ends the booking: no reminder', async () => {
    const at = timeline();
    const s = scenario({ clinicId: newClinic(), startsAt: at(2, '14:30') });
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));
    await harness.publish('BookingMissed', s.missed({ occurredAt: at(1), kind: 'late-cancel' }));
    await advanceTo(at(4));
    const emails = await harness.inbox(s.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).not.toMatch(/missed/i);
    expect(harness.scheduler.schedules().some((schedule) => schedule.target.input?.includes(s.bookingId))).toBe(false);
  });
});

describe('a plan that stalls', () => {
  /**
   * A weekly plan of 6 sessions, agreed on day 0, with its first session done on day 1 at 10:00
   * UTC: it stalls 1.5 weeks later, on day 11 at 22:00 UTC, inside quiet hours (Berlin).
   */
  async function planWithOneSession() {
    const at = timeline();
    const s = scenario({ clinicId: newClinic(), startsAt: at(1, '10:00') });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));
    await harness.publish(
      'TreatmentPlanCreated',
      s.planCreated({ occurredAt: at(0, '01:00'), plan: { startsOn: at(0).slice(0, 10) } }),
    );
    await advanceTo(at(1, '10:30'));
    await harness.publish(
      'SessionCompleted',
      s.sessionCompleted({ occurredAt: at(1, '10:05'), completedAt: at(1, '10:00') }),
    );
    return { s, at, clinicId: s.created().clinicId };
  }

  const atRisk = async (patientId: string) =>
    (await harness.publishedEvents()).filter(
      (event) =>
        event['detail-type'] === 'PlanAtRisk' && (event.detail as { patientId?: string }).patientId === patientId,
    );
  const nudges = <E extends { subject: string }>(emails: E[]) =>
    emails.filter((email) => email.subject === 'How is your treatment plan going?');

  it('is found once: one PlanAtRisk, one nudge, however often its check runs', async () => {
    const { s, at, clinicId } = await planWithOneSession();
    await advanceTo(at(11, '21:00'));
    expect(await atRisk(s.patientId)).toHaveLength(0);
    await advanceTo(at(12, '12:00'));

    const events = await atRisk(s.patientId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'careloop.care',
      detail: {
        clinicId,
        patientId: s.patientId,
        planId: 'plan-0042-a',
        sessionsCompleted: 1,
        plannedSessions: 6,
        daysSinceLastSession: 10,
      },
    });
    // Ids, counts and codes only: the published contract's PlanAtRisk, which admits nothing else.
    expect(JSON.stringify(events[0]!.detail)).not.toMatch(/Alex|@|Dana|warm pack/);
    const { source, 'detail-type': detailType, detail } = events[0]!;
    expect(parsePublishedEvent(source, detailType, detail).detail).toEqual(detail);

    const emails = await harness.inbox(s.email);
    expect(nudges(emails)).toHaveLength(1);
    expect(nudges(emails)[0]!.body.text).toContain(`https://riverside-pt.example/book?booking=&patient=${s.patientId}`);

    // The same check delivered again, and the weeks after it: nothing more.
    const claims = await claimsOf(`C#${clinicId}#P#${s.patientId}`);
    expect(claims).toHaveLength(1);
    const [, kind, planId, dueAt] = /^EMAIL#(plan-nudge)#([^#]+)#(.+)$/.exec(String(claims[0]!.sk)) ?? [];
    expect(kind).toBe('plan-nudge');
    await harness.dueJob('plan-check', { clinicId, patientId: s.patientId, planId, dueAt });
    await advanceTo(at(30));
    expect(await atRisk(s.patientId)).toHaveLength(1);
    expect(nudges(await harness.inbox(s.email))).toHaveLength(1);
  });

  it('is not at risk when a booking arrives first', async () => {
    const { s, at, clinicId } = await planWithOneSession();
    const next = scenario({ clinicId, startsAt: at(14, '10:00') });
    await harness.publish(
      'BookingCreated',
      next.created({ occurredAt: at(4), patient: { patientId: s.patientId, email: s.email } }),
    );
    await advanceTo(at(14));
    expect(await atRisk(s.patientId)).toHaveLength(0);
    expect(nudges(await harness.inbox(s.email))).toHaveLength(0);
  });

  it('is checked again when the booking that held it is cancelled', async () => {
    const { s, at, clinicId } = await planWithOneSession();
    const next = scenario({ clinicId, startsAt: at(18, '10:00') });
    await harness.publish(
      'BookingCreated',
      next.created({ occurredAt: at(4), patient: { patientId: s.patientId, email: s.email } }),
    );
    await advanceTo(at(14, '12:00'));
    expect(await atRisk(s.patientId)).toHaveLength(0);
    await harness.publish('BookingCancelled', next.cancelled({ occurredAt: at(14, '12:00') }));
    await advanceTo(at(15, '12:00'));
    expect(await atRisk(s.patientId)).toHaveLength(1);
    expect(nudges(await harness.inbox(s.email))).toHaveLength(1);
  });

  it('publishes PlanAtRisk without a nudge when the patient declined follow-ups', async () => {
    const { s, at } = await planWithOneSession();
    await harness.publish(
      'ContactPreferencesUpdated',
      s.preferences({ occurredAt: at(2), consent: { followUps: false } }),
    );
    await advanceTo(at(13));
    expect(await atRisk(s.patientId)).toHaveLength(1);
    expect(nudges(await harness.inbox(s.email))).toHaveLength(0);
  });
});

describe('the session that completes a plan', () => {
  it('gets the plan summary in place of the progress line: sessions, pain before and after, goals, a review', async () => {
    const at = timeline();
    const clinicId = newClinic();
    const s = scenario({ clinicId, startsAt: at(7, '10:00') });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    await harness.publish('BookingCreated', s.created({ occurredAt: at(0) }));
    await harness.publish(
      'TreatmentPlanCreated',
      s.planCreated({ occurredAt: at(0, '01:00'), plan: { plannedSessions: 2, startsOn: at(0).slice(0, 10) } }),
    );
    const first = scenario({ clinicId });
    await harness.publish(
      'SessionCompleted',
      first.sessionCompleted({
        patientId: s.patientId,
        occurredAt: at(0, '10:05'),
        completedAt: at(0, '10:00'),
        painBefore: 8,
        painAfter: 5,
      }),
    );
    await advanceTo(at(7, '11:00'));
    await harness.publish(
      'SessionCompleted',
      s.sessionCompleted({ occurredAt: at(7, '10:05'), completedAt: at(7, '10:00') }),
    );

    const last = (await harness.inbox(s.email)).at(-1)!;
    const text = last.body.text!;
    expect(text).toContain('Your treatment plan is complete');
    expect(text).toContain('2 of 2');
    expect(text).toContain('Relieving pain');
    expect(text).toContain('Moving more freely');
    expect(text).toMatch(/8\D+5/);
    expect(text).toMatch(/7\D+4/);
    expect(text).toContain('https://riverside-pt.example/book');
    expect(last.subject).not.toMatch(/pain|massage|neck|complete/i);
  });
});
