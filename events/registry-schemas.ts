import type * as z from 'zod/mini';
import { detailTypes, eventCatalog } from './catalog';
import { detailJsonSchema, type JsonSchema } from './json-schema';
import { publishedCatalog, publishedDetailTypes } from './published';

/**
 * The contract as EventBridge's schema registry holds it (the stack's schema registry,
 * infra/constructs/schema-registry.ts): one schema per event, those CareLoop accepts and those it
 * publishes, from which the registry generates code bindings (Java, Python, TypeScript, Go).
 *
 * The registry's code bindings describe the whole event EventBridge delivers, not its detail: a
 * `JSONSchemaDraft4` schema is the envelope (`detail-type`, `source`, `detail`, `id`, `time`, …),
 * named by `x-amazon-events-source` and `x-amazon-events-detail-type`, with the detail's schema
 * under `definitions` and `detail` referring to it, as the schemas the registry exports are
 * written. The detail's schema is zod's, written for draft-04 (events/json-schema.ts).
 */

export const REGISTRY_SCHEMA_TYPE = 'JSONSchemaDraft4';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** What the registry accepts as a schema's content and description (CreateSchema), in characters. */
export const REGISTRY_CONTENT_MAX_LENGTH = 100_000;
export const REGISTRY_DESCRIPTION_MAX_LENGTH = 256;

/** A schema's name in the registry, `<source>@<DetailType>`, as the registry names AWS's own events. */
export const registrySchemaName = (source: string, detailType: string) => `${source}@${detailType}`;

/**
 * Keywords of later drafts that draft-04 does not know, which a draft-04 reader would ignore and
 * so accept more than the contract does; and references, which inside the envelope would resolve
 * against the envelope, not the detail. zod writes none of them for the contract's fields; a zod
 * upgrade or a new kind of field that brings one fails here, at synth and in the tests.
 */
const NOT_DRAFT_04 = new Set([
  '$ref',
  '$defs',
  '$id',
  '$anchor',
  '$dynamicRef',
  'definitions',
  'const',
  'prefixItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
]);
const SCHEMA_MAPS = ['properties', 'patternProperties'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_VALUES = ['not', 'items', 'additionalProperties', 'additionalItems'];

/** Where a JSON Schema uses what draft-04 does not have (`properties.n.exclusiveMinimum`), none when it is draft-04. */
export function notDraft04(schema: JsonSchema, path = ''): string[] {
  const at = (keyword: string) => (path ? `${path}.${keyword}` : keyword);
  const found = Object.keys(schema)
    .filter((keyword) => NOT_DRAFT_04.has(keyword))
    .map(at);
  for (const bound of ['exclusiveMinimum', 'exclusiveMaximum']) {
    if (bound in schema && typeof schema[bound] !== 'boolean') found.push(at(bound));
  }
  const nested = (value: unknown, nestedPath: string) =>
    value && typeof value === 'object' && !Array.isArray(value) ? notDraft04(value as JsonSchema, nestedPath) : [];
  for (const keyword of SCHEMA_MAPS) {
    for (const [name, value] of Object.entries((schema[keyword] ?? {}) as object)) {
      found.push(...nested(value, `${at(keyword)}.${name}`));
    }
  }
  for (const keyword of SCHEMA_LISTS) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((value, index) => found.push(...nested(value, `${at(keyword)}.${index}`)));
  }
  for (const keyword of SCHEMA_VALUES) found.push(...nested(schema[keyword], at(keyword)));
  return found;
}

/** The draft-04 envelope of one event, its detail under `definitions`. */
export function registrySchemaContent(source: string, detailType: string, detailSchema: z.core.$ZodType): JsonSchema {
  const { $schema: _root, ...detail } = detailJsonSchema(detailSchema, 'draft-04');
  const unsupported = notDraft04(detail);
  if (unsupported.length > 0) {
    throw new Error(`${detailType}: its JSON Schema uses what draft-04 lacks: ${unsupported.join(', ')}`);
  }
  return {
    $schema: DRAFT_04,
    title: detailType,
    definitions: { [detailType]: detail },
    properties: {
      account: { type: 'string' },
      detail: { $ref: `#/definitions/${detailType}` },
      'detail-type': { type: 'string' },
      id: { type: 'string' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      source: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      version: { type: 'string' },
    },
    required: ['detail-type', 'resources', 'id', 'source', 'time', 'detail', 'region', 'version', 'account'],
    type: 'object',
    'x-amazon-events-detail-type': detailType,
    'x-amazon-events-source': source,
  };
}

export interface RegistrySchema {
  name: string;
  source: string;
  detailType: string;
  description: string;
  /** The envelope schema as JSON text, as the registry takes it. */
  content: string;
}

function registrySchema(
  source: string,
  detailType: string,
  detailSchema: z.core.$ZodType,
  whose: string,
): RegistrySchema {
  const content = JSON.stringify(registrySchemaContent(source, detailType, detailSchema));
  if (content.length > REGISTRY_CONTENT_MAX_LENGTH) {
    throw new Error(
      `${detailType}: its schema is longer than the registry takes (${REGISTRY_CONTENT_MAX_LENGTH} characters)`,
    );
  }
  return {
    name: registrySchemaName(source, detailType),
    source,
    detailType,
    description: `${detailType} (${source}) ${whose}, contract 1.1: docs/EVENTS.md`,
    content,
  };
}

/** Every event of the contract as the registry holds it: those CareLoop accepts, then those it publishes. */
export function registrySchemas(): RegistrySchema[] {
  return [
    ...detailTypes.map((type) =>
      registrySchema(eventCatalog[type].source, type, eventCatalog[type].schema, 'as CareLoop accepts it'),
    ),
    ...publishedDetailTypes.map((type) =>
      registrySchema(publishedCatalog[type].source, type, publishedCatalog[type].schema, 'as CareLoop publishes it'),
    ),
  ];
}
