import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DetailType, EventDetail, EventDetailInput } from '../../events/catalog';
import { parseDetail } from '../../events/validation';

/** The contract's examples live beside the project, in ../shared/contract/examples. */
export const examplesDirectory = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'contract',
  'examples',
);

export interface ExampleEntry {
  Source: string;
  DetailType: DetailType;
  Detail: Record<string, unknown>;
}

export function loadExamples(): Record<string, ExampleEntry> {
  return Object.fromEntries(
    readdirSync(examplesDirectory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => [name.replace(/\.json$/, ''), JSON.parse(readFileSync(join(examplesDirectory, name), 'utf8'))]),
  );
}

const byType = () => Object.fromEntries(Object.values(loadExamples()).map((entry) => [entry.DetailType, entry.Detail]));

/** The contract example of a type as a producer wrote it, with fields overridden (deep for objects). */
export function exampleInput<T extends DetailType>(
  type: T,
  overrides: Record<string, unknown> = {},
): EventDetailInput<T> {
  const base = structuredClone(byType()[type]) as Record<string, unknown>;
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
