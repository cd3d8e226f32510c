import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detailTypes,
  formatJsonSchema,
  jsonSchemaFileName,
  jsonSchemaFor,
  PUBLISHED_JSON_SCHEMA_FOLDER,
  publishedDetailTypes,
  publishedJsonSchemaFor,
  type JsonSchema,
} from '../../../events';
import { exampleInput, projectRoot } from '../../support/examples';

const schemaDirectory = path.join(projectRoot, 'events', 'json-schema');
const publishedSchemaDirectory = path.join(schemaDirectory, PUBLISHED_JSON_SCHEMA_FOLDER);
const REGENERATE = 'run `npm run schemas` and commit events/json-schema/';

describe.each([
  ['committed JSON Schemas', schemaDirectory, detailTypes, jsonSchemaFor],
  [
    'committed JSON Schemas of published events',
    publishedSchemaDirectory,
    publishedDetailTypes,
    publishedJsonSchemaFor,
  ],
] as [string, string, string[], (detailType: string) => JsonSchema][])('%s', (_folder, directory, types, schemaOf) => {
  it('has exactly one file per detail-type', () => {
    const files = readdirSync(directory).filter((file) => file.endsWith('.json'));

    expect(files.sort(), `the files drifted from the catalog: ${REGENERATE}`).toEqual(
      types.map((type) => `${type}.schema.json`).sort(),
    );
  });

  it.each(types)('%s.schema.json matches what the zod schema generates', (detailType) => {
    const file = `${detailType}.schema.json`;
    const committed = readFileSync(path.join(directory, file), 'utf8');

    expect(committed, `${file} drifted from the zod schema: ${REGENERATE}`).toBe(
      formatJsonSchema(schemaOf(detailType)),
    );
  });
});

describe('generated JSON Schemas', () => {
  it.each(detailTypes)('%s names itself and describes what producers send', (detailType) => {
    const schema = jsonSchemaFor(detailType);

    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: expect.stringMatching(new RegExp(`/${detailType}\\.schema\\.json$`)),
      title: detailType,
      type: 'object',
      required: expect.arrayContaining(['eventId', 'occurredAt', 'clinicId']),
    });
    // Producers may send more: unknown fields are ignored, never rejected.
    expect(JSON.stringify(schema)).not.toContain('"additionalProperties":false');
  });

  it('keeps the rules of later pipe stages (formats and lengths)', () => {
    const properties = (jsonSchemaFor('BookingCreated').properties ?? {}) as Record<string, Record<string, unknown>>;
    const patient = properties.patient?.properties as Record<string, Record<string, unknown>>;

    expect(properties.occurredAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(patient.email).toMatchObject({ type: 'string', format: 'email', maxLength: 254 });
    expect(patient.firstName).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
  });

  it('lists optional fields without making them required', () => {
    const schema = jsonSchemaFor('SessionCompleted');

    expect(schema.required).not.toContain('painBefore');
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(Object.keys(exampleInput('SessionCompleted'))),
    );
  });
});

/** Every object schema in a JSON Schema, however deep (properties, array items, oneOf branches). */
function objectSchemas(schema: JsonSchema): JsonSchema[] {
  const nested = [
    ...Object.values((schema.properties ?? {}) as Record<string, JsonSchema>),
    ...((schema.oneOf ?? []) as JsonSchema[]),
    ...(schema.items ? [schema.items as JsonSchema] : []),
  ];
  return [...(schema.type === 'object' ? [schema] : []), ...nested.flatMap(objectSchemas)];
}

describe('generated JSON Schemas of published events', () => {
  it.each(publishedDetailTypes)('%s names itself and is closed at every level', (detailType) => {
    const schema = publishedJsonSchemaFor(detailType);

    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://careloop.dev/contract/v1/published/${jsonSchemaFileName(detailType)}`,
      title: detailType,
    });
    expect(objectSchemas(schema).length).toBeGreaterThan(0);
    for (const object of objectSchemas(schema)) expect(object.additionalProperties).toBe(false);
  });

  it('carries the rules zod checks beyond the first pipe stage, and the refinements it can', () => {
    const properties = publishedJsonSchemaFor('AttentionNeeded').properties as Record<string, JsonSchema>;

    expect(properties.occurredAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(properties.reasons).toMatchObject({ type: 'array', minItems: 1, uniqueItems: true });
  });
});
