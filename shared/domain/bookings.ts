import { createHash } from 'node:crypto';
import type { BookingCancelled, BookingCreated, BookingMissed, BookingRescheduled } from '../../events/schemas';
import { appointmentEmail } from '../email/appointment-emails';
import type { Appointment } from '../email/types';
import type { BookingRecord, PatientRecord, Versioned } from './model';
import { erasedSince, ignoredAfterErasure } from './erasure';
import {
  type Dependencies,
  type Needs,
  type PatientFile,
  type RecordChange,
  type RecordRead,
  type ScheduledJob,
  type UnsubscribeLinks,
} from './ports';
import {
  applyBookingCancelled,
  applyBookingCreated,
  applyBookingMissed,
  applyBookingRescheduled,
  applyPatientFromBooking,
} from './records';
import { withOptimisticRetry } from './optimistic';
import { outsideQuietHours, type QuietHours } from './quiet-hours';
import { recipientOf } from './recipient';
import { sendOnce, sendOnceWithChecks, type SendOnceRequest, type SendOnceResult } from './send-once';
import { deliverAwaitingFollowUps, followUpsAwait } from './awaiting-follow-ups';
import { syncPlanCheck } from './plans';

/** A reminder delivered later than this after its moment is not sent: a late reminder misleads. */
export const REMINDER_LATENESS_TOLERANCE_MS = 30 * 60 * 1000;

export type BookingTrigger = 'BookingCreated' | 'BookingRescheduled' | 'BookingCancelled' | 'BookingMissed';

export interface BookingOutcome {
  applied: boolean;
  emails: Record<string, string>;
  remindersScheduled: number;
  remindersRemoved: number;
}

const shortHash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);

/** All reminder schedules of a booking share this prefix, whatever time they are for. */
export const reminderPrefix = (clinicId: string, bookingId: string) => `rem-${shortHash(clinicId, bookingId)}-`;

export interface ReminderPayload {
  clinicId: string;
  bookingId: string;
  startsAt: string;
  offsetMinutes: number;
}

/** The reminders a booking should have now: one per offset, for its current time, none in the past. */
export function desiredReminders(
  booking: BookingRecord,
  offsetsMinutes: number[],
  now: Date,
  quietHours?: QuietHours,
): ScheduledJob[] {
  if (booking.status !== 'active' || !booking.created || !booking.startsAt) return [];
  const start = Date.parse(booking.startsAt);
  const timezone = booking.timezone ?? 'UTC';
  return offsetsMinutes
    .map((offsetMinutes) => ({
      offsetMinutes,
      at: outsideQuietHours(new Date(start - offsetMinutes * 60_000), timezone, quietHours, 'earlier'),
    }))
    .filter(({ at }) => at.getTime() > now.getTime())
    .map(({ offsetMinutes, at }) => ({
      name: `${reminderPrefix(booking.clinicId, booking.bookingId)}${Math.floor(start / 1000)}-${offsetMinutes}`,
      at,
      target: 'reminder' as const,
      payload: {
        clinicId: booking.clinicId,
        bookingId: booking.bookingId,
        startsAt: new Date(start).toISOString(),
        offsetMinutes,
      } satisfies ReminderPayload,
    }));
}

export function appointmentOf(booking: BookingRecord): Appointment | undefined {
  const { startsAt, durationMinutes, timezone, service, therapist } = booking;
  if (!startsAt || !durationMinutes || !timezone || !service || !therapist) return undefined;
  return {
    bookingId: booking.bookingId,
    clinicId: booking.clinicId,
    startsAt,
    durationMinutes,
    timezone,
    serviceName: service.name,
    therapistName: therapist.name,
    location: booking.location,
    sequence: booking.sequence,
  };
}

/**
 * Brings the booking's reminder schedules in line with the booking: creates what is missing,
 * removes the rest. `replaced` is the record this invocation's own write replaced (null: the write
 * created the booking): its settling left the reminders it wanted, so those are the ones there
 * and their list is not asked for. Otherwise (a later round, a retry, a repeat) they are listed,
 * which also clears whatever a settling that died half-way left behind.
 */
