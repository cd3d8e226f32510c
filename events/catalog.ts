import type * as z from 'zod/mini';
import { schemaBuilders } from './schemas';

/**
 * The catalog: which source sends which detail-type, and the schema its detail must meet.
 * Publisher, handlers, CDK rules, the local bus and the JSON Schema export all read it,
 * so an event is defined in exactly one place. A schema is built when first read (a function
 * that handles one event builds one schema).
 */
export const eventCatalog = {
  BookingCreated: {
    source: 'clinic.booking',
    get schema() {
      return schemaBuilders.BookingCreated();
    },
  },
  BookingRescheduled: {
    source: 'clinic.booking',
    get schema() {
      return schemaBuilders.BookingRescheduled();
    },
  },
  BookingCancelled: {
    source: 'clinic.booking',
    get schema() {
      return schemaBuilders.BookingCancelled();
    },
  },
  SessionCompleted: {
    source: 'clinic.care',
    get schema() {
      return schemaBuilders.SessionCompleted();
    },
  },
  TreatmentPlanCreated: {
    source: 'clinic.care',
    get schema() {
      return schemaBuilders.TreatmentPlanCreated();
    },
  },
  ContactPreferencesUpdated: {
    source: 'clinic.patients',
    get schema() {
      return schemaBuilders.ContactPreferencesUpdated();
    },
  },
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
