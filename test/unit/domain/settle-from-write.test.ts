import { describe, expect, it } from 'vitest';
import type {
  BookingCreated,
  BookingRescheduled,
  SessionCompleted,
  TreatmentPlanCreated,
} from '../../../events/schemas';
import { bookingCreatedReadsFirst, onBookingCreated, onBookingRescheduled } from '../../../shared/domain/bookings';
import { servingFirstReads } from '../../../shared/runtime/first-reads';
import { onTreatmentPlanCreated } from '../../../shared/domain/plans';
import { onSessionCompleted } from '../../../shared/domain/sessions';
import type { PatientRecord } from '../../../shared/domain/model';
import { createMemoryDependencies } from '../../support/memory';
import { scenario } from '../../support/scenario';

/**
 * A settling starts from its own write rather than reading it back. A session's follow-up is
 * written from the patient's profile as the session's write left it, and the read just before
 * the send checks it is still that profile; a new booking's confirmation is written from the
 * patient's file read once the reminders are scheduled (the read that also finds follow-ups
 * waiting for the address). These change the profile in between (while the reminders are being
 * scheduled) and expect the email to follow the profile as it is at the send.
 */

const NOW = new Date('2027-03-01T09:15:00Z');

function world() {
  const { dependencies, store, mailer, scheduler } = createMemoryDependencies(NOW);
  let meanwhile: (() => Promise<void>) | undefined;
  const deps = {
    ...dependencies,
    scheduler: {
      ...scheduler,
      // Between the booking's write and its confirmation: the moment the profile may change under it.
      async ensure(job: Parameters<typeof scheduler.ensure>[0]) {
        const change = meanwhile;
        meanwhile = undefined;
        await change?.();
        await scheduler.ensure(job);
      },
    },
  };
  const changeProfile = (change: (patient: PatientRecord) => PatientRecord, s: { patientId: string }) => {
    meanwhile = async () => {
      const current = (await store.getPatient('riverside', s.patientId))!;
      await store.save([{ type: 'patient', record: change(current.record), version: current.version }]);
    };
  };
  return { deps, store, mailer, changeProfile };
}

const createdEvent = (s: ReturnType<typeof scenario>) =>
  s.created({ occurredAt: '2027-03-01T09:12:00Z' }) as unknown as BookingCreated;

describe("a new booking's confirmation, written from the booking's own write", () => {
  it('goes to the address the booking gave when nothing changed, once', async () => {
    const { deps, mailer } = world();
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    const outcome = await onBookingCreated(deps, createdEvent(s));
    expect(outcome.emails).toEqual({ confirmation: 'sent' });
    expect(mailer.sent.map((email) => email.to)).toEqual([s.email]);
  });

  it('goes to the new address when the patient changed it while the booking settled', async () => {
    const { deps, mailer, changeProfile } = world();
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    changeProfile((patient) => ({ ...patient, email: `new.${s.email}` }), s);
    const outcome = await onBookingCreated(deps, createdEvent(s));
    expect(outcome.emails).toEqual({ confirmation: 'sent' });
    expect(mailer.sent.map((email) => email.to)).toEqual([`new.${s.email}`]);
  });

  it('is not sent when the patient was erased while the booking settled', async () => {
    const { deps, mailer, changeProfile } = world();
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    changeProfile(
      (patient) => ({
        clinicId: patient.clinicId,
        patientId: patient.patientId,
        consent: { reminders: false, followUps: false },
        consentChange: {},
        erasure: { erasedAt: '2027-03-01T09:14:00Z', requestId: 'req-1' },
      }),
      s,
    );
    await onBookingCreated(deps, createdEvent(s));
    expect(mailer.sent).toEqual([]);
  });
});

describe('what the address needs, read with the event', () => {
  /** onBookingCreated with the store as the event handler gives it: its first reads served from the marker's read. */
  async function withFirstReads(deps: ReturnType<typeof world>['deps'], event: BookingCreated) {
    const reads = bookingCreatedReadsFirst(event);
    const start = await deps.store.readEventStart(event.clinicId, 'BookingCreated', event.eventId, 'fn', reads);
    return { ...deps, store: servingFirstReads(deps.store, reads, start.records) };
  }

  it('answers the confirmation, which follows it within a few calls', async () => {
    const { deps, mailer } = world();
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    const event = createdEvent(s);
    await deps.store.suppressAddress(s.email, 'bounce', NOW);
    const outcome = await onBookingCreated(await withFirstReads(deps, event), event);
    expect(outcome.emails).toEqual({ confirmation: 'address-suppressed' });
    expect(mailer.sent).toEqual([]);
  });

  it('does not answer a follow-up the booking releases: that send reads the address as it is then', async () => {
    const { deps, store, mailer } = world();
    // A visit already past (no confirmation is owed), whose session waited for the address.
    const s = scenario({ startsAt: '2027-02-20T10:00:00+01:00' });
    const session = s.sessionCompleted({ completedAt: '2027-02-20T11:00:00+01:00' }) as unknown as SessionCompleted;
    expect((await onSessionCompleted(deps, session)).followUp).toBe('awaiting-contact');
    const event = createdEvent(s);
    const served = await withFirstReads(deps, event);
    // A bounce recorded after the event's first read, before the follow-up goes.
    await store.suppressAddress(s.email, 'bounce', NOW);
    await onBookingCreated(served, event);
    expect(mailer.sent).toEqual([]);
  });
});

