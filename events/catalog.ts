import type * as z from 'zod/mini';
import {
  bookingCancelledSchema,
  bookingCreatedSchema,
  bookingRescheduledSchema,
  contactPreferencesUpdatedSchema,
  sessionCompletedSchema,
  treatmentPlanCreatedSchema,
} from './schemas';

/**
 * The catalog: which source sends which detail-type, and the schema its detail must meet.
 * Publisher, handlers, CDK rules, the local bus and the JSON Schema export all read it,
 * so an event is defined in exactly one place.
 */
export const eventCatalog = {
  BookingCreated: { source: 'clinic.booking', schema: bookingCreatedSchema },
  BookingRescheduled: { source: 'clinic.booking', schema: bookingRescheduledSchema },
  BookingCancelled: { source: 'clinic.booking', schema: bookingCancelledSchema },
  SessionCompleted: { source: 'clinic.care', schema: sessionCompletedSchema },
  TreatmentPlanCreated: { source: 'clinic.care', schema: treatmentPlanCreatedSchema },
  ContactPreferencesUpdated: { source: 'clinic.patients', schema: contactPreferencesUpdatedSchema },
} as const;

export type DetailType = keyof typeof eventCatalog;
export type EventSource = (typeof eventCatalog)[DetailType]['source'];
/** The detail of an event after validation (trimmed, unknown fields stripped). */
export type EventDetail<T extends DetailType> = z.output<(typeof eventCatalog)[T]['schema']>;
/** The detail a producer writes. */
export type EventDetailInput<T extends DetailType> = z.input<(typeof eventCatalog)[T]['schema']>;

export const detailTypes = Object.keys(eventCatalog) as DetailType[];

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.hasOwn(eventCatalog, value);
}

/** The catalog entry for a source and detail-type, or undefined when the pair is not in the contract. */
export function findEventDefinition(source: string, detailType: string) {
  if (!isDetailType(detailType)) return undefined;
  const definition = eventCatalog[detailType];
  return definition.source === source ? { detailType, ...definition } : undefined;
}
