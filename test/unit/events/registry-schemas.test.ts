import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { isPublishedDetailType, jsonSchemaFor, publishedJsonSchemaFor, type DetailType } from '../../../events';
import {
  notDraft04,
  registrySchemaContent,
  registrySchemaName,
  registrySchemas,
} from '../../../events/registry-schemas';
import { fieldPaths } from '../../support/json-schema-fields';

/** The detail's schema as the registry's content embeds it. */
const embedded = (schema: z.core.$ZodType) =>
  (registrySchemaContent('careloop.test', 'Probe', schema).definitions as Record<string, Record<string, unknown>>)
    .Probe!;

describe('the detail schemas, in draft-04', () => {
  it("writes what draft-04 lacks with draft-04's own keywords: a single value as enum, an exclusive bound as a boolean", () => {
    const detail = embedded(
      z.object({ from: z.literal('follow-ups'), ratio: z.number().check(z.gt(0)), count: z.int().check(z.lt(10)) }),
    );

    expect(detail.properties).toEqual({
      from: { type: 'string', enum: ['follow-ups'] },
      ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
      count: expect.objectContaining({ type: 'integer', maximum: 10, exclusiveMaximum: true }),
    });
    expect(notDraft04(detail)).toEqual([]);
  });

  it('keeps the rules of later pipe stages, as the committed JSON Schemas do', () => {
    const draft04 = registrySchemas().find((schema) => schema.name === 'careloop.care@PlanAtRisk')!.content;
    const occurredAt = JSON.parse(draft04).definitions.PlanAtRisk.properties.occurredAt;

    expect(occurredAt).toEqual(publishedJsonSchemaFor('PlanAtRisk').properties!['occurredAt' as never]);
    expect(occurredAt).toMatchObject({ format: 'date-time', pattern: expect.any(String) });
  });

  it('describes the same fields as the committed draft 2020-12 schemas', () => {
    for (const schema of registrySchemas()) {
      const detail = JSON.parse(schema.content).definitions[schema.detailType];
      const committed = isPublishedDetailType(schema.detailType)
        ? publishedJsonSchemaFor(schema.detailType)
        : jsonSchemaFor(schema.detailType as DetailType);

      expect(fieldPaths(detail), schema.name).toEqual(fieldPaths(committed));
    }
  });

  it('refuses a detail whose schema needs a reference: inside the envelope it would point at the envelope', () => {
    const node: z.ZodMiniType = z.object({
      id: z.string(),
      get next() {
        return z.optional(node);
      },
    });

    expect(() => registrySchemaContent('careloop.test', 'Probe', node)).toThrow(/Probe: .*draft-04 lacks: .*\$ref/);
  });
});

describe('notDraft04', () => {
  it.each([
    [{ const: 'x' }, ['const']],
    [{ type: 'number', exclusiveMinimum: 0 }, ['exclusiveMinimum']],
    [{ $defs: { a: {} }, $ref: '#/$defs/a' }, ['$defs', '$ref']],
    [{ properties: { list: { prefixItems: [{ type: 'string' }] } } }, ['properties.list.prefixItems']],
    [{ type: 'array', items: { propertyNames: { pattern: '^a' } } }, ['items.propertyNames']],
    [{ oneOf: [{ if: {}, then: {} }] }, ['oneOf.0.if', 'oneOf.0.then']],
    [{ properties: { a: { additionalProperties: { const: 1 } } } }, ['properties.a.additionalProperties.const']],
  ])('finds what draft-04 lacks in %j', (schema, found) => {
    expect(notDraft04(schema)).toEqual(found);
  });

  it('takes a field named like a keyword for a field', () => {
    expect(notDraft04({ properties: { const: { type: 'string' }, if: { type: 'boolean' } } })).toEqual([]);
    expect(notDraft04({ type: 'number', minimum: 0, exclusiveMinimum: true })).toEqual([]);
  });
});

describe('the registry schemas', () => {
  it('are named <source>@<DetailType>, each once, with the characters the registry takes', () => {
    const names = registrySchemas().map((schema) => schema.name);

    expect(registrySchemaName('clinic.booking', 'BookingCreated')).toBe('clinic.booking@BookingCreated');
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._-]+@[A-Za-z]+$/);
  });
});