async function syncReminders(deps: Needs<'scheduler'>, booking: BookingRecord, replaced?: BookingRecord | null) {
  const { reminderOffsetsMinutes, quietHours } = deps.settings;
  const now = deps.clock.now();
  const desired = desiredReminders(booking, reminderOffsetsMinutes, now, quietHours);
  const existing =
    replaced === undefined
      ? await deps.scheduler.list(reminderPrefix(booking.clinicId, booking.bookingId))
      : replaced === null
        ? []
        : desiredReminders(replaced, reminderOffsetsMinutes, now, quietHours).map((job) => job.name);
  const wanted = new Set(desired.map((job) => job.name));
  const toRemove = existing.filter((name) => !wanted.has(name));
  const toCreate = desired.filter((job) => !existing.includes(job.name));
  for (const job of toCreate) await deps.scheduler.ensure(job);
  for (const name of toRemove) await deps.scheduler.remove(name);
  return { remindersScheduled: toCreate.length, remindersRemoved: toRemove.length };
}

/**
 * The attendance page a confirmation or reminder links to ("I'll be there" / "I need to change
 * it"), good until the appointment starts. Only the functions that send those wire the links.
 */
function attendanceUrl(
  links: UnsubscribeLinks | undefined,
  booking: BookingRecord,
  patientId: string,
  startsAt: string,
) {
  return links?.answerUrlFor({
    purpose: 'attendance',
    clinicId: booking.clinicId,
    patientId,
    bookingId: booking.bookingId,
    expiresAt: new Date(startsAt),
  });
}

/**
 * What this invocation's own write left, for the settling's first round to start from instead of
 * reading it back: the record the write replaced (null when it created the booking), and the
 * patient's profile as the write left it (or as it was read just before, when the write did not
 * change it).
 */
interface Written {
  booking: Versioned<BookingRecord>;
  replaced: BookingRecord | null;
  patient?: Versioned<PatientRecord>;
  /**
   * Reads the patient's profile as it is now, once the reminders are settled: the email is written
   * from that read instead of `patient`, so there is nothing to check it against before the send.
   */
  readPatient?: () => Promise<Versioned<PatientRecord> | undefined>;
}

/** What a use case reads once its write is done, before the settling's first round. */
interface AfterWrite {
  /** The patient's profile as it is now: the first round's email is written from it. */
  patient: Versioned<PatientRecord> | undefined;
  /** Nothing follows the settling: the email recorded last may carry the event's marker. */
  completesEvent: boolean;
}

/**
 * Makes the world match the booking record after an event: schedules, then the one email
 * this trigger owes. It runs again in full when the same event is delivered again, which is
 * how a retry after a failure at any step finishes the work without repeating any of it.
 */
