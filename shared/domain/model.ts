/**
 * CareLoop's records, as the domain sees them: plain data, no storage keys, no AWS types.
 * Every change carries a stamp (when it happened at the source, and which event said so),
 * so records can be merged in any delivery order and end where the in-order sequence ends.
 */

export interface Stamp {
  occurredAt: string;
  eventId: string;
}

/** Orders two stamps: by instant first, then by eventId so ties are broken the same way everywhere. */
export function compareStamps(a: Stamp, b: Stamp): number {
  const byTime = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (byTime !== 0) return byTime;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

export const isNewer = (candidate: Stamp, current: Stamp | undefined) =>
  current === undefined || compareStamps(candidate, current) > 0;

export interface Person {
  therapistId: string;
  name: string;
}

/** The parts of an appointment a reschedule can change; absent fields are left as they were. */
export interface AppointmentTime {
  startsAt: string;
  durationMinutes?: number;
  timezone?: string;
  therapist?: Person;
}

export interface BookingRecord {
  clinicId: string;
  bookingId: string;
  /** Known once BookingCreated has arrived; changes can arrive before it. */
  patientId?: string;
  created?: Stamp;
  /**
   * Active until it ends: cancelled (whatever else is known: its invitation is withdrawn), or
   * else missed (see records.ts).
   */
  status: 'active' | 'cancelled' | 'missed';
  startsAt?: string;
  durationMinutes?: number;
  timezone?: string;
  service?: { code: string; name: string };
  therapist?: Person;
  location?: { name?: string; address?: string };
  /** The times as BookingCreated gave them. */
  booked?: AppointmentTime;
  /**
   * Every reschedule known, in any order of arrival. The current time is derived from the
   * booking and these (see records.ts), never overwritten in place, so a change delivered
   * late still lands where its occurredAt puts it.
   */
  reschedules?: (AppointmentTime & {
    stamp: Stamp;
    /** It reached a booking whose confirmation had been owed already, so it owes a reschedule email. */
    afterCreation?: boolean;
  })[];
  /** The change that set the current time (BookingCreated or the newest BookingRescheduled). */
  timeChange?: Stamp;
  /** Start time before the newest reschedule, for the reschedule email. */
  previousStartsAt?: string;
  cancellation?: { stamp: Stamp; cancelledBy: 'patient' | 'clinic' };
  /** The patient did not come (`no-show`) or cancelled too late (`late-cancel`). */
  missed?: { stamp: Stamp; kind: 'no-show' | 'late-cancel' };
  /** iCalendar SEQUENCE: one more for each applied reschedule or cancellation. */
  sequence: number;
}

export interface PatientRecord {
  clinicId: string;
  patientId: string;
  firstName?: string;
  lastName?: string;
  locale?: string;
  /** Zone of the patient's newest booking: shown in follow-ups for sessions with no booking on record. */
  timezone?: string;
  profileChange?: Stamp;
  email?: string;
  emailChange?: Stamp;
  consent: { reminders: boolean; followUps: boolean };
  consentChange: { reminders?: Stamp; followUps?: Stamp };
  /**
   * The patient's data was erased (contract 1.1, PatientErasureRequested): when, and by which
   * request. Kept on the profile for good, alone after the erasure and beside what a later booking
   * brings, so that any event that occurred before it is ignored, whichever way it comes back.
   */
  erasure?: PatientErasure;
}

export interface PatientErasure {
  erasedAt: string;
  requestId: string;
}

/** A patient data export written to the export bucket, kept so the same request exports nothing new. */
export interface ExportRecord {
  clinicId: string;
  patientId: string;
  requestId: string;
  bucket: string;
  key: string;
  exportedAt: string;
  expiresAt: string;
}

export interface SessionRecord {
  clinicId: string;
  patientId: string;
  bookingId: string;
  stamp: Stamp;
  completedAt: string;
  therapist: Person;
  techniques: string[];
  focusAreas: string[];
  painBefore?: number;
  painAfter?: number;
  exerciseIds: string[];
  note?: string;
  nextVisitInDays?: number;
  /** The follow-up could not go out yet because the patient's address is not known. */
  awaitingContact: boolean;
}

export interface PlanRecord {
  clinicId: string;
  patientId: string;
  planId: string;
  stamp: Stamp;
  goals: string[];
  plannedSessions: number;
  sessionsPerWeek?: number;
  startsOn?: string;
  /**
   * When the plan was last found at risk (PlanAtRisk published, the nudge sent if consented): the
   * due time of that check. At most once in 30 days (see plans.ts).
   */
  lastAtRiskAt?: string;
}

/**
 * A clinic's public details, as its latest ClinicProfileUpdated gave them: a newer profile
 * replaces the whole record, an older one changes nothing.
 */
export interface ClinicProfileRecord {
  clinicId: string;
  stamp: Stamp;
  name: string;
  phone?: string;
  /** The Reply-To of every email. */
  email?: string;
  website?: string;
  /** May hold `{bookingId}` and `{patientId}`, filled in per link. */
  bookingUrl?: string;
  address?: string;
  cancellationPolicy?: string;
  /** Where the short staff alert goes when a patient needs attention. */
  staffAlertEmail?: string;
}

export type AttendanceAnswer = 'confirmed' | 'change-requested';

/** A check-in answer as recorded: every field may have been left out. */
export interface CheckInAnswerRecord {
  feeling?: 'better' | 'same' | 'worse';
  painNow?: number;
  /** By exercise id, for exercises prescribed in the session only. */
  exercises: Record<string, 'done' | 'skipped' | 'too-painful'>;
  warningSigns: boolean;
}

/**
 * The patient's latest answer to one answer page about one booking (contract 1.1): the latest
 * answer counts, and each change gets a new `responseId` (and is published).
 */
export type ResponseRecord = {
  clinicId: string;
  patientId: string;
  bookingId: string;
  responseId: string;
  answeredAt: string;
  /** Why the answer calls for the clinic's attention (contract's escalation rules); empty when it does not. */
  reasons: string[];
} & ({ kind: 'attendance'; answer: AttendanceAnswer } | { kind: 'check-in'; answer: CheckInAnswerRecord });

/** A record together with the version it was read at, for optimistic concurrency. */
export interface Versioned<T> {
  record: T;
  version: number;
}
