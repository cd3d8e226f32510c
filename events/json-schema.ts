import * as z from 'zod/mini';
import { detailTypes, eventCatalog, type DetailType } from './catalog';

/**
 * JSON Schemas of the event details, generated from the zod schemas in the catalog, for
 * producers that do not use TypeScript. They describe what a producer *sends* (zod's `input`
 * side): unknown fields are allowed, optional fields carry no defaults.
 *
 * Rules zod checks in code (IANA zones, BCP 47 tags, control characters in header fields,
 * real calendar dates) have no JSON Schema equivalent; the zod schema stays the authority.
 */

export const JSON_SCHEMA_ID_BASE = 'https://careloop.dev/contract/v1/';

export type JsonSchema = Record<string, unknown>;

/** The file name of a detail-type's schema in events/json-schema/. */
export const jsonSchemaFileName = (detailType: DetailType) => `${detailType}.schema.json`;

const STRING_CONSTRAINTS = ['minLength', 'maxLength', 'pattern', 'format'] as const;

/** The zod schemas a value passes through, in order, when `schema` is a chain of pipes. */
function pipeStages(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = schema._zod.def;
  if (def.type !== 'pipe') return [schema];
  const { in: first, out: second } = def as z.core.$ZodPipeDef;
  return [...pipeStages(first), ...pipeStages(second)];
}

/**
 * In `input` mode zod describes a pipe by its first stage only, so `z.string().pipe(z.email())`
 * would lose its format and lengths. A string a producer sends must pass every stage, so the
 * string constraints of later stages are added (a second, different pattern goes into `allOf`).
 */
function addLaterStringStages(zodSchema: z.core.$ZodType, jsonSchema: JsonSchema): void {
  if (zodSchema._zod.def.type !== 'pipe' || jsonSchema.type !== 'string') return;
  for (const stage of pipeStages(zodSchema).slice(1)) {
    if (stage._zod.def.type !== 'string') continue;
    const stageSchema = z.toJSONSchema(stage, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
    for (const key of STRING_CONSTRAINTS) {
      const value = stageSchema[key];
      if (value === undefined) continue;
      if (jsonSchema[key] === undefined) {
        jsonSchema[key] = value;
      } else if (jsonSchema[key] !== value) {
        const allOf = (jsonSchema.allOf ??= []) as JsonSchema[];
        allOf.push({ [key]: value });
      }
    }
  }
}

export function jsonSchemaFor(detailType: DetailType): JsonSchema {
  const { source, schema } = eventCatalog[detailType];
  const generated = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => addLaterStringStages(zodSchema, jsonSchema as JsonSchema),
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: `${JSON_SCHEMA_ID_BASE}${jsonSchemaFileName(detailType)}`,
    title: detailType,
    description: `Detail of the ${detailType} event (source ${source}, contract version 1).`,
    ...rest,
  };
}

export function allJsonSchemas(): Record<DetailType, JsonSchema> {
  return Object.fromEntries(detailTypes.map((detailType) => [detailType, jsonSchemaFor(detailType)])) as Record<
    DetailType,
    JsonSchema
  >;
}

/** The exact text committed for a schema: two-space indentation and a trailing newline. */
export const formatJsonSchema = (schema: JsonSchema) => `${JSON.stringify(schema, null, 2)}\n`;