async function settleBooking(
  deps: Needs<'scheduler' | 'mailer'> & Partial<Pick<Dependencies, 'unsubscribeLinks'>>,
  { record: booking, version }: Versioned<BookingRecord>,
  trigger: { type: BookingTrigger; eventId: string },
  written: Omit<Written, 'booking'> | undefined,
  completesEvent: () => boolean,
): Promise<Omit<BookingOutcome, 'applied'> & { bookingUnchanged?: boolean }> {
  const schedules = await syncReminders(deps, booking, written?.replaced);
  const readAfterWrite = written?.readPatient !== undefined;
  const fromWrite = readAfterWrite ? await written.readPatient!() : written?.patient;
  const known = fromWrite?.record.patientId === booking.patientId ? fromWrite : undefined;
  // The email is the settling's last step: the write recording it says whether the booking moved
  // since, and the read before it whether the patient's profile the email was written from did
  // (unless that profile was itself read after the write).
  let bookingUnchanged: boolean | undefined;
  const sendChecked = async (request: SendOnceRequest) => {
    const sent = await sendOnceWithChecks(deps, {
      ...request,
      bookingVersion: version,
      ...(known && !readAfterWrite && { patientVersion: known.version }),
      // The first round of a new booking: what the send needs was read with the event.
      ...(readAfterWrite && { readWithTheEvent: true }),
      ...(completesEvent() && { completesEvent: true }),
    });
    bookingUnchanged = sent.result === 'patient-changed' ? false : sent.bookingUnchanged;
    return sent.result;
  };
  const emails: Record<string, string> = {};
  const patient =
    known ?? (booking.patientId ? await deps.store.getPatient(booking.clinicId, booking.patientId) : undefined);
  const appointment = appointmentOf(booking);
  const email = patient?.record.email;
  if (!patient || !email || !appointment || !booking.created) return { ...schedules, emails, bookingUnchanged };

  const recipient = recipientOf(patient.record);
  const base = {
    clinicId: booking.clinicId,
    patientId: patient.record.patientId,
    bookingId: booking.bookingId,
    to: email,
  };
  // A no-show is told after the start, so unlike the others it does not need a visit still to come.
  if (booking.status === 'missed') {
    // Owed once, whichever of creation and the report arrives last; a late cancellation owes nothing.
    if (booking.missed?.kind === 'no-show' && (trigger.type === 'BookingMissed' || trigger.type === 'BookingCreated')) {
      emails.missed = await sendChecked({
        ...base,
        key: 'missed',
        email: appointmentEmail({ kind: 'missed', recipient, appointment }),
      });
    }
    return { ...schedules, emails, bookingUnchanged };
  }
  const startsInFuture = Date.parse(appointment.startsAt) > deps.clock.now().getTime();
  if (!startsInFuture) return { ...schedules, emails, bookingUnchanged };
  if (booking.status === 'cancelled') {
    // Owed once, whichever of creation and cancellation arrives last.
    if (trigger.type === 'BookingCancelled' || trigger.type === 'BookingCreated') {
      emails.cancellation = await sendChecked({
        ...base,
        key: 'cancellation',
        email: appointmentEmail({
          kind: 'cancellation',
          recipient,
          appointment,
          cancelledBy: booking.cancellation!.cancelledBy,
        }),
      });
    }
  } else if (trigger.type === 'BookingCreated') {
    const answerUrl = await attendanceUrl(deps.unsubscribeLinks, booking, base.patientId, appointment.startsAt);
    emails.confirmation = await sendChecked({
      ...base,
      key: 'confirmation',
      ...(answerUrl !== undefined && { answerUrl }),
      email: appointmentEmail({ kind: 'confirmation', recipient, appointment }),
    });
  } else if (
    trigger.type === 'BookingRescheduled' &&
    booking.timeChange?.eventId === trigger.eventId &&
    booking.reschedules?.find((change) => change.stamp.eventId === trigger.eventId)?.afterCreation
  ) {
    // Only the reschedule that set the current time speaks, and only if the confirmation did
    // not already carry it; an overtaken one stays silent.
    emails.reschedule = await sendChecked({
      ...base,
      key: `reschedule#${trigger.eventId}`,
      email: appointmentEmail({
        kind: 'reschedule',
        recipient,
        appointment,
        previousStartsAt: booking.previousStartsAt,
      }),
    });
  }
  return { ...schedules, emails, bookingUnchanged };
}

async function applyAndSettle(
  deps: Needs<'scheduler' | 'mailer'> & Partial<Pick<Dependencies, 'unsubscribeLinks'>>,
  clinicId: string,
  bookingId: string,
  trigger: { type: BookingTrigger; eventId: string },
  merge: (booking: Versioned<BookingRecord> | undefined) => Promise<{
    booking: BookingRecord | undefined;
    extra: RecordChange[];
    /** The patient's profile once the changes are written, when the merge read it. */
    patient?: Versioned<PatientRecord>;
  }>,
  options: {
    /**
     * Read after the write, when something was written, once the first round's reminders are
     * settled: the first round's email is written from the patient it reads.
     */
    afterWrite?: () => Promise<AfterWrite>;
    /** Nothing follows the settling (until afterWrite says otherwise). */
    completesEvent?: boolean;
  } = {},
): Promise<BookingOutcome & { patientId?: string }> {
  let written: Written | undefined;
  const applied = await withOptimisticRetry(async () => {
    const current = await deps.store.getBooking(clinicId, bookingId);
    const { booking: next, extra, patient } = await merge(current);
    const changes: RecordChange[] = [...extra];
    if (next) changes.push({ type: 'booking', record: next, version: current?.version });
    if (changes.length > 0) await deps.store.save(changes);
    written = next && {
      booking: { record: next, version: (current?.version ?? 0) + 1 },
      replaced: current?.record ?? null,
      ...(patient && { patient }),
    };
    return next !== undefined;
  });
  let completesEvent = options.completesEvent ?? false;
  const { afterWrite } = options;
  if (written && afterWrite) {
    written = {
      ...written,
      readPatient: async () => {
        const after = await afterWrite();
        completesEvent = after.completesEvent;
        return after.patient;
      },
    };
  }
  // Settle what the booking is now, not what this invocation wrote: another change may have
  // landed in between, and settling a stale copy would leave its schedules or email behind.
  // The first round starts from the write itself (no read); the version check after each
  // round catches any change that landed meanwhile, and the next round reads it.
  const outcome: BookingOutcome & { patientId?: string } = {
    applied,
    emails: {},
    remindersScheduled: 0,
    remindersRemoved: 0,
  };
  for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
    const fromWrite = round === 0 ? written : undefined;
    const before = fromWrite ? fromWrite.booking : await deps.store.getBooking(clinicId, bookingId);
    if (!before) return outcome;
    if (before.record.patientId !== undefined) outcome.patientId = before.record.patientId;
    const settled = await settleBooking(deps, before, trigger, fromWrite, () => completesEvent);
    Object.assign(outcome.emails, settled.emails);
    outcome.remindersScheduled += settled.remindersScheduled;
    outcome.remindersRemoved += settled.remindersRemoved;
    // An email sent in this round was recorded together with the check; otherwise read the booking.
    const unchanged =
      settled.bookingUnchanged ?? (await deps.store.getBooking(clinicId, bookingId))?.version === before.version;
    if (unchanged) return outcome;
  }
  return outcome;
}

