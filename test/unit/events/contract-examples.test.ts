import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detailTypes, parseEvent } from '../../../events';
import { examplesDirectory, loadContractExamples } from './contract-examples';

describe('contract examples', () => {
  it('finds the shared contract examples folder beside the project, with examples in it', () => {
    expect(existsSync(examplesDirectory), `missing ${examplesDirectory}`).toBe(true);
    expect(loadContractExamples().length).toBeGreaterThan(0);
  });

  it('has an example for every detail-type in the catalog', () => {
    const covered = new Set(loadContractExamples().map((example) => example.DetailType));
    expect([...covered].sort()).toEqual([...detailTypes].sort());
  });

  const examples = existsSync(examplesDirectory) ? loadContractExamples() : [];
  it.each(examples.map((example) => [example.file, example] as const))('accepts %s as written', (_file, example) => {
    const parsed = parseEvent(example.Source, example.DetailType, JSON.stringify(example.Detail));

    expect(parsed.source).toBe(example.Source);
    expect(parsed.detailType).toBe(example.DetailType);
    expect(parsed.detail).toEqual(example.Detail);
  });
});
