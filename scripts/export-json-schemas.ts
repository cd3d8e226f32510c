/**
 * Writes events/json-schema/<DetailType>.schema.json from the zod schemas (`npm run schemas`).
 * Files of detail-types that left the catalog are removed, so the folder mirrors the contract.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detailTypes } from '../events/catalog';
import { allJsonSchemas, formatJsonSchema, jsonSchemaFileName } from '../events/json-schema';

export const jsonSchemaDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '../events/json-schema');

async function exportJsonSchemas(directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const schemas = allJsonSchemas();
  const expected = new Set(detailTypes.map(jsonSchemaFileName));
  for (const file of await readdir(directory)) {
    if (file.endsWith('.schema.json') && !expected.has(file)) await rm(path.join(directory, file));
  }
  for (const detailType of detailTypes) {
    await writeFile(path.join(directory, jsonSchemaFileName(detailType)), formatJsonSchema(schemas[detailType]));
  }
  return [...expected];
}

const written = await exportJsonSchemas(jsonSchemaDirectory);
console.log(`wrote ${written.length} JSON Schemas to ${path.relative(process.cwd(), jsonSchemaDirectory) || '.'}`);
