/**
 * The names of the SES message tags every CareLoop email is sent with, one per id
 * (shared/domain/email-tags.ts writes and reads their values). Here, with no zod, because the SES
 * record's schema (events/ses-feedback-schema.ts) reads them and the mailer writes them, and the
 * mailer's functions do not load the schema. `careloop-` tells them from SES's own (`ses:…`).
 */
export const EMAIL_TAG_NAMES = {
  clinicId: 'careloop-clinic',
  patientId: 'careloop-patient',
  bookingId: 'careloop-booking',
  kind: 'careloop-kind',
} as const;
