import type * as z from 'zod/mini';
import { EVENT_SOURCES, isDetailType, type DetailType } from './detail-types';
import { schemaBuilders } from './schemas';

export { isDetailType, type DetailType };

/**
 * The catalog: which source sends which detail-type, and the schema its detail must meet.
 * Publisher, handlers, CDK rules, the local bus and the JSON Schema export all read it,
 * so an event is defined in exactly one place. A schema is built when first read (a function
 * that handles one event builds one schema).
 */
export const eventCatalog = {
  BookingCreated: {
    source: EVENT_SOURCES.BookingCreated,
    get schema() {
      return schemaBuilders.BookingCreated();
    },
  },
  BookingRescheduled: {
    source: EVENT_SOURCES.BookingRescheduled,
    get schema() {
      return schemaBuilders.BookingRescheduled();
    },
  },
  BookingCancelled: {
    source: EVENT_SOURCES.BookingCancelled,
    get schema() {
      return schemaBuilders.BookingCancelled();
    },
  },
  SessionCompleted: {
    source: EVENT_SOURCES.SessionCompleted,
    get schema() {
      return schemaBuilders.SessionCompleted();
    },
  },
  TreatmentPlanCreated: {
    source: EVENT_SOURCES.TreatmentPlanCreated,
    get schema() {
      return schemaBuilders.TreatmentPlanCreated();
    },
  },
  ContactPreferencesUpdated: {
    source: EVENT_SOURCES.ContactPreferencesUpdated,
    get schema() {
      return schemaBuilders.ContactPreferencesUpdated();
    },
  },
  BookingMissed: {
    source: EVENT_SOURCES.BookingMissed,
    get schema() {
      return schemaBuilders.BookingMissed();
    },
  },
  ClinicProfileUpdated: {
    source: EVENT_SOURCES.ClinicProfileUpdated,
    get schema() {
      return schemaBuilders.ClinicProfileUpdated();
    },
  },
  PatientDataExportRequested: {
    source: EVENT_SOURCES.PatientDataExportRequested,
    get schema() {
      return schemaBuilders.PatientDataExportRequested();
    },
  },
  PatientErasureRequested: {
    source: EVENT_SOURCES.PatientErasureRequested,
    get schema() {
      return schemaBuilders.PatientErasureRequested();
    },
  },
} as const satisfies { [T in DetailType]: { source: (typeof EVENT_SOURCES)[T]; readonly schema: unknown } };

export type EventSource = (typeof eventCatalog)[DetailType]['source'];
/** The detail of an event after validation (trimmed, unknown fields stripped). */
export type EventDetail<T extends DetailType> = z.output<(typeof eventCatalog)[T]['schema']>;
/** The detail a producer writes. */
export type EventDetailInput<T extends DetailType> = z.input<(typeof eventCatalog)[T]['schema']>;

export const detailTypes = Object.keys(eventCatalog) as DetailType[];

/** The catalog entry for a source and detail-type, or undefined when the pair is not in the contract. */
export function findEventDefinition(source: string, detailType: string) {
  if (!isDetailType(detailType)) return undefined;
  const definition = eventCatalog[detailType];
  return definition.source === source ? { detailType, ...definition } : undefined;
}
