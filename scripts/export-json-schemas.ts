/**
 * Writes events/json-schema/<DetailType>.schema.json from the zod schemas (`npm run schemas`), and
 * events/json-schema/published/<DetailType>.schema.json for the events CareLoop publishes.
 * Files of detail-types that left a catalog are removed, so each folder mirrors its catalog.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allJsonSchemas,
  allPublishedJsonSchemas,
  formatJsonSchema,
  jsonSchemaFileName,
  PUBLISHED_JSON_SCHEMA_FOLDER,
  type JsonSchema,
} from '../events/json-schema';

export const jsonSchemaDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '../events/json-schema');

type SchemasByDetailType = Partial<Record<Parameters<typeof jsonSchemaFileName>[0], JsonSchema>>;

async function exportJsonSchemas(directory: string, schemas: SchemasByDetailType): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const entries = Object.entries(schemas) as [keyof SchemasByDetailType, JsonSchema][];
  const files = new Map(entries.map(([detailType, schema]) => [jsonSchemaFileName(detailType), schema]));
  for (const file of await readdir(directory)) {
    if (file.endsWith('.schema.json') && !files.has(file)) await rm(path.join(directory, file));
  }
  for (const [file, schema] of files) await writeFile(path.join(directory, file), formatJsonSchema(schema));
  return [...files.keys()];
}

for (const [directory, schemas] of [
  [jsonSchemaDirectory, allJsonSchemas()],
  [path.join(jsonSchemaDirectory, PUBLISHED_JSON_SCHEMA_FOLDER), allPublishedJsonSchemas()],
] as const) {
  const written = await exportJsonSchemas(directory, schemas);
  console.log(`wrote ${written.length} JSON Schemas to ${path.relative(process.cwd(), directory) || '.'}`);
}
