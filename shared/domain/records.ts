import type {
  BookingCancelled,
  BookingCreated,
  BookingMissed,
  BookingRescheduled,
  ContactPreferencesUpdated,
  SessionCompleted,
  TreatmentPlanCreated,
} from '../../events/schemas';
import {
  compareStamps,
  isNewer,
  type AppointmentTime,
  type BookingRecord,
  type PatientRecord,
  type PlanRecord,
  type SessionRecord,
  type Stamp,
} from './model';

/**
 * Pure merges of one event into a record. Each returns the record to store, or `undefined`
 * when the event changes nothing (a duplicate, or a change older than what is stored), so
 * that applying events in any order, any number of times, ends in the in-order state.
 */

export const stampOf = (event: { occurredAt: string; eventId: string }): Stamp => ({
  occurredAt: event.occurredAt,
  eventId: event.eventId,
});

function emptyBooking(clinicId: string, bookingId: string): BookingRecord {
  return { clinicId, bookingId, status: 'active', sequence: 0 };
}

/**
 * When the booking ended: the earlier of its cancellation and its being missed. Nothing made
 * after that moment changes it.
 */
function endOf(record: BookingRecord): Stamp | undefined {
  const ends = [record.cancellation?.stamp, record.missed?.stamp].filter((stamp) => stamp !== undefined);
  return ends.sort(compareStamps)[0];
}

/**
 * A cancelled booking is cancelled whatever else is known (its invitation must be withdrawn),
 * even when it was also reported missed; a missed one is over too, but keeps its invitation.
 * Derived from what is known, never from the order it arrived in.
 */
function statusOf(record: BookingRecord): BookingRecord['status'] {
  if (record.cancellation) return 'cancelled';
  if (record.missed) return 'missed';
  return 'active';
}

/**
 * Derives the booking's current time from what is known: the booking as created, then every
 * reschedule in occurredAt order, leaving out those the in-order history would have refused
 * (made before the booking existed, or after it was cancelled). One function for every order
 * of arrival is what makes the result independent of that order.
 */
function resolveTime(record: BookingRecord): BookingRecord {
  const effective = (record.reschedules ?? [])
    .filter((change) => !record.created || isNewer(change.stamp, record.created))
    .filter((change) => {
      const end = endOf(record);
      return !end || isNewer(end, change.stamp);
    })
    .sort((a, b) => compareStamps(a.stamp, b.stamp));
  const steps = [...(record.booked ? [record.booked] : []), ...effective];
  const latest = <K extends keyof AppointmentTime>(key: K) =>
    steps.reduce<AppointmentTime[K] | undefined>((value, step) => step[key] ?? value, undefined);
  const last = effective.at(-1);
  return {
    ...record,
    status: statusOf(record),
    startsAt: latest('startsAt'),
    durationMinutes: latest('durationMinutes'),
    timezone: latest('timezone'),
    therapist: latest('therapist'),
    timeChange: last?.stamp ?? record.created,
    previousStartsAt: steps.length > 1 ? steps.at(-2)!.startsAt : undefined,
    sequence: effective.length + (record.cancellation ? 1 : 0),
  };
}

export function applyBookingCreated(
  current: BookingRecord | undefined,
  event: BookingCreated,
): BookingRecord | undefined {
  if (current?.created) return undefined;
  const base = current ?? emptyBooking(event.clinicId, event.booking.bookingId);
  const { booking } = event;
  return resolveTime({
    ...base,
    patientId: event.patient.patientId,
    created: stampOf(event),
    service: booking.service,
    location: booking.location,
    booked: {
      startsAt: booking.startsAt,
      durationMinutes: booking.durationMinutes,
      timezone: booking.timezone,
      therapist: booking.therapist,
    },
  });
}

export function applyBookingRescheduled(
  current: BookingRecord | undefined,
  event: BookingRescheduled,
): BookingRecord | undefined {
  const base = current ?? emptyBooking(event.clinicId, event.bookingId);
  if (base.reschedules?.some((change) => change.stamp.eventId === event.eventId)) return undefined;
  const stamp = stampOf(event);
  // Made after the booking ended (cancelled or missed): void, an ended booking stays ended. (One
  // made before the end but delivered after it still moved the appointment, as the in-order
  // history says.)
  const end = endOf(base);
  if (end && !isNewer(end, stamp)) return undefined;
  // Made before the booking existed: the creation already carries the time it chose.
  if (base.created && !isNewer(stamp, base.created)) return undefined;
  return resolveTime({
    ...base,
    reschedules: [
      ...(base.reschedules ?? []),
      {
        stamp,
        startsAt: event.startsAt,
        durationMinutes: event.durationMinutes,
        timezone: event.timezone,
        therapist: event.therapist,
        // Arriving before the booking, it is part of what the confirmation will say.
        afterCreation: base.created !== undefined,
      },
    ],
  });
}

