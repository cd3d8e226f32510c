import * as z from 'zod/mini';
import { detailTypes, eventCatalog, type DetailType } from './catalog';
import { publishedCatalog, publishedDetailTypes, type PublishedDetailType } from './published';

/**
 * JSON Schemas of the event details, generated from the zod schemas in the catalogs, for
 * producers and consumers that do not use TypeScript. They describe what a producer *sends*
 * (zod's `input` side): for the events CareLoop accepts, unknown fields are allowed and optional
 * fields carry no defaults; the events CareLoop publishes are closed (`additionalProperties: false`).
 *
 * Rules zod checks in code (IANA zones, BCP 47 tags, control characters in header fields,
 * real calendar dates) have no JSON Schema equivalent; the zod schema stays the authority.
 */

export const JSON_SCHEMA_ID_BASE = 'https://careloop.dev/contract/v1/';

/** The folder of events/json-schema/ that holds the schemas of the events CareLoop publishes. */
export const PUBLISHED_JSON_SCHEMA_FOLDER = 'published';

export type JsonSchema = Record<string, unknown>;

/** The file name of a detail-type's schema in events/json-schema/ (or its published/ folder). */
export const jsonSchemaFileName = (detailType: DetailType | PublishedDetailType) => `${detailType}.schema.json`;

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

/**
 * zod's JSON Schema of a detail schema, what a producer sends, with the rules of every pipe stage.
 * Draft 2020-12 for the committed files; draft-04 for EventBridge's schema registry
 * (events/registry-schemas.ts), which zod writes with draft-04's own keywords (`enum` for `const`,
 * boolean `exclusiveMinimum`, `definitions`).
 */
export function detailJsonSchema(
  schema: z.core.$ZodType,
  target: 'draft-2020-12' | 'draft-04' = 'draft-2020-12',
): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    target,
    override: ({ zodSchema, jsonSchema }) => addLaterStringStages(zodSchema, jsonSchema as JsonSchema),
  }) as JsonSchema;
}

export function jsonSchemaFor(detailType: DetailType): JsonSchema {
  const { source, schema } = eventCatalog[detailType];
  const { $schema, ...rest } = detailJsonSchema(schema);
  return {
    $schema,
    $id: `${JSON_SCHEMA_ID_BASE}${jsonSchemaFileName(detailType)}`,
    title: detailType,
    description: `Detail of the ${detailType} event (source ${source}, contract version 1).`,
    ...rest,
  };
}

export function publishedJsonSchemaFor(detailType: PublishedDetailType): JsonSchema {
  const { source, schema } = publishedCatalog[detailType];
  const { $schema, ...rest } = detailJsonSchema(schema);
  return {
    $schema,
    $id: `${JSON_SCHEMA_ID_BASE}${PUBLISHED_JSON_SCHEMA_FOLDER}/${jsonSchemaFileName(detailType)}`,
    title: detailType,
    description: `Detail of the ${detailType} event CareLoop publishes (source ${source}, contract version 1.1).`,
    ...rest,
  };
}

const byDetailType = <T extends string>(types: readonly T[], schemaOf: (type: T) => JsonSchema) =>
  Object.fromEntries(types.map((type) => [type, schemaOf(type)])) as Record<T, JsonSchema>;

export const allJsonSchemas = (): Record<DetailType, JsonSchema> => byDetailType(detailTypes, jsonSchemaFor);

export const allPublishedJsonSchemas = (): Record<PublishedDetailType, JsonSchema> =>
  byDetailType(publishedDetailTypes, publishedJsonSchemaFor);

/** The exact text committed for a schema: two-space indentation and a trailing newline. */
export const formatJsonSchema = (schema: JsonSchema) => `${JSON.stringify(schema, null, 2)}\n`;