/** A booking changing under every settle this many times in a row is settled by the changes themselves. */
const MAX_SETTLE_ROUNDS = 5;

/**
 * What onBookingCreated reads before anything else: the booking, then (its merge) the patient,
 * and what the confirmation to the address the event gives needs (readForSending): a profile
 * that keeps another address is read for again when the email is sent.
 */
export const bookingCreatedReadsFirst = (event: BookingCreated): RecordRead[] => [
  { type: 'booking', clinicId: event.clinicId, bookingId: event.booking.bookingId },
  { type: 'patient', clinicId: event.clinicId, patientId: event.patient.patientId },
  ...(event.patient.email !== undefined
    ? [{ type: 'sending' as const, clinicId: event.clinicId, address: event.patient.email }]
    : []),
];

/** What the other booking events read before anything else: the booking. */
export const bookingReadFirst = (event: BookingRescheduled | BookingCancelled | BookingMissed): RecordRead[] => [
  { type: 'booking', clinicId: event.clinicId, bookingId: event.bookingId },
];

export async function onBookingCreated(
  deps: Needs<'scheduler' | 'mailer' | 'library' | 'unsubscribeLinks'>,
  event: BookingCreated,
): Promise<BookingOutcome> {
  const { clinicId } = event;
  const { patientId } = event.patient;
  let erased = false;
  let file: PatientFile | undefined;
  const { patientId: _settledFor, ...outcome } = await applyAndSettle(
    deps,
    clinicId,
    event.booking.bookingId,
    { type: 'BookingCreated', eventId: event.eventId },
    async (current) => {
      const patient = await deps.store.getPatient(clinicId, patientId);
      if (erasedSince(patient?.record, event.occurredAt)) {
        erased = true;
        return { booking: undefined, extra: [] };
      }
      const nextPatient = applyPatientFromBooking(patient?.record, event);
      return {
        booking: applyBookingCreated(current?.record, event),
        extra: nextPatient ? [{ type: 'patient', record: nextPatient, version: patient?.version }] : [],
        patient: nextPatient ? { record: nextPatient, version: (patient?.version ?? 0) + 1 } : patient,
      };
    },
    {
      // Read after the booking (and the address it may bring) is written, so that a session that
      // waited for an address is found here or finds the address itself; and after the reminders,
      // just before the confirmation, which is written from the profile this read gives. When
      // nothing waits, recording the confirmation completes the event.
      afterWrite: async () => {
        file = await deps.store.getPatientFile(clinicId, patientId);
        return { patient: file.patient, completesEvent: !followUpsAwait(file) };
      },
    },
  );
  if (erased) {
    return {
      ...outcome,
      ...ignoredAfterErasure(deps, 'BookingCreated', { clinicId, patientId, eventId: event.eventId }),
    };
  }
  await deliverAwaitingFollowUps(deps, clinicId, patientId, file);
  return outcome;
}