/** Cancellation is terminal: the earliest one stands, and nothing after it revives the booking. */
export function applyBookingCancelled(
  current: BookingRecord | undefined,
  event: BookingCancelled,
): BookingRecord | undefined {
  const base = current ?? emptyBooking(event.clinicId, event.bookingId);
  const stamp = stampOf(event);
  if (base.cancellation && !isNewer(base.cancellation.stamp, stamp)) return undefined;
  return resolveTime({ ...base, cancellation: { stamp, cancelledBy: event.cancelledBy } });
}

/**
 * Missed is terminal too: the earliest report stands (a second one, even of another kind,
 * changes nothing), and it may arrive before the booking itself, which then starts out missed.
 */
export function applyBookingMissed(
  current: BookingRecord | undefined,
  event: BookingMissed,
): BookingRecord | undefined {
  const base = current ?? emptyBooking(event.clinicId, event.bookingId);
  const stamp = stampOf(event);
  if (base.missed && !isNewer(base.missed.stamp, stamp)) return undefined;
  return resolveTime({ ...base, missed: { stamp, kind: event.kind } });
}

function emptyPatient(clinicId: string, patientId: string): PatientRecord {
  return { clinicId, patientId, consent: { reminders: true, followUps: true }, consentChange: {} };
}

type ConsentInput = { reminders?: boolean | undefined; followUps?: boolean | undefined } | undefined;

function mergeConsent(patient: PatientRecord, consent: ConsentInput, stamp: Stamp): PatientRecord {
  let next = patient;
  for (const kind of ['reminders', 'followUps'] as const) {
    const value = consent?.[kind];
    if (value === undefined || !isNewer(stamp, patient.consentChange[kind])) continue;
    next = {
      ...next,
      consent: { ...next.consent, [kind]: value },
      consentChange: { ...next.consentChange, [kind]: stamp },
    };
  }
  return next;
}

function mergeEmail(patient: PatientRecord, email: string | undefined, stamp: Stamp): PatientRecord {
  if (email === undefined || !isNewer(stamp, patient.emailChange)) return patient;
  return { ...patient, email, emailChange: stamp };
}

/** The patient as a booking describes them: name, locale and zone; address and consent if newer. */
export function applyPatientFromBooking(
  current: PatientRecord | undefined,
  event: BookingCreated,
): PatientRecord | undefined {
  const stamp = stampOf(event);
  const { patient } = event;
  let next = current ?? emptyPatient(event.clinicId, patient.patientId);
  if (isNewer(stamp, next.profileChange)) {
    next = {
      ...next,
      firstName: patient.firstName,
      lastName: patient.lastName,
      locale: patient.locale ?? 'en',
      timezone: event.booking.timezone,
      profileChange: stamp,
    };
  }
  next = mergeEmail(next, patient.email, stamp);
  next = mergeConsent(next, patient.consent, stamp);
  return next === current ? undefined : next;
}

export function applyContactPreferences(
  current: PatientRecord | undefined,
  event: ContactPreferencesUpdated,
): PatientRecord | undefined {
  const stamp = stampOf(event);
  let next = current ?? emptyPatient(event.clinicId, event.patientId);
  next = mergeEmail(next, event.email, stamp);
  next = mergeConsent(next, event.consent, stamp);
  if (current && next === current) return undefined;
  return next;
}

export function applySessionCompleted(
  current: SessionRecord | undefined,
  event: SessionCompleted,
  knownExerciseIds: string[],
): SessionRecord | undefined {
  const stamp = stampOf(event);
  if (current && !isNewer(stamp, current.stamp)) return undefined;
  return {
    clinicId: event.clinicId,
    patientId: event.patientId,
    bookingId: event.bookingId,
    stamp,
    completedAt: event.completedAt,
    therapist: event.therapist,
    techniques: event.techniques,
    focusAreas: event.focusAreas ?? [],
    painBefore: event.painBefore,
    painAfter: event.painAfter,
    exerciseIds: knownExerciseIds,
    note: event.selfCare?.note,
    nextVisitInDays: event.nextVisitInDays,
    awaitingContact: current?.awaitingContact ?? false,
  };
}

export function applyTreatmentPlanCreated(
  current: PlanRecord | undefined,
  event: TreatmentPlanCreated,
): PlanRecord | undefined {
  const stamp = stampOf(event);
  if (current && !isNewer(stamp, current.stamp)) return undefined;
  return {
    clinicId: event.clinicId,
    patientId: event.patientId,
    planId: event.plan.planId,
    stamp,
    goals: event.plan.goals,
    plannedSessions: event.plan.plannedSessions,
    sessionsPerWeek: event.plan.sessionsPerWeek,
    startsOn: event.plan.startsOn,
    // A plan changed is the same plan: when it was last found at risk still counts.
    ...(current?.lastAtRiskAt !== undefined && { lastAtRiskAt: current.lastAtRiskAt }),
  };
}
