import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DetailType, EventDetail, EventDetailInput } from '../../events/catalog';
import { parseDetail } from '../../events/validation';

/** The project root, from this file's place in test/support/. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The project's own copy of the contract's examples: every test reads these. */
export const examplesDirectory = join(projectRoot, 'events', 'examples');

/**
 * The contract's examples, in the shared folder beside the project when it is there (CI clones
 * it there); test/unit/events/contract-examples.test.ts holds the project's copy to them.
 */
export const sharedExamplesDirectory = resolve(projectRoot, '..', 'shared', 'contract', 'examples');
/** The contract's version 1.1 examples, apart until a project takes them in (their README says so). */
export const sharedExamples11Directory = resolve(projectRoot, '..', 'shared', 'contract', 'examples-1.1');

/** An example of each event CareLoop publishes, in the same form. */
export const publishedExamplesDirectory = join(examplesDirectory, 'published');

/** One example file: a PutEvents entry with `Detail` as an object. */
export interface ExampleEntry<Type extends string = DetailType> {
  /** The file's name, e.g. `booking-created.json`. */
  file: string;
  Source: string;
  /** As the file says it; parseEvent (parsePublishedEvent) is what checks it names a contract event. */
  DetailType: Type;
  Detail: Record<string, unknown>;
}

/** Every example in a folder (the project's own by default), in file-name order; throws when the folder is missing. */
export function loadExamples<Type extends string = DetailType>(directory = examplesDirectory): ExampleEntry<Type>[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(directory, file), 'utf8')) }));
}

function exampleOf(type: DetailType): Record<string, unknown> {
  const example = loadExamples().find((entry) => entry.DetailType === type);
  if (!example) throw new Error(`no example for ${type} in ${examplesDirectory}`);
  return example.Detail;
}

/** The example of a type as a producer wrote it (a copy), with fields overridden (deep for objects). */
export function exampleInput<T extends DetailType>(
  type: T,
  overrides: Record<string, unknown> = {},
): EventDetailInput<T> {
  const base = structuredClone(exampleOf(type));
  for (const [key, value] of Object.entries(overrides)) {
    const existing = base[key];
    base[key] =
      value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object'
        ? { ...(existing as object), ...(value as object) }
        : value;
  }
  return base as EventDetailInput<T>;
}

/** The example, overridden, then validated: what a handler sees. */
export const exampleDetail = <T extends DetailType>(type: T, overrides: Record<string, unknown> = {}): EventDetail<T> =>
  parseDetail(type, exampleInput(type, overrides));