export async function onBookingRescheduled(
  deps: Needs<'scheduler' | 'mailer'>,
  event: BookingRescheduled,
): Promise<BookingOutcome> {
  const { patientId: _settledFor, ...outcome } = await applyAndSettle(
    deps,
    event.clinicId,
    event.bookingId,
    { type: 'BookingRescheduled', eventId: event.eventId },
    async (current) => ({ booking: applyBookingRescheduled(current?.record, event), extra: [] }),
    { completesEvent: true },
  );
  return outcome;
}

/**
 * A booking that ends before its time may leave the patient's plan with nothing booked: its check
 * moves back to when the plan stalls. (One made or moved needs no sync: the check finds it.)
 */
async function endBooking(
  deps: Needs<'scheduler' | 'mailer'>,
  settled: BookingOutcome & { patientId?: string },
  clinicId: string,
): Promise<BookingOutcome> {
  const { patientId, ...outcome } = settled;
  if (patientId !== undefined) await syncPlanCheck(deps, clinicId, patientId);
  return outcome;
}

export async function onBookingCancelled(
  deps: Needs<'scheduler' | 'mailer'>,
  event: BookingCancelled,
): Promise<BookingOutcome> {
  const settled = await applyAndSettle(
    deps,
    event.clinicId,
    event.bookingId,
    { type: 'BookingCancelled', eventId: event.eventId },
    async (current) => ({ booking: applyBookingCancelled(current?.record, event), extra: [] }),
  );
  return endBooking(deps, settled, event.clinicId);
}

/**
 * The patient did not come (no-show: the "we missed you" email) or cancelled too late (no
 * email). Either way the booking is over: its reminders go, and no follow-up or check-in is
 * sent for it.
 */
export async function onBookingMissed(
  deps: Needs<'scheduler' | 'mailer'>,
  event: BookingMissed,
): Promise<BookingOutcome> {
  const settled = await applyAndSettle(
    deps,
    event.clinicId,
    event.bookingId,
    { type: 'BookingMissed', eventId: event.eventId },
    async (current) => ({ booking: applyBookingMissed(current?.record, event), extra: [] }),
  );
  return endBooking(deps, settled, event.clinicId);
}

export type ReminderOutcome =
  | SendOnceResult
  | 'booking-missing'
  | 'booking-cancelled'
  | 'booking-missed'
  | 'booking-moved'
  | 'too-late'
  | 'no-consent'
  | 'no-address';

/**
 * The reminder's moment has come. The schedule only says which booking and which time it
 * was made for; everything else is read now, so a reminder never describes an old time,
 * never goes to a cancelled visit, and respects consent as it stands today.
 */
export async function onReminderDue(
  deps: Needs<'mailer' | 'unsubscribeLinks'>,
  payload: ReminderPayload,
): Promise<ReminderOutcome> {
  const booking = (await deps.store.getBooking(payload.clinicId, payload.bookingId))?.record;
  if (!booking || !booking.created || !booking.patientId) return 'booking-missing';
  if (booking.status === 'cancelled') return 'booking-cancelled';
  if (booking.status === 'missed') return 'booking-missed';
  const start = Date.parse(payload.startsAt);
  if (!booking.startsAt || Date.parse(booking.startsAt) !== start) return 'booking-moved';
  const now = deps.clock.now().getTime();
  const due = start - payload.offsetMinutes * 60_000;
  if (now >= start || now - due > REMINDER_LATENESS_TOLERANCE_MS) return 'too-late';
  const patient = (await deps.store.getPatient(booking.clinicId, booking.patientId))?.record;
  if (!patient?.consent.reminders) return 'no-consent';
  const appointment = appointmentOf(booking);
  if (!patient.email || !appointment) return 'no-address';
  return sendOnce(deps, {
    clinicId: booking.clinicId,
    patientId: booking.patientId,
    bookingId: booking.bookingId,
    to: patient.email,
    key: `reminder#${new Date(start).toISOString()}#${payload.offsetMinutes}`,
    answerUrl: await attendanceUrl(deps.unsubscribeLinks, booking, booking.patientId, booking.startsAt),
    email: appointmentEmail({ kind: 'reminder', recipient: recipientOf(patient), appointment }),
  });
}