describe("a booking's reminders, settled from its write", () => {
  it('are not listed for a booking the write created, and are listed by a settling that wrote nothing', async () => {
    const { deps } = world();
    const listed: string[] = [];
    const scheduler = {
      ...deps.scheduler,
      async list(prefix: string) {
        listed.push(prefix);
        return deps.scheduler.list(prefix);
      },
    };
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    const event = createdEvent(s);
    await onBookingCreated({ ...deps, scheduler }, event);
    expect(listed).toEqual([]);
    // The same booking again (a producer's retry with a new event id): nothing to write, so the
    // settling cannot know what an earlier one left, and looks.
    const again = await onBookingCreated({ ...deps, scheduler }, { ...event, eventId: `${event.eventId}-again` });
    expect(listed).toHaveLength(1);
    expect(again.remindersScheduled).toBe(0);
  });

  it("move with a reschedule without a list: the replaced time's reminder goes, the new one comes", async () => {
    const { deps } = world();
    const listed: string[] = [];
    const scheduler = {
      ...deps.scheduler,
      async list(prefix: string) {
        listed.push(prefix);
        return deps.scheduler.list(prefix);
      },
    };
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    await onBookingCreated({ ...deps, scheduler }, createdEvent(s));
    const before = await deps.scheduler.list('rem-');
    const moved = s.rescheduled({ startsAt: '2027-03-12T10:00:00+01:00' }) as unknown as BookingRescheduled;
    const outcome = await onBookingRescheduled({ ...deps, scheduler }, moved);
    expect(listed).toEqual([]);
    expect(outcome).toMatchObject({ remindersScheduled: 1, remindersRemoved: 1 });
    const after = await deps.scheduler.list('rem-');
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });
});

describe("a session's follow-up, written from the session's own write", () => {
  const completed = (s: ReturnType<typeof scenario>) =>
    s.sessionCompleted({
      completedAt: '2027-03-10T14:30:00Z',
      occurredAt: '2027-03-10T14:35:00Z',
    }) as unknown as SessionCompleted;

  it('goes to the address on file when nothing changed', async () => {
    const { deps, mailer } = world();
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    await onBookingCreated(deps, createdEvent(s));
    const outcome = await onSessionCompleted(deps, completed(s));
    expect(outcome.followUp).toBe('sent');
    expect(mailer.sent.map((email) => email.to)).toEqual([s.email, s.email]);
  });

  it('goes to the new address when the patient changed it while the follow-up was written', async () => {
    const { deps, mailer, changeProfile } = world();
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    await onBookingCreated(deps, createdEvent(s));
    // The check-in is scheduled between the session's write and the follow-up's send.
    changeProfile((patient) => ({ ...patient, email: `new.${s.email}` }), s);
    const outcome = await onSessionCompleted(deps, completed(s));
    expect(outcome.followUp).toBe('sent');
    expect(mailer.sent.map((email) => email.to)).toEqual([s.email, `new.${s.email}`]);
  });
});

describe("a plan's check, settled from the plan's write", () => {
  it("is scheduled without a list for the patient's first plan, and listed once they have one", async () => {
    const { deps } = world();
    const listed: string[] = [];
    const jobs = () => deps.scheduler.list('pln-');
    const scheduler = {
      ...deps.scheduler,
      async list(prefix: string) {
        listed.push(prefix);
        return deps.scheduler.list(prefix);
      },
    };
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    const first = s.planCreated({ occurredAt: '2027-03-01T09:00:00Z' }) as unknown as TreatmentPlanCreated;
    const outcome = await onTreatmentPlanCreated({ ...deps, scheduler }, first);
    expect(outcome).toMatchObject({ applied: true, planChecksScheduled: 1, planChecksRemoved: 0 });
    expect(listed).toEqual([]);
    expect(await jobs()).toHaveLength(1);

    // A second plan: the first one's check may be there, so the settling looks, and keeps one check.
    const second = {
      ...first,
      eventId: `${first.eventId}-second`,
      plan: { ...first.plan, planId: `${first.plan.planId}-b`, startsOn: '2027-03-20' },
    };
    await onTreatmentPlanCreated({ ...deps, scheduler }, second);
    expect(listed).toHaveLength(1);
    expect(await jobs()).toHaveLength(1);
  });
});
