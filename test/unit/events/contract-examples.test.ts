import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detailTypes, isDetailType, parseEvent } from '../../../events';
import {
  loadExamples,
  sharedExamples11Directory,
  sharedExamplesDirectory,
  type ExampleEntry,
} from '../../support/examples';

function expectAcceptedAsWritten(example: ExampleEntry) {
  const parsed = parseEvent(example.Source, example.DetailType, JSON.stringify(example.Detail));

  expect(parsed.source).toBe(example.Source);
  expect(parsed.detailType).toBe(example.DetailType);
  expect(parsed.detail).toEqual(example.Detail);
}

describe("the project's examples (events/examples/)", () => {
  const examples = loadExamples();

  it('has exactly one example for every detail-type in the catalog', () => {
    expect(examples.map((example) => example.DetailType).sort()).toEqual([...detailTypes].sort());
  });

  it.each(examples.map((example) => [example.file, example] as const))('accepts %s as written', (_file, example) =>
    expectAcceptedAsWritten(example),
  );
});

/**
 * The contract's own examples, when the shared folder is beside this clone (as in CI): each is
 * accepted as written, and the project's copy is the same, so the copy cannot drift from what
 * front ends were promised. Version 1.1's are taken in for the events the catalog handles. A
 * clone on its own skips these and says why.
 */
const sharedIsHere = existsSync(sharedExamplesDirectory);
const SHARED = "the contract's examples (../shared/contract/examples/, examples-1.1/)";

describe.skipIf(!sharedIsHere)(
  sharedIsHere ? SHARED : `${SHARED} (skipped: ../shared/contract/examples is not beside this clone)`,
  () => {
    // A skipped describe still runs its body to collect the tests: read the folders only when they are there.
    const version1 = sharedIsHere ? loadExamples(sharedExamplesDirectory) : [];
    const version11 =
      sharedIsHere && existsSync(sharedExamples11Directory) ? loadExamples(sharedExamples11Directory) : [];
    const handled = [...version1, ...version11.filter((example) => isDetailType(example.DetailType))];
    const projectCopy = loadExamples();

    it('holds the same example files as events/examples/: every one of version 1, those of 1.1 it handles', () => {
      expect(version1.length).toBeGreaterThan(0);
      expect(handled.map((example) => example.file).sort()).toEqual(projectCopy.map((example) => example.file));
    });

    it.each(handled.map((example) => [example.file, example] as const))('accepts %s as written', (_file, example) =>
      expectAcceptedAsWritten(example),
    );

    it.each(handled.map((example) => [example.file, example] as const))(
      'finds %s the same in events/examples/',
      (file, example) => {
        const copy = projectCopy.find((candidate) => candidate.file === file);

        expect(copy, `events/examples/${file} is missing`).toBeDefined();
        expect(copy, `events/examples/${file} drifted from the contract's example`).toStrictEqual(example);
      },
    );
  },
);
