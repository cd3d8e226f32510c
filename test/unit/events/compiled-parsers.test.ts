import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { detailTypes, eventCatalog, type DetailType } from '../../../events/catalog';
import { EVENT_SOURCES } from '../../../events/detail-types';
import { compiledParsers, compiledSesFeedbackParser, INVALID } from '../../../events/event-parsers.generated';
import * as zodParsers from '../../../events/zod-parsers';
import { sesFeedbackDetailSchema } from '../../../events/ses-feedback-schema';
import { generateEventParsers } from '../../../scripts/compile-event-parsers';
import { loadExamples } from '../../support/examples';

const compiled = (type: DetailType, detail: unknown): unknown =>
  (compiledParsers[type] as (input: unknown) => unknown)(detail);

const examples = loadExamples();
const exampleOf = (type: DetailType) => examples.find((example) => example.DetailType === type)!.Detail;

/**
 * What the compiled parser says beside what zod says (events/zod-parsers.ts, the way back). It
 * must never accept what zod refuses, and where it accepts, its output must be zod's. Refusing
 * what zod accepts would not be wrong, since zod then decides, but it would cost that event the
 * schema the compiled parser is there to spare: the tests hold it to accepting all zod accepts.
 */
function answers(fast: unknown, zod: unknown, label: string): string | undefined {
  if (fast === INVALID && zod === zodParsers.INVALID) return undefined;
  if (fast === INVALID) return `${label}: the compiled parser refused what zod accepts`;
  if (zod === zodParsers.INVALID) return `${label}: the compiled parser accepted what zod refuses`;
  if (!isDeepStrictEqual(fast, zod)) return `${label}: the compiled parser's output differs from zod's`;
  return undefined;
}

const disagreement = (type: DetailType, detail: unknown) =>
  answers(compiled(type, detail), zodParsers.compiledParsers[type](detail), type);

const sesRecords = ['delivery', 'bounce-permanent', 'bounce-transient', 'complaint'].map(
  (name) =>
    (
      JSON.parse(readFileSync(new URL(`../../fixtures/ses/${name}.json`, import.meta.url), 'utf8')) as {
        detail: unknown;
      }
    ).detail,
);

/** The same for SES's delivery, bounce and complaint records. */
const sesDisagreement = (detail: unknown) =>
  answers(
    (compiledSesFeedbackParser as (input: unknown) => unknown)(detail),
    zodParsers.compiledSesFeedbackParser(detail),
    'SES feedback',
  );

