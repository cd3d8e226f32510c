import * as z from 'zod';
import {
  commonFields,
  emailAddress,
  headerSafeText,
  identifier,
  instant,
  integerBetween,
  isoDate,
  locale,
  text,
  therapist,
  timeZone,
} from './fields';

/**
 * One zod schema per event of contract version 1. Unknown fields are stripped, never
 * rejected (the contract lets producers send more). Optional fields stay absent rather than
 * defaulted here: a default such as `consent.reminders = true` belongs to a *new* patient,
 * and must not overwrite a choice an existing patient made earlier.
 */

const consent = z.object({
  reminders: z.boolean({ message: 'must be true or false' }).optional(),
  followUps: z.boolean({ message: 'must be true or false' }).optional(),
});

export const bookingCreatedSchema = z.object({
  ...commonFields,
  booking: z.object({
    bookingId: identifier(),
    startsAt: instant(),
    durationMinutes: integerBetween(5, 480),
    timezone: timeZone(),
    service: z.object({ code: text(), name: headerSafeText() }),
    therapist: therapist(),
    location: z.object({ name: text().optional(), address: text().optional() }).optional(),
  }),
  patient: z.object({
    patientId: identifier(),
    firstName: headerSafeText(100),
    lastName: headerSafeText(100).optional(),
    email: emailAddress(),
    locale: locale().optional().meta({ description: 'BCP 47; `en` when absent' }),
    consent: consent.optional().meta({ description: 'each flag defaults to true for a new patient' }),
  }),
});

export const bookingRescheduledSchema = z.object({
  ...commonFields,
  bookingId: identifier(),
  startsAt: instant(),
  durationMinutes: integerBetween(5, 480).optional(),
  timezone: timeZone().optional(),
  therapist: therapist().optional(),
});

export const bookingCancelledSchema = z.object({
  ...commonFields,
  bookingId: identifier(),
  cancelledBy: z.enum(['patient', 'clinic'], { message: 'must be patient or clinic' }),
  reason: text(500).optional(),
});

export const sessionCompletedSchema = z.object({
  ...commonFields,
  bookingId: identifier(),
  patientId: identifier(),
  completedAt: instant(),
  therapist: therapist(),
  techniques: z
    .array(text(), { message: 'must be a list of technique codes' })
    .min(1, { message: 'must list at least 1 technique' })
    .max(10, { message: 'must list at most 10 techniques' }),
  focusAreas: z
    .array(text(), { message: 'must be a list of area codes' })
    .max(12, { message: 'must list at most 12 focus areas' })
    .optional(),
  painBefore: integerBetween(0, 10).optional(),
  painAfter: integerBetween(0, 10).optional(),
  selfCare: z
    .object({
      exercises: z
        .array(text(), { message: 'must be a list of exercise ids' })
        .max(50, { message: 'must list at most 50 exercises' })
        .optional(),
      note: text(2000).optional(),
    })
    .optional(),
  nextVisitInDays: integerBetween(1, 365).optional(),
});

export const treatmentPlanCreatedSchema = z.object({
  ...commonFields,
  patientId: identifier(),
  plan: z.object({
    planId: identifier(),
    goals: z
      .array(text(), { message: 'must be a list of goal codes' })
      .min(1, { message: 'must list at least 1 goal' })
      .max(6, { message: 'must list at most 6 goals' }),
    plannedSessions: integerBetween(1, 100),
    sessionsPerWeek: z
      .number({ message: 'must be a number' })
      .min(0.25, { message: 'must be at least 0.25' })
      .max(7, { message: 'must be at most 7' })
      .optional(),
    startsOn: isoDate().optional(),
  }),
});

export const contactPreferencesUpdatedSchema = z.object({
  ...commonFields,
  patientId: identifier(),
  email: emailAddress().optional(),
  consent: consent.optional(),
});

export type BookingCreated = z.output<typeof bookingCreatedSchema>;
export type BookingRescheduled = z.output<typeof bookingRescheduledSchema>;
export type BookingCancelled = z.output<typeof bookingCancelledSchema>;
export type SessionCompleted = z.output<typeof sessionCompletedSchema>;
export type TreatmentPlanCreated = z.output<typeof treatmentPlanCreatedSchema>;
export type ContactPreferencesUpdated = z.output<typeof contactPreferencesUpdatedSchema>;

/** What a producer may send (before trimming and stripping). */
export type BookingCreatedInput = z.input<typeof bookingCreatedSchema>;
export type BookingRescheduledInput = z.input<typeof bookingRescheduledSchema>;
export type BookingCancelledInput = z.input<typeof bookingCancelledSchema>;
export type SessionCompletedInput = z.input<typeof sessionCompletedSchema>;
export type TreatmentPlanCreatedInput = z.input<typeof treatmentPlanCreatedSchema>;
export type ContactPreferencesUpdatedInput = z.input<typeof contactPreferencesUpdatedSchema>;
