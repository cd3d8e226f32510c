/**
 * The event contract (docs/EVENTS.md) as one import for producers and consumers:
 * schemas and their types, the catalog, validation, the typed publisher and the JSON Schemas.
 */
export * from './schemas';
export * from './catalog';
export * from './validation';
export * from './publisher';
export * from './json-schema';
