import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseEvent } from '../../../events';
import { loadExamples } from '../../support/examples';

const MARKER = 'Zq9xMarker';

type Path = (string | number)[];

/** Every path to a value inside a detail (objects and array items, at any depth). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  }
  return [];
}

function mutate(detail: unknown, path: Path, replacement: { drop: true } | { drop: false; value: unknown }): unknown {
  const copy = structuredClone(detail) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (!replacement.drop) parent[last] = replacement.value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

const examples = loadExamples();

const mutation = fc.constantFrom(...examples).chain((example) =>
  fc.record({
    example: fc.constant(example),
    path: fc.constantFrom(...pathsOf(example.Detail)),
    replacement: fc.oneof(
      fc.constant({ drop: true as const }),
      fc.record({
        drop: fc.constant(false as const),
        value: fc.oneof(
          fc.jsonValue(),
          fc.string().map((text) => `${MARKER}${text}`),
          fc.constantFrom('', ' ', '\r\n', null, -1, 0, 1e9, 2.5, true, [], {}),
        ),
      }),
    ),
  }),
);

describe('mutated contract examples', () => {
  it('either parse or fail with problems that name the mutated field, never echoing its value', () => {
    fc.assert(
      fc.property(mutation, ({ example, path, replacement }) => {
        const detail = JSON.stringify(mutate(example.Detail, path, replacement));
        // A dropped array item shifts the ones after it, so problems may name any index of that array.
        const field = (replacement.drop && typeof path.at(-1) === 'number' ? path.slice(0, -1) : path).join('.');

        let thrown: unknown;
        try {
          parseEvent(example.Source, example.DetailType, detail);
        } catch (error) {
          thrown = error;
        }

        if (thrown === undefined) return;
        expect(thrown).toBeInstanceOf(InvalidEventError);
        const { problems, message } = thrown as InvalidEventError;
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          expect(problem).toMatch(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*: \S/);
          expect(problem === field || problem.startsWith(`${field}.`) || problem.startsWith(`${field}: `)).toBe(true);
        }
        expect(message).not.toContain(MARKER);
      }),
      { numRuns: 500 },
    );
  });
});
