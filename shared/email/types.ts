import type { SelfCareLibrary } from '../self-care/library';

/**
 * What the domain hands the email renderer: plain data, already decided. The renderer
 * turns it into subject, HTML and text (and the calendar file) and decides nothing about
 * whether to send.
 */

export type EmailKind =
  | 'confirmation'
  | 'reschedule'
  | 'cancellation'
  | 'reminder'
  | 'missed'
  | 'follow-up'
  | 'check-in'
  | 'plan-nudge'
  /** To the clinic's staff, not the patient: a check-in answer needs attention (staff-alert.ts). */
  | 'staff-alert';

export interface Recipient {
  firstName: string;
  /** BCP 47; templates fall back to English for a language they do not have. */
  locale: string;
  /** When given, the patient is named as ATTENDEE (RSVP=FALSE) in calendar files, as iTIP REQUEST expects. */
  email?: string;
}

export interface Appointment {
  bookingId: string;
  clinicId: string;
  /** ISO instant. */
  startsAt: string;
  durationMinutes: number;
  /** IANA zone every time in the email is shown in. */
  timezone: string;
  serviceName: string;
  therapistName: string;
  location?: { name?: string; address?: string };
  /** iCalendar SEQUENCE: 0 when created, one more for each change. */
  sequence: number;
}

export interface SessionSummary {
  bookingId: string;
  /** ISO instant. */
  completedAt: string;
  timezone: string;
  therapistName: string;
  techniques: string[];
  focusAreas: string[];
  painBefore?: number;
  painAfter?: number;
  /** Exercise ids known to the self-care library (unknown ones were already left out). */
  exerciseIds: string[];
  /** The therapist's own words: untrusted text, escaped by the renderer. */
  note?: string;
  nextVisitInDays?: number;
}

export interface PainPoint {
  completedAt: string;
  painBefore?: number;
  painAfter?: number;
}

export interface PlanProgress {
  /** This session's number within the plan, counting from 1. */
  sessionNumber: number;
  plannedSessions: number;
}

/**
 * The plan a session completed (its last planned session): shown in that session's follow-up in
 * place of the progress line.
 */
export interface PlanSummary {
  plannedSessions: number;
  /** Sessions completed under the plan, this one included. */
  sessionsCompleted: number;
  /** Goal codes as the plan gives them (`pain-relief`, `mobility`, …); an unknown one is shown as written. */
  goals: string[];
  /** Each session of the plan, oldest first, with its pain ratings when given. */
  sessions: PainPoint[];
}

/** A plan that has stalled: sessions left, nothing booked, the last session a while ago. */
export interface PlanStatus {
  sessionsCompleted: number;
  plannedSessions: number;
  /** Whole days since the last session (or the plan's start). */
  daysSinceLastSession: number;
  /** ISO date-time of the last session, when there was one: shown in the patient's zone. */
  lastSessionAt?: string;
  timezone: string;
}

export type EmailModel =
  | { kind: 'confirmation'; recipient: Recipient; appointment: Appointment }
  | { kind: 'reschedule'; recipient: Recipient; appointment: Appointment; previousStartsAt?: string }
  | { kind: 'cancellation'; recipient: Recipient; appointment: Appointment; cancelledBy: 'patient' | 'clinic' }
  | { kind: 'reminder'; recipient: Recipient; appointment: Appointment }
  /** A no-show: the missed appointment, and how to book again. */
  | { kind: 'missed'; recipient: Recipient; appointment: Appointment }
  | {
      kind: 'follow-up';
      recipient: Recipient;
      session: SessionSummary;
      /** Earlier sessions and this one, oldest first. */
      painTrend: PainPoint[];
      planProgress?: PlanProgress;
      /** Given when this session completes its plan: shown instead of the progress line. */
      planSummary?: PlanSummary;
    }
  | {
      kind: 'check-in';
      recipient: Recipient;
      session: SessionSummary;
      planProgress?: PlanProgress;
      /** The plan has sessions left and nothing is booked. */
      promptToBook: boolean;
    }
  /** A friendly nudge to continue a plan that has stalled, with how to book. */
  | { kind: 'plan-nudge'; recipient: Recipient; plan: PlanStatus };

/** The emails about one appointment (appointment-emails.ts). */
export type AppointmentEmailModel = Extract<EmailModel, { appointment: Appointment }>;
/** The self-care emails after a session (session-emails.ts). */
export type SessionEmailModel = Extract<EmailModel, { session: SessionSummary }>;
/** The emails about a treatment plan as a whole (plan-emails.ts). */
export type PlanEmailModel = Extract<EmailModel, { plan: PlanStatus }>;

/**
 * An email the domain has decided to send: its kind, and how to write it. sendOnce writes it
 * when it sends (from the records as they are then); each use case imports only the family of
 * templates it sends.
 */
export interface EmailToSend {
  kind: EmailKind;
  render(context: RenderContext): RenderedEmail;
}

export interface EmailAttachment {
  fileName: string;
  /** e.g. `text/calendar; charset=UTF-8; method=REQUEST` */
  contentType: string;
  content: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

export interface RenderContext {
  /** DTSTAMP of calendar files. */
  now: Date;
  /** ORGANIZER of calendar files: the clinic's sending address. */
  organizerEmail: string;
  /** Self-care guidance and exercises; the built-in library when absent. */
  library?: SelfCareLibrary;
  /**
   * The clinic as its latest profile describes it (absent until its first profile: neutral
   * wording then): name in the signature, the footer and the calendar ORGANIZER, phone wherever
   * the text says to contact the clinic, the booking link as a button, the cancellation policy in
   * confirmations and reminders.
   */
  clinic?: ClinicContact;
  /** One-click unsubscribe page for follow-ups and check-ins, linked in their footer (the header is the sender's job). */
  unsubscribeUrl?: string;
  /**
   * The patient's answer page for this email (contract 1.1, "The patient's answers"): attendance
   * for confirmations and reminders, how the patient is doing for follow-ups and check-ins.
   * Absent: the email offers no answer (the links cannot be made, or the email has none).
   */
  answerUrl?: string;
}

export interface ClinicContact {
  name?: string;
  phone?: string;
  /**
   * https page where the patient can book, with `{bookingId}` and `{patientId}` already filled
   * in (URL-encoded) for this email; other schemes are ignored.
   */
  bookingUrl?: string;
  /** Shown in confirmations and reminders. */
  cancellationPolicy?: string;
}
