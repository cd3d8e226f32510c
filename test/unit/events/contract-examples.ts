import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, from this file's place in test/unit/events/. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The contract folder lives beside the project (CI clones shared/ next to it). */
export const examplesDirectory = path.resolve(projectRoot, '..', 'shared', 'contract', 'examples');

export interface ContractExample {
  file: string;
  Source: string;
  DetailType: string;
  Detail: Record<string, unknown>;
}

/** Every example event; throws when the folder is missing (readdirSync's ENOENT). */
export function loadContractExamples(): ContractExample[] {
  return readdirSync(examplesDirectory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(path.join(examplesDirectory, file), 'utf8')) }));
}

/** The example of one detail-type, deep-copied so a test may change it. */
export function exampleDetail(detailType: string): Record<string, unknown> {
  const example = loadContractExamples().find((candidate) => candidate.DetailType === detailType);
  if (!example) throw new Error(`no contract example for ${detailType} in ${examplesDirectory}`);
  return structuredClone(example.Detail);
}