describe('the parsers compiled from the schemas', () => {
  it('are what scripts/compile-event-parsers.ts writes from the schemas now (else: npm run parsers)', async () => {
    const file = readFileSync(new URL('../../../events/event-parsers.generated.ts', import.meta.url), 'utf8');
    expect(file === (await generateEventParsers())).toBe(true);
  });

  it.each(detailTypes)('accept the contract example of %s and return what zod returns', (type) => {
    const detail = { ...exampleOf(type), somethingNew: 'stripped, as zod strips it' };
    const fast = compiled(type, detail);
    expect(fast).not.toBe(INVALID);
    expect(fast).toEqual(eventCatalog[type].schema.parse(detail));
    expect(fast).not.toHaveProperty('somethingNew');
  });

  it('trim as zod trims, and refuse what zod refuses', () => {
    const detail = { ...exampleOf('BookingCancelled'), bookingId: '  bk-1  ', reason: '  late  ' };
    expect(compiled('BookingCancelled', detail)).toMatchObject({ bookingId: 'bk-1', reason: 'late' });
    expect(compiled('BookingCancelled', { ...detail, cancelledBy: 'robot' })).toBe(INVALID);
    expect(compiled('SessionCompleted', { ...exampleOf('SessionCompleted'), painAfter: 11 })).toBe(INVALID);
    expect(compiled('BookingCreated', null)).toBe(INVALID);
  });

  it('never accept what zod refuses, nor return other than zod returns: every field of every example, set to each edge value', () => {
    const found: string[] = [];
    let comparisons = 0;
    let accepted = 0;
    for (const type of detailTypes) {
      for (const path of pathsOf(exampleOf(type))) {
        for (const value of EDGE_VALUES) {
          const detail = withValueAt(exampleOf(type), path, value);
          comparisons++;
          if (compiled(type, detail) !== INVALID) accepted++;
          const problem = disagreement(type, detail);
          if (problem) found.push(`${problem} (${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)})`);
        }
      }
    }
    expect(found).toEqual([]);
    // Both answers were given often enough for the comparison to mean something.
    expect(comparisons).toBeGreaterThan(3_000);
    expect(accepted).toBeGreaterThan(comparisons / 10);
    expect(accepted).toBeLessThan(comparisons * 0.9);
  });

  it('accept SES’s delivery, bounce and complaint records as zod does, and agree with it on each record changed field by field', () => {
    for (const record of sesRecords) {
      expect((compiledSesFeedbackParser as (input: unknown) => unknown)(record)).toEqual(
        sesFeedbackDetailSchema().parse(record),
      );
    }
    const found: string[] = [];
    let accepted = 0;
    let comparisons = 0;
    for (const record of sesRecords) {
      for (const path of pathsOf(record)) {
        for (const value of EDGE_VALUES) {
          const detail = withValueAt(record, path, value);
          comparisons++;
          if ((compiledSesFeedbackParser as (input: unknown) => unknown)(detail) !== INVALID) accepted++;
          const problem = sesDisagreement(detail);
          if (problem) found.push(`${problem} (${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)})`);
        }
      }
    }
    expect(found).toEqual([]);
    expect(accepted).toBeGreaterThan(comparisons / 10);
    expect(accepted).toBeLessThan(comparisons * 0.9);
  });

  it('agree with zod on random changes to several fields at once', () => {
    const change = fc.constantFrom(...detailTypes).chain((type) =>
      fc.record({
        type: fc.constant(type),
        changes: fc.array(
          fc.tuple(
            fc.constantFrom(...pathsOf(exampleOf(type))),
            fc.oneof(fc.constantFrom(...EDGE_VALUES), fc.jsonValue()),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    );
    fc.assert(
      fc.property(change, ({ type, changes }) => {
        const detail = changes.reduce<unknown>(
          (current, [path, value]) => withValueAt(current, path, value),
          exampleOf(type),
        );
        expect(disagreement(type, detail)).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the way back to zod alone (one line in events/parsers.ts)', () => {
  /** The parsing modules as they are with events/parsers.ts answering from `module`, whichever it names now. */
  async function parsingWith(module: () => Promise<unknown>) {
    vi.resetModules();
    vi.doMock('../../../events/parsers', module);
    try {
      return {
        parsers: await import('../../../events/parsers'),
        validation: await import('../../../events/validation'),
        handlers: await import('../../../events/handler-parsing'),
        ses: await import('../../../events/ses-feedback'),
      };
    } finally {
      vi.doUnmock('../../../events/parsers');
      vi.resetModules();
    }
  }

  /** A parse's answer: the detail, or the problems it was refused for (the error classes differ per module graph). */
  const answer = async (parse: () => unknown) => {
    try {
      return { detail: await parse() };
    } catch (error) {
      return { refused: (error as { problems?: string[] }).problems ?? String(error) };
    }
  };

  it('parses every event and SES record as the compiled parsers do: the same details, the same problems', async () => {
    const compiledWay = await parsingWith(() => import('../../../events/event-parsers.generated'));
    const zodWay = await parsingWith(() => import('../../../events/zod-parsers'));
    // Else the comparison below compares one way with itself.
    expect(compiledWay.parsers.INVALID.description).toBe('not accepted by the compiled parser');
    expect(zodWay.parsers.INVALID.description).toBe('not accepted by the schema');

    const found: string[] = [];
    for (const type of detailTypes) {
      for (const path of pathsOf(exampleOf(type))) {
        for (const value of EDGE_VALUES) {
          const detail = withValueAt(exampleOf(type), path, value);
          const source = EVENT_SOURCES[type];
          const [validated, validatedBack, handled, handledBack] = await Promise.all([
            answer(() => compiledWay.validation.parseEvent(source, type, detail)),
            answer(() => zodWay.validation.parseEvent(source, type, detail)),
            answer(() => compiledWay.handlers.parseHandledEvent(type, source, type, JSON.stringify(detail))),
            answer(() => zodWay.handlers.parseHandledEvent(type, source, type, JSON.stringify(detail))),
          ]);
          if (!isDeepStrictEqual(validated, validatedBack) || !isDeepStrictEqual(handled, handledBack))
            found.push(`${type} ${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`);
        }
      }
    }
    for (const record of sesRecords) {
      for (const path of pathsOf(record)) {
        for (const value of EDGE_VALUES) {
          const detail = withValueAt(record, path, value);
          const [compiledAnswer, zodAnswer] = await Promise.all([
            compiledWay.ses.parseSesFeedbackDetail(detail),
            zodWay.ses.parseSesFeedbackDetail(detail),
          ]);
          if (!isDeepStrictEqual(compiledAnswer, zodAnswer))
            found.push(`SES ${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

type Path = (string | number)[];

/** Every path to a value inside a detail, objects and array items, at any depth, and one new key beside each object's. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return [
      ...value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]),
      [...prefix, value.length],
    ];
  if (value && typeof value === 'object')
    return [
      ...Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]),
      [...prefix, 'unknownField'],
    ];
  return [];
}

/** A copy of `detail` with `value` at `path` (undefined drops the field). */
function withValueAt(detail: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(detail) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    parent = parent[key] as Record<string | number, unknown>;
    // An earlier change replaced an object on the way: nothing left to change here.
    if (!parent || typeof parent !== 'object') return copy;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** Around every bound the contract sets (pain 0-10, 5-480 minutes, list and text lengths), its formats and its trimming. */
const EDGE_VALUES: unknown[] = [
  undefined,
  null,
  true,
  -1,
  0,
  0.25,
  1,
  2.5,
  4,
  5,
  7,
  10,
  11,
  12,
  100,
  101,
  365,
  366,
  480,
  481,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  '  padded  ',
  'line\r\nbreak',
  '\u0085',
  'x'.repeat(35),
  'x'.repeat(36),
  'x'.repeat(500),
  'x'.repeat(501),
  '𝄞'.repeat(500),
  'Europe/Berlin',
  'europe/berlin',
  'Mars/Olympus_Mons',
  'de-AT',
  'not a tag!',
  'patient',
  'clinic',
  'someone@example.org',
  'someone@@example',
  '2027-03-01',
  '2027-02-30',
  '2027-03-01T10:00:00+01:00',
  ' 2027-03-01T10:00:00Z ',
  '2027-02-30T10:00:00Z',
  '2027-03-01T10:00:00',
  [],
  ['neck'],
  Array.from({ length: 11 }, (_, index) => `area-${index}`),
  Array.from({ length: 51 }, (_, index) => `exercise-${index}`),
  [' neck ', ''],
  {},
  { reminders: false },
  { reminders: 'no' },
];
