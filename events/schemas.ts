import * as z from 'zod/mini';
import {
  commonFields,
  described,
  emailAddress,
  headerSafeText,
  httpsUrl,
  identifier,
  instant,
  integerBetween,
  isoDate,
  locale,
  once,
  phoneNumber,
  shownText,
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

const consent = once(() =>
  z.object({
    reminders: z.optional(z.boolean({ message: 'must be true or false' })),
    followUps: z.optional(z.boolean({ message: 'must be true or false' })),
  }),
);

const listOf = (what: string, ...bounds: z.core.$ZodCheck<unknown[]>[]) =>
  z.array(text(), { message: `must be a list of ${what}` }).check(...bounds);

const buildBookingCreated = once(() =>
  z.object({
    ...commonFields(),
    booking: z.object({
      bookingId: identifier(),
      startsAt: instant(),
      durationMinutes: integerBetween(5, 480),
      timezone: timeZone(),
      service: z.object({ code: text(), name: headerSafeText() }),
      therapist: therapist(),
      location: z.optional(z.object({ name: z.optional(shownText()), address: z.optional(shownText()) })),
    }),
    patient: z.object({
      patientId: identifier(),
      firstName: headerSafeText(100),
      lastName: z.optional(headerSafeText(100)),
      email: emailAddress(),
      locale: described(z.optional(locale()), 'BCP 47; `en` when absent'),
      consent: described(z.optional(consent()), 'each flag defaults to true for a new patient'),
    }),
  }),
);

const buildBookingRescheduled = once(() =>
  z.object({
    ...commonFields(),
    bookingId: identifier(),
    startsAt: instant(),
    durationMinutes: z.optional(integerBetween(5, 480)),
    timezone: z.optional(timeZone()),
    therapist: z.optional(therapist()),
  }),
);

const buildBookingCancelled = once(() =>
  z.object({
    ...commonFields(),
    bookingId: identifier(),
    cancelledBy: z.enum(['patient', 'clinic'], { message: 'must be patient or clinic' }),
    reason: z.optional(shownText(500)),
  }),
);

const buildSessionCompleted = once(() =>
  z.object({
    ...commonFields(),
    bookingId: identifier(),
    patientId: identifier(),
    completedAt: instant(),
    therapist: therapist(),
    techniques: listOf(
      'technique codes',
      z.minLength(1, { message: 'must list at least 1 technique' }),
      z.maxLength(10, { message: 'must list at most 10 techniques' }),
    ),
    focusAreas: z.optional(listOf('area codes', z.maxLength(12, { message: 'must list at most 12 focus areas' }))),
    painBefore: z.optional(integerBetween(0, 10)),
    painAfter: z.optional(integerBetween(0, 10)),
    selfCare: z.optional(
      z.object({
        exercises: z.optional(listOf('exercise ids', z.maxLength(50, { message: 'must list at most 50 exercises' }))),
        note: z.optional(shownText(2000)),
      }),
    ),
    nextVisitInDays: z.optional(integerBetween(1, 365)),
  }),
);

const buildTreatmentPlanCreated = once(() =>
  z.object({
    ...commonFields(),
    patientId: identifier(),
    plan: z.object({
      planId: identifier(),
      goals: listOf(
        'goal codes',
        z.minLength(1, { message: 'must list at least 1 goal' }),
        z.maxLength(6, { message: 'must list at most 6 goals' }),
      ),
      plannedSessions: integerBetween(1, 100),
      sessionsPerWeek: z.optional(
        z
          .number({ message: 'must be a number' })
          .check(z.minimum(0.25, { message: 'must be at least 0.25' }), z.maximum(7, { message: 'must be at most 7' })),
      ),
      startsOn: z.optional(isoDate()),
    }),
  }),
);

const buildContactPreferencesUpdated = once(() =>
  z.object({
    ...commonFields(),
    patientId: identifier(),
    email: z.optional(emailAddress()),
    consent: z.optional(consent()),
  }),
);

const buildBookingMissed = once(() =>
  z.object({
    ...commonFields(),
    bookingId: identifier(),
    kind: z.enum(['no-show', 'late-cancel'], { message: 'must be no-show or late-cancel' }),
  }),
);

const buildClinicProfileUpdated = once(() =>
  z.object({
    ...commonFields(),
    profile: z.object({
      name: headerSafeText(120),
      phone: z.optional(phoneNumber()),
      email: z.optional(emailAddress()),
      website: z.optional(httpsUrl()),
      bookingUrl: described(
        z.optional(httpsUrl()),
        'may contain {bookingId} and {patientId}, replaced in links about a booking or patient',
      ),
      address: z.optional(shownText(300)),
      cancellationPolicy: z.optional(shownText(500)),
      staffAlertEmail: z.optional(emailAddress()),
    }),
  }),
);

/** A data request names the patient and the request, whose id makes a repeat of it do nothing new. */
const buildDataRequest = () =>
  z.object({
    ...commonFields(),
    patientId: identifier(),
    requestId: described(identifier(), 'the same id again produces no second export or erasure'),
  });
const buildPatientDataExportRequested = once(buildDataRequest);
const buildPatientErasureRequested = once(buildDataRequest);

/**
 * The schemas, for producers that validate before they publish. Each is the catalog's own
 * (`eventCatalog.BookingCreated.schema === bookingCreatedSchema`); marked pure, so a bundle
 * that reaches them only through the catalog builds just the one it uses.
 */
export const bookingCreatedSchema = /* @__PURE__ */ buildBookingCreated();
export const bookingRescheduledSchema = /* @__PURE__ */ buildBookingRescheduled();
export const bookingCancelledSchema = /* @__PURE__ */ buildBookingCancelled();
export const sessionCompletedSchema = /* @__PURE__ */ buildSessionCompleted();
export const treatmentPlanCreatedSchema = /* @__PURE__ */ buildTreatmentPlanCreated();
export const contactPreferencesUpdatedSchema = /* @__PURE__ */ buildContactPreferencesUpdated();
export const bookingMissedSchema = /* @__PURE__ */ buildBookingMissed();
export const clinicProfileUpdatedSchema = /* @__PURE__ */ buildClinicProfileUpdated();
export const patientDataExportRequestedSchema = /* @__PURE__ */ buildPatientDataExportRequested();
export const patientErasureRequestedSchema = /* @__PURE__ */ buildPatientErasureRequested();

/** The catalog's way to the schemas: each built when first asked for. */
export const schemaBuilders = {
  BookingCreated: buildBookingCreated,
  BookingRescheduled: buildBookingRescheduled,
  BookingCancelled: buildBookingCancelled,
  SessionCompleted: buildSessionCompleted,
  TreatmentPlanCreated: buildTreatmentPlanCreated,
  ContactPreferencesUpdated: buildContactPreferencesUpdated,
  BookingMissed: buildBookingMissed,
  ClinicProfileUpdated: buildClinicProfileUpdated,
  PatientDataExportRequested: buildPatientDataExportRequested,
  PatientErasureRequested: buildPatientErasureRequested,
} as const;

export type BookingCreated = z.output<typeof bookingCreatedSchema>;
export type BookingRescheduled = z.output<typeof bookingRescheduledSchema>;
export type BookingCancelled = z.output<typeof bookingCancelledSchema>;
export type SessionCompleted = z.output<typeof sessionCompletedSchema>;
export type TreatmentPlanCreated = z.output<typeof treatmentPlanCreatedSchema>;
export type ContactPreferencesUpdated = z.output<typeof contactPreferencesUpdatedSchema>;
export type BookingMissed = z.output<typeof bookingMissedSchema>;
export type ClinicProfileUpdated = z.output<typeof clinicProfileUpdatedSchema>;
export type PatientDataExportRequested = z.output<typeof patientDataExportRequestedSchema>;
export type PatientErasureRequested = z.output<typeof patientErasureRequestedSchema>;

/** What a producer may send (before trimming and stripping). */
export type BookingCreatedInput = z.input<typeof bookingCreatedSchema>;
export type BookingRescheduledInput = z.input<typeof bookingRescheduledSchema>;
export type BookingCancelledInput = z.input<typeof bookingCancelledSchema>;
export type SessionCompletedInput = z.input<typeof sessionCompletedSchema>;
export type TreatmentPlanCreatedInput = z.input<typeof treatmentPlanCreatedSchema>;
export type ContactPreferencesUpdatedInput = z.input<typeof contactPreferencesUpdatedSchema>;
export type BookingMissedInput = z.input<typeof bookingMissedSchema>;
export type ClinicProfileUpdatedInput = z.input<typeof clinicProfileUpdatedSchema>;
export type PatientDataExportRequestedInput = z.input<typeof patientDataExportRequestedSchema>;
export type PatientErasureRequestedInput = z.input<typeof patientErasureRequestedSchema>;
