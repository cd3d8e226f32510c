/**
 * The event contract (docs/EVENTS.md) as one import for producers and consumers: schemas and
 * their types, the catalog, validation and the JSON Schemas, and the events CareLoop publishes
 * with their parser. It depends on nothing but zod: the typed publisher, which sends events with
 * the AWS SDK, is shared/adapters/event-publisher.ts.
 */
export * from './schemas';
export * from './catalog';
export * from './validation';
export * from './json-schema';
export * from './published';
