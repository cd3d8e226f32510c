import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detailTypes, formatJsonSchema, jsonSchemaFileName, jsonSchemaFor } from '../../../events';
import { exampleInput, projectRoot } from '../../support/examples';

const schemaDirectory = path.join(projectRoot, 'events', 'json-schema');
const REGENERATE = 'run `npm run schemas` and commit events/json-schema/';

describe('committed JSON Schemas', () => {
  it('has exactly one file per detail-type', () => {
    const files = readdirSync(schemaDirectory).filter((file) => file.endsWith('.json'));

    expect(files.sort(), `the files drifted from the catalog: ${REGENERATE}`).toEqual(
      detailTypes.map(jsonSchemaFileName).sort(),
    );
  });

  it.each(detailTypes)('%s.schema.json matches what the zod schema generates', (detailType) => {
    const committed = readFileSync(path.join(schemaDirectory, jsonSchemaFileName(detailType)), 'utf8');

    expect(committed, `${jsonSchemaFileName(detailType)} drifted from the zod schema: ${REGENERATE}`).toBe(
      formatJsonSchema(jsonSchemaFor(detailType)),
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
