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
} as const;

export type DetailType = keyof typeof EVENT_SOURCES;

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.hasOwn(EVENT_SOURCES, value);
}
