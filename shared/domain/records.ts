import type {
  BookingCancelled,
  BookingCreated,
  BookingRescheduled,
  ContactPreferencesUpdated,
  SessionCompleted,
  TreatmentPlanCreated,
} from '../../events/schemas';
import {
  isNewer,
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

export function applyBookingCreated(
  current: BookingRecord | undefined,
  event: BookingCreated,
): BookingRecord | undefined {
  if (current?.created) return undefined;
  const stamp = stampOf(event);
  const base = current ?? emptyBooking(event.clinicId, event.booking.bookingId);
  const { booking } = event;
  // A reschedule that arrived first and is newer than the creation keeps its fields.
  const keepRescheduled = base.timeChange !== undefined && isNewer(base.timeChange, stamp);
  return {
    ...base,
    patientId: event.patient.patientId,
    created: stamp,
    service: booking.service,
    location: booking.location,
    startsAt: keepRescheduled ? base.startsAt : booking.startsAt,
    durationMinutes: keepRescheduled ? (base.durationMinutes ?? booking.durationMinutes) : booking.durationMinutes,
    timezone: keepRescheduled ? (base.timezone ?? booking.timezone) : booking.timezone,
    therapist: keepRescheduled ? (base.therapist ?? booking.therapist) : booking.therapist,
    timeChange: keepRescheduled ? base.timeChange : stamp,
    previousStartsAt: keepRescheduled ? booking.startsAt : undefined,
  };
}

export function applyBookingRescheduled(
  current: BookingRecord | undefined,
  event: BookingRescheduled,
): BookingRecord | undefined {
  const base = current ?? emptyBooking(event.clinicId, event.bookingId);
  if (base.status === 'cancelled') return undefined;
  const stamp = stampOf(event);
  if (!isNewer(stamp, base.timeChange)) return undefined;
  // A reschedule older than the creation is already reflected in the creation's own times.
  if (base.created && !isNewer(stamp, base.created)) return undefined;
  return {
    ...base,
    previousStartsAt: base.startsAt,
    startsAt: event.startsAt,
    durationMinutes: event.durationMinutes ?? base.durationMinutes,
    timezone: event.timezone ?? base.timezone,
    therapist: event.therapist ?? base.therapist,
    timeChange: stamp,
    sequence: base.sequence + 1,
  };
}

/** Cancellation is terminal whatever its timestamp: nothing after it revives the booking. */
export function applyBookingCancelled(
  current: BookingRecord | undefined,
  event: BookingCancelled,
): BookingRecord | undefined {
  const base = current ?? emptyBooking(event.clinicId, event.bookingId);
  if (base.status === 'cancelled') return undefined;
  return {
    ...base,
    status: 'cancelled',
    cancellation: { stamp: stampOf(event), cancelledBy: event.cancelledBy },
    sequence: base.sequence + 1,
  };
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
  };
}
