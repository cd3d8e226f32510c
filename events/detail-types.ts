/**
 * The contract's detail-types and the source that sends each, with no schema attached: what a
 * handler needs to route an event before it knows whether zod is needed at all
 * (events/handler-parsing.ts). events/catalog.ts adds the schemas.
 */
export const EVENT_SOURCES = {
  BookingCreated: 'clinic.booking',
  BookingRescheduled: 'clinic.booking',
  BookingCancelled: 'clinic.booking',
  SessionCompleted: 'clinic.care',
  TreatmentPlanCreated: 'clinic.care',
  ContactPreferencesUpdated: 'clinic.patients',
  BookingMissed: 'clinic.booking',
  ClinicProfileUpdated: 'clinic.admin',
  PatientDataExportRequested: 'clinic.patients',
  PatientErasureRequested: 'clinic.patients',
} as const;

export type DetailType = keyof typeof EVENT_SOURCES;

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.hasOwn(EVENT_SOURCES, value);
}

/**
 * The events CareLoop itself publishes (contract 1.1, "What CareLoop publishes") and the source of
 * each: `careloop.*`, which no rule of CareLoop's matches and no front end may send.
 * events/published.ts adds the schemas.
 */
export const PUBLISHED_SOURCES = {
  EmailSent: 'careloop.email',
  EmailDelivered: 'careloop.email',
  EmailBounced: 'careloop.email',
  EmailComplained: 'careloop.email',
  PatientUnsubscribed: 'careloop.patients',
  PatientResponded: 'careloop.patients',
  AttentionNeeded: 'careloop.care',
  PlanAtRisk: 'careloop.care',
  PatientDataExportReady: 'careloop.patients',
  PatientErased: 'careloop.patients',
} as const;

export type PublishedDetailType = keyof typeof PUBLISHED_SOURCES;

export function isPublishedDetailType(value: unknown): value is PublishedDetailType {
  return typeof value === 'string' && Object.hasOwn(PUBLISHED_SOURCES, value);
}
