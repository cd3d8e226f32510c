import type { Appointment, ClinicContact } from '../email/types';

/**
 * What the patient pages show (contract 1.1, "The patient's answers"): the handler decides, these
 * models say it, and the renderer (pages.ts) writes accessible HTML in the patient's language that
 * works without JavaScript. A GET shows a page; the page's form POSTs back to its own URL with the
 * fields the contract names; nothing here reads or writes anything.
 */

export type PageLanguage = 'en' | 'de';

/** The clinic as its latest profile describes it; absent until its first profile (neutral wording). */
export type PageClinic = ClinicContact;

export type Attendance = 'confirmed' | 'change-requested';
export type Feeling = 'better' | 'same' | 'worse';
export type ExerciseStatus = 'done' | 'skipped' | 'too-painful';

/** A check-in answer as the form gives it: every field may be left out. */
export interface CheckInAnswer {
  feeling?: Feeling;
  /** 0–10. */
  painNow?: number;
  /** By exercise id, for the exercises prescribed in the session only. */
  exercises: Record<string, ExerciseStatus>;
  warningSigns: boolean;
}

/** Why the page tells the patient to contact the clinic (the contract's escalation rules). */
export type AttentionReason = 'feeling-worse' | 'pain-increase' | 'exercise-too-painful' | 'warning-signs';

export interface Escalation {
  reasons: AttentionReason[];
  /**
   * The patient ticked "a warning sign applies": the page first says to call emergency services
   * for those that call for them, then to contact the clinic.
   */
  emergencyFirst: boolean;
}

export type PatientPage =
  | {
      page: 'attendance';
      /** `ask`: the form (GET); `recorded`: the answer was recorded (after the POST). */
      state: 'ask' | 'recorded';
      appointment: Appointment;
      /** The answer recorded last, shown as chosen; or the choice the email's link preselects. */
      selected?: Attendance;
      clinic?: PageClinic;
    }
  | {
      page: 'check-in';
      state: 'ask' | 'recorded';
      session: {
        completedAt: string;
        timezone: string;
        therapistName: string;
      };
      /** The exercises prescribed in the session, with their names in the page's language. */
      exercises: { id: string; name: string }[];
      /**
       * The warning signs the session's emails listed, in the page's language (localizeRedFlags):
       * those that call for the clinic, and those that call for emergency services.
       */
      warningSigns: { callClinic: string[]; urgent: string[] };
      /** The answer recorded last, shown as the form's values. */
      previous?: CheckInAnswer;
      /** Only with `recorded`: what the answer calls for. */
      escalation?: Escalation;
      clinic?: PageClinic;
    }
  /** The link is past its time (attendance: the booking's start; check-in: 14 days after the session). */
  | { page: 'expired'; clinic?: PageClinic }
  /** Forged, altered or incomplete: nothing is said about whom it was for. */
  | { page: 'invalid' }
  /** The store or the key could not be reached: try again. */
  | { page: 'unavailable'; clinic?: PageClinic };
