import type { SelfCareLibrary } from '../self-care/library';

/**
 * What the domain hands the email renderer: plain data, already decided. The renderer
 * turns it into subject, HTML and text (and the calendar file) and decides nothing about
 * whether to send.
 */

export type EmailKind = 'confirmation' | 'reschedule' | 'cancellation' | 'reminder' | 'follow-up' | 'check-in';

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

export type EmailModel =
  | { kind: 'confirmation'; recipient: Recipient; appointment: Appointment }
  | { kind: 'reschedule'; recipient: Recipient; appointment: Appointment; previousStartsAt?: string }
  | { kind: 'cancellation'; recipient: Recipient; appointment: Appointment; cancelledBy: 'patient' | 'clinic' }
  | { kind: 'reminder'; recipient: Recipient; appointment: Appointment }
  | {
      kind: 'follow-up';
      recipient: Recipient;
      session: SessionSummary;
      /** Earlier sessions and this one, oldest first. */
      painTrend: PainPoint[];
      planProgress?: PlanProgress;
    }
  | {
      kind: 'check-in';
      recipient: Recipient;
      session: SessionSummary;
      planProgress?: PlanProgress;
      /** The plan has sessions left and nothing is booked. */
      promptToBook: boolean;
    };

/** The emails about one appointment (appointment-emails.ts). */
export type AppointmentEmailModel = Extract<EmailModel, { appointment: Appointment }>;
/** The self-care emails after a session (session-emails.ts). */
export type SessionEmailModel = Extract<EmailModel, { session: SessionSummary }>;

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
  /** Shown where given: name in the signature and calendar ORGANIZER, phone in "contact us", booking link as a button. */
  clinic?: ClinicContact;
  /** One-click unsubscribe page for follow-ups and check-ins, linked in their footer (the header is the sender's job). */
  unsubscribeUrl?: string;
}

export interface ClinicContact {
  name?: string;
  phone?: string;
  /** http(s) page where the patient can book; other schemes are ignored. */
  bookingUrl?: string;
}
