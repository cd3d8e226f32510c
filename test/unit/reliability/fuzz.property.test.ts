import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailTypes, eventCatalog, findEventDefinition, type DetailType } from '../../../events/catalog';
import { compiledParsers, INVALID } from '../../../events/event-parsers.generated';
import * as zodParsers from '../../../events/zod-parsers';
import { parseHandledEvent } from '../../../events/handler-parsing';
import { jsonSchemaFor, type JsonSchema } from '../../../events/json-schema';
import { InvalidEventError, parseEvent, type ParsedEvent } from '../../../events/validation';
import type { RecordChange } from '../../../shared/domain/ports';
import { contractEvent, deliver, journaled, runUseCase, type RejectedEvent } from '../../support/faults';
import { loadExamples } from '../../support/examples';
import { createMemoryDependencies } from '../../support/memory';

/**
 * Bad input gets a clear error naming the field, and nothing is half-written. Thousands of
 * events, grown from the contract's examples by random mutations (fields dropped, nulled,
 * retyped, oversized, laced with control characters or unusual unicode, numbers out of range,
 * nested garbage, extra fields, swapped detail-types) and from random JSON, go through the
 * handler's path (shared/runtime/handlers.ts, mirrored by `deliver`). Each one either parses,
 * and its use case then runs without throwing, sends every email it claims and changes nothing
 * more when run again; or it is rejected with an InvalidEventError whose problems name fields
 * and rules only (never an injected value), before any read or write of the store.
 */

/** Planted in every injected string: it must never come back in a problem. */
const SENTINEL = 'Zx7SentinelQ';
const NOW = new Date('2027-03-01T10:00:00Z');
const RUNS_PER_TYPE = 1_500;
const RANDOM_RUNS = 1_500;
const MINIMUM_EVENTS = 10_000;

const CONTROL_CHARACTERS = ['\r\n', '\n', '\r', '\u0000', '\t', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u009b'];
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

type Path = (string | number)[];
type Json = Record<string | number, unknown>;

/** Plain objects and arrays: never a prototype itself, which a mutation must not write to. */
const isContainer = (value: unknown): value is Json =>
  Array.isArray(value) ||
  (typeof value === 'object' &&
    value !== null &&
    value !== Object.prototype &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null));

/** Every path to a value inside plain objects and arrays (Maps, boxed values and the like are leaves). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (!isContainer(value)) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

function parentOf(root: Json, path: Path, create: boolean): Json | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (!isContainer(node)) return undefined;
    if (create && node[key] === undefined) node[key] = {};
    node = node[key];
  }
  return isContainer(node) ? node : undefined;
}

/** Sets an own property even for `__proto__`, so the mutation is data, not a prototype change. */
function put(target: Json, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Field paths of a detail-type as the JSON Schema export describes them; array items are `*`. */
function fieldPaths(schema: JsonSchema, prefix = ''): string[] {
  const here = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const items = schema.items as JsonSchema | undefined;
  return [
    ...Object.entries(properties).flatMap(([key, child]) => [here(key), ...fieldPaths(child, here(key))]),
    ...(items ? [here('*'), ...fieldPaths(items, here('*'))] : []),
  ];
}

const knownPaths = Object.fromEntries(
  detailTypes.map((type) => [type, new Set(fieldPaths(jsonSchemaFor(type)))]),
) as Record<DetailType, Set<string>>;
const exampleEntries = loadExamples().map((entry) => [entry.DetailType, entry.Detail] as const);
const examples = Object.fromEntries(exampleEntries) as Record<DetailType, Json>;

// ---------------------------------------------------------------------------------------------
// Values

const sentinelText = fc.string({ unit: 'binary', maxLength: 20 }).map((text) => `${SENTINEL}${text}`);

/** Values that break a field: wrong types, out-of-range numbers, oversized or hostile strings, garbage. */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(true, false, 0, -0, -1, 1, 4, 11, 101, 366, 481, 2.5, 0.1, 0.24, 7.01, 1e9, 1e308, -1e308),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2),
  fc.integer(),
  fc.double(),
  sentinelText,
  fc
    .oneof(fc.integer({ min: 480, max: 2_100 }), fc.integer({ min: 1, max: 50_000 }))
    .map((length) => `${SENTINEL}${'x'.repeat(length)}`),
  fc
    .tuple(fc.constantFrom(...CONTROL_CHARACTERS), fc.boolean())
    .map(([control, leading]) =>
      leading ? `${control}${SENTINEL}` : `${SENTINEL}@example.com${control}Bcc: victim@example.com`,
    ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((text) => `${SENTINEL}${text}`),
  fc.constantFrom(
    `${SENTINEL}@`,
    `@${SENTINEL}`,
    `${SENTINEL}@example.com@example.com`,
    `2027-03-01T09:12:00Z${SENTINEL}`,
    `Europe/${SENTINEL}`,
    `en-${SENTINEL}`,
    `${SENTINEL}\u202e\u200b\ufeff`,
    `\ud800${SENTINEL}`,
    '2027-02-30T10:00:00Z',
    '2027-03-01T09:12:00',
    '2027-13-01T00:00:00Z',
    '2027-03-01T24:00:00+01:00',
    '2027-03-01',
    '27-03-01T10:00:00Z',
    'Mars/Olympus_Mons',
    '',
    '   ',
  ),
  fc.array(sentinelText, { maxLength: 15 }),
  fc.array(fc.jsonValue(), { maxLength: 15 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ [SENTINEL]: value, nested: [SENTINEL, { deep: value }] })),
  fc.anything({
    maxDepth: 3,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
);

const isoInstant = fc
  .tuple(
    fc.date({ min: new Date('2026-06-01T00:00:00Z'), max: new Date('2028-06-01T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom('Z', '+00:00', '+01:00', '-05:30', '+14:00', '-12:00', '.123Z'),
  )
  .map(([date, offset]) => {
    const base = date.toISOString().slice(0, 19);
    if (offset === 'Z' || offset === '.123Z') return `${base}${offset}`;
    const sign = offset.startsWith('-') ? -1 : 1;
    const [hours, minutes] = offset.slice(1).split(':').map(Number) as [number, number];
    const local = new Date(date.getTime() + sign * (hours * 60 + minutes) * 60_000);
    return `${local.toISOString().slice(0, 19)}${offset}`;
  });

const name = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .filter((value) => !CONTROL.test(value) && value.trim().length > 0);
const freeText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }).filter((value) => value.trim() !== '');
const codes = (...known: string[]) =>
  fc.array(fc.oneof(fc.constantFrom(...known), fc.stringMatching(/^[a-z][a-z-]{0,20}$/), freeText), {
    minLength: 1,
    maxLength: 6,
  });
const padded = <T>(value: fc.Arbitrary<T>) =>
  fc
    .tuple(value, fc.constantFrom('', ' ', '  \t'))
    .map(([inner, pad]) => (typeof inner === 'string' ? `${pad}${inner}${pad}` : inner));

/** One valid value per field name: mutations that keep an event valid reach the domain. */
const validValues = fc.record({
  eventId: padded(fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/)),
  clinicId: fc.oneof(fc.constant('riverside'), fc.stringMatching(/^[a-z0-9-]{1,20}$/)),
  bookingId: fc.oneof(fc.constant('bk-20270303-0001'), fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/)),
  patientId: fc.oneof(fc.constant('pt-0042'), fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/)),
  planId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/),
  therapistId: freeText,
  occurredAt: padded(isoInstant),
  startsAt: isoInstant,
  completedAt: isoInstant,
  startsOn: fc
    .date({ min: new Date('2026-01-01'), max: new Date('2029-01-01'), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10)),
  durationMinutes: fc.integer({ min: 5, max: 480 }),
  timezone: fc.constantFrom(...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/GMT+12', 'Etc/GMT-14'),
  locale: fc.constantFrom('en', 'de', 'de-AT', 'fr-CA', 'es-419', 'ar-EG', 'zh-Hant-TW', 'he', 'tr', 'ja', 'sr-Latn'),
  email: padded(fc.emailAddress()),
  firstName: name,
  lastName: name,
  name,
  code: freeText,
  address: freeText,
  reason: freeText,
  note: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2_000 }).filter((value) => value.trim() !== ''),
  cancelledBy: fc.constantFrom('patient', 'clinic'),
  reminders: fc.boolean(),
  followUps: fc.boolean(),
  painBefore: fc.integer({ min: 0, max: 10 }),
  painAfter: fc.integer({ min: 0, max: 10 }),
  nextVisitInDays: fc.integer({ min: 1, max: 365 }),
  plannedSessions: fc.integer({ min: 1, max: 100 }),
  sessionsPerWeek: fc.double({ min: 0.25, max: 7, noNaN: true }),
  techniques: codes('deep-tissue', 'myofascial-release', 'trigger-point', 'swedish', 'sports', 'stretching'),
  focusAreas: codes('neck', 'shoulders', 'upper-back', 'lower-back', 'hips', 'jaw'),
  exercises: codes('chin-tuck', 'doorway-chest-stretch', 'neck-rotation', 'upper-trapezius-stretch'),
  goals: codes('pain-relief', 'mobility', 'stress-reduction', 'injury-recovery'),
});
type ValidValues = typeof validValues extends fc.Arbitrary<infer V> ? V : never;

// ---------------------------------------------------------------------------------------------
// Mutations

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'garbage'; at: number; value: unknown }
  | { kind: 'valid'; at: number }
  | { kind: 'wrap'; at: number; affix: string; before: boolean }
  | { kind: 'extra'; at: number; key: string; value: unknown }
  | { kind: 'root'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), value: garbage }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('valid' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('wrap' as const),
      at: fc.nat(),
      affix: fc.oneof(
        fc.constantFrom(' ', '\t ', '\u00a0'),
        fc.constantFrom(...CONTROL_CHARACTERS).map((control) => `${control}${SENTINEL}`),
        fc.constantFrom('\u200b', '\u2028', '\u202e', '\ud83d\ude00', 'e\u0301').map((mark) => `${mark}${SENTINEL}`),
        fc.integer({ min: 1, max: 3_000 }).map((length) => SENTINEL.repeat(Math.ceil(length / SENTINEL.length))),
      ),
      before: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      at: fc.nat(),
      key: fc.oneof(
        sentinelText,
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'medicalHistory'),
      ),
      value: garbage,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('root' as const), value: garbage }) },
);

/** Applies the mutations in turn; positions (`at`) index the paths the detail has at that moment. */
function mutate(type: DetailType, mutations: Mutation[], valid: ValidValues): unknown {
  let detail: unknown = structuredClone(examples[type]);
  for (const step of mutations) {
    if (step.kind === 'root') {
      detail = step.value;
      continue;
    }
    if (!isContainer(detail)) continue;
    const root = detail;
    const existing = pathsOf(root);
    if (step.kind === 'valid') {
      // Known fields the detail lacks (optional ones, dropped ones) can be added back.
      const absent = [...knownPaths[type]]
        .filter((path) => !path.includes('*'))
        .map((path) => path.split('.'))
        .filter((path) => !existing.some((other) => other.join('.') === path.join('.')));
      const candidates = [...existing, ...absent];
      const path = candidates[step.at % candidates.length]!;
      const last = path.at(-1)!;
      const key = String(typeof last === 'number' ? path.at(-2) : last);
      // Own values only: a key the mutations added (`__proto__`, `constructor`) would otherwise
      // read an inherited one, and `__proto__` would plant Object.prototype itself in the detail,
      // where a later mutation would write to it and corrupt every object of the test's process.
      const value: unknown = Object.hasOwn(valid, key) ? (valid as Record<string, unknown>)[key] : undefined;
      // Objects (booking, patient, therapist, ...) have no single valid value: their fields get one.
      if (value === undefined) continue;
      const parent = parentOf(root, path, true);
      if (parent) put(parent, last, typeof last === 'number' && Array.isArray(value) ? value[0] : value);
      continue;
    }
    if (step.kind === 'extra') {
      const objects = [[], ...existing].filter((path) => {
        const node = path.length === 0 ? root : parentOf(root, [...path, 'x'], false);
        return node !== undefined && !Array.isArray(node);
      });
      if (objects.length === 0) continue;
      const path = objects[step.at % objects.length]!;
      const target = path.length === 0 ? root : parentOf(root, [...path, 'x'], false)!;
      put(target, step.key, step.value);
      continue;
    }
    if (existing.length === 0) continue;
    const path = existing[step.at % existing.length]!;
    const parent = parentOf(root, path, false);
    if (!parent) continue;
    const last = path.at(-1)!;
    if (step.kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (step.kind === 'garbage') {
      put(parent, last, step.value);
    } else if (typeof parent[last] === 'string') {
      put(parent, last, step.before ? `${step.affix}${parent[last]}` : `${parent[last]}${step.affix}`);
    }
  }
  return detail;
}

type Envelope =
  | { kind: 'contract' }
  | { kind: 'other-type'; type: DetailType }
  | { kind: 'other-source'; source: string }
  | { kind: 'garbage'; source: unknown; detailType: unknown };

const hostileName = fc.oneof(
  sentinelText,
  fc.constantFrom(undefined, null, 42, '', 'BookingCreated ', 'bookingcreated', '__proto__', 'constructor', 'toString'),
);

const envelope: fc.Arbitrary<Envelope> = fc.oneof(
  { weight: 16, arbitrary: fc.constant({ kind: 'contract' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('other-type' as const), type: fc.constantFrom(...detailTypes) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('other-source' as const),
      source: fc.oneof(fc.constantFrom('clinic.booking', 'clinic.care', 'clinic.patients'), sentinelText),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      source: fc.oneof(fc.constantFrom('clinic.booking', 'clinic.care'), hostileName),
      detailType: fc.oneof(fc.constantFrom(...detailTypes), hostileName),
    }),
  },
);

function envelopeFor(type: DetailType, chosen: Envelope): { source: unknown; detailType: unknown } {
  switch (chosen.kind) {
    case 'contract':
      return { source: eventCatalog[type].source, detailType: type };
    case 'other-type':
      return { source: eventCatalog[chosen.type].source, detailType: chosen.type };
    case 'other-source':
      return { source: chosen.source, detailType: type };
    case 'garbage':
      return { source: chosen.source, detailType: chosen.detailType };
  }
}

/** EventBridge hands the function a parsed object; a producer's Detail is JSON text. Both are accepted. */
const encode = (detail: unknown, asText: boolean) => (asText ? JSON.stringify(detail) : detail);

// ---------------------------------------------------------------------------------------------
// The checks

const PROBLEM = /^(?:detail-type|detail|source|(?<field>[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*)): \S/;
const totals = { events: 0, parsed: 0, rejected: 0, useCaseRuns: 0, emails: 0, rootProblems: 0, compiledAccepted: 0 };
const perType = Object.fromEntries(detailTypes.map((type) => [type, 0])) as Record<DetailType, number>;

let template: RecordChange[] = [];

/** A world holding the contract's story so far (plan, booking, session), or an empty one. */
async function freshWorld(seeded: boolean) {
  const world = createMemoryDependencies(NOW);
  if (seeded) await world.store.save(structuredClone(template));
  return world;
}

const idsIn = (detail: unknown) => {
  const found = {
    clinicId: new Set(['riverside']),
    bookingId: new Set(['bk-20270303-0001']),
    patientId: new Set(['pt-0042']),
  };
  for (const path of pathsOf(detail)) {
    const key = path.at(-1);
    if (key !== 'clinicId' && key !== 'bookingId' && key !== 'patientId') continue;
    const value = parentOf(detail as Json, path, false)?.[key];
    if (typeof value === 'string' && found[key].size < 4) found[key].add(value.trim());
  }
  return found;
};

/** What the Store API shows for the ids an event names, plus claims, schedules and the outbox. */
async function snapshot(world: Awaited<ReturnType<typeof freshWorld>>, detail: unknown) {
  const ids = idsIn(detail);
  const records: unknown[] = [];
  for (const clinicId of ids.clinicId) {
    for (const bookingId of ids.bookingId) records.push(await world.store.getBooking(clinicId, bookingId));
    for (const patientId of ids.patientId) records.push(await world.store.getPatientFile(clinicId, patientId));
  }
  return {
    records,
    claims: [...world.store.emailClaims.entries()],
    jobs: [...world.scheduler.jobs.entries()],
    sent: world.mailer.sent.length,
  };
}

/**
 * A cheap assertion for the hot path (vitest's `expect` costs more than the event does); the
 * failure message carries what fast-check needs to report and shrink the counterexample.
 */
function ensure(condition: boolean, message: string, details?: unknown): asserts condition {
  if (!condition) throw new Error(details === undefined ? message : `${message}: ${inspect(details, { depth: 4 })}`);
}

function ensureClearRejection(error: unknown, detailType: unknown) {
  ensure(error instanceof InvalidEventError, 'validation threw something other than InvalidEventError', error);
  const { problems, message } = error;
  ensure(problems.length > 0, 'an InvalidEventError without problems');
  for (const problem of problems) {
    ensure(!problem.includes(SENTINEL), 'a problem quotes the injected value', problem);
    if (problem.startsWith('detail: ')) totals.rootProblems++;
    const match = PROBLEM.exec(problem);
    ensure(match !== null, 'a problem that does not start with a field path', problem);
    const field = match.groups?.field;
    if (field) {
      // The path is one the contract defines for this detail-type (array items as `*`).
      const normalized = field.replace(/(^|\.)\d+(?=\.|$)/g, '$1*');
      ensure(
        knownPaths[detailType as DetailType]?.has(normalized) === true,
        'a problem names no contract field',
        problem,
      );
    }
  }
  ensure(!message.includes(SENTINEL), 'the error message quotes the injected value', message);
}

/**
 * The parser compiled from the schema (events/event-parsers.generated.ts) answers first: it must
 * answer as zod does (events/zod-parsers.ts, the way back), accepting what zod accepts with the
 * same output, so that a valid event never builds its schema, and refusing what zod refuses.
 */
function ensureCompiledParserAgrees(event: { source: unknown; detailType: unknown; detail: unknown }) {
  if (typeof event.source !== 'string' || typeof event.detailType !== 'string') return;
  const definition = findEventDefinition(event.source, event.detailType);
  if (!definition) return;
  let body = event.detail;
  try {
    if (typeof body === 'string') body = JSON.parse(body);
  } catch {
    return;
  }
  const compiled = (compiledParsers[definition.detailType] as (input: unknown) => unknown)(body);
  const zod = zodParsers.compiledParsers[definition.detailType](body);
  if (compiled !== INVALID) totals.compiledAccepted++;
  ensure(
    compiled === INVALID ? zod === zodParsers.INVALID : isDeepStrictEqual(compiled, zod),
    'the compiled parser and zod disagree',
    body,
  );
}

/**
 * The handlers parse with parseHandledEvent (compiled parser first, parseEvent for the rest):
 * for the function of the event's detail-type (BookingCancelled's for one outside the contract),
 * it must give what parseEvent gives, or refuse with the same problems.
 */
async function ensureHandlerParsingAgrees(
  event: { source: unknown; detailType: unknown; detail: unknown },
  parsed: ParsedEvent | undefined,
  failure: unknown,
) {
  const handled: DetailType = detailTypes.find((type) => type === event.detailType) ?? 'BookingCancelled';
  let answer: unknown;
  let refusal: unknown;
  try {
    answer = await parseHandledEvent(handled, event.source, event.detailType, event.detail);
  } catch (error) {
    refusal = error;
  }
  if (parsed && parsed.detailType === handled) {
    ensure(isDeepStrictEqual(answer, parsed.detail), 'the handler parsed it otherwise than parseEvent', event.detail);
    return;
  }
  ensure(refusal instanceof InvalidEventError, 'the handler accepted what parseEvent refuses', event.detail);
  if (failure instanceof InvalidEventError)
    ensure(isDeepStrictEqual(refusal.problems, failure.problems), 'the handler named other problems', refusal.problems);
}

/** One event through the handler's path, with every check. */
async function check(event: { source: unknown; detailType: unknown; detail: unknown }, seeded: boolean) {
  totals.events++;
  if (typeof event.detailType === 'string' && Object.hasOwn(perType, event.detailType)) {
    perType[event.detailType as DetailType]++;
  }
  const world = await freshWorld(seeded);
  let parsed: ParsedEvent | undefined;
  let failure: unknown;
  try {
    parsed = parseEvent(event.source, event.detailType, event.detail);
  } catch (error) {
    failure = error;
  }

  ensureCompiledParserAgrees(event);
  await ensureHandlerParsingAgrees(event, parsed, failure);

  const rejected: RejectedEvent[] = [];
  const journal = journaled(world.dependencies);
  const before = await snapshot(world, event.detail);

  if (!parsed) {
    totals.rejected++;
    ensureClearRejection(failure, event.detailType);
    const delivery = await deliver(journal.dependencies, event, { rejected });
    ensure(delivery.status === 'rejected' && rejected.length === 1, 'the handler did not reject it', delivery);
    // Rejected before the store, the scheduler or SES saw anything of it.
    ensure(journal.calls.length === 0, 'a rejected event reached a port', journal.calls);
    ensure(isDeepStrictEqual(await snapshot(world, event.detail), before), 'a rejected event changed the store');
    return;
  }

  totals.parsed++;
  totals.useCaseRuns++;
  const delivery = await deliver(journal.dependencies, event, { rejected });
  ensure(delivery.status === 'processed' && rejected.length === 0, 'a valid event was not processed', delivery);
  // Nothing half-done: every email claimed was sent and recorded, and no header can be split.
  for (const [key, claim] of world.store.emailClaims) ensure(claim.status === 'sent', 'a claim without a send', key);
  for (const email of world.mailer.sent) {
    const headers = [email.to, email.subject, ...email.headers.map((header) => header.value)];
    ensure(!headers.some((value) => CONTROL.test(value)), 'a control character in a header', headers);
  }
  totals.emails += world.mailer.sent.length - before.sent;

  // A redelivery that finds the event unmarked (the first invocation died at the very end)
  // sends nothing and changes nothing.
  const after = await snapshot(world, event.detail);
  totals.useCaseRuns++;
  await runUseCase(world.dependencies, parsed);
  ensure(isDeepStrictEqual(await snapshot(world, event.detail), after), 'running it again changed something');
}

const mutatedEvent = fc.record({
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  valid: validValues,
  envelope,
  asText: fc.boolean(),
  seeded: fc.boolean(),
});

const randomEvent = fc.record({
  source: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('clinic.booking', 'clinic.care', 'clinic.patients') },
    { weight: 1, arbitrary: hostileName },
  ),
  detailType: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...detailTypes) },
    { weight: 1, arbitrary: hostileName },
  ),
  detail: fc.oneof(
    fc.json(),
    fc.jsonValue(),
    fc.string(),
    fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withDate: true }),
    // Random objects over the contract's field names, so that parts of them pass.
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          ...new Set(detailTypes.flatMap((type) => [...knownPaths[type]].map((path) => path.split('.')[0]!))),
        ),
        sentinelText,
      ),
      fc.oneof(garbage, fc.jsonValue()),
      { maxKeys: 12 },
    ),
  ),
  seeded: fc.boolean(),
});

describe('fuzzed events: parsed and handled, or rejected clearly with nothing written', () => {
  beforeAll(async () => {
    const world = createMemoryDependencies(NOW);
    for (const type of ['TreatmentPlanCreated', 'BookingCreated', 'SessionCompleted'] as const) {
      await deliver(world.dependencies, contractEvent(type, examples[type]));
    }
    const booking = (await world.store.getBooking('riverside', 'bk-20270303-0001'))!;
    const file = await world.store.getPatientFile('riverside', 'pt-0042');
    template = [
      { type: 'booking', record: booking.record, version: undefined },
      { type: 'patient', record: file.patient!.record, version: undefined },
      ...file.sessions.map((entry): RecordChange => ({ type: 'session', record: entry.record, version: undefined })),
      ...file.plans.map((entry): RecordChange => ({ type: 'plan', record: entry.record, version: undefined })),
    ];
  });

  afterAll(() => {
    console.info(
      `reliability fuzz: ${totals.events} events (${detailTypes.map((type) => `${type} ${perType[type]}`).join(', ')}), ` +
        `${totals.parsed} parsed, ${totals.rejected} rejected, ${totals.useCaseRuns} use-case runs, ` +
        `${totals.emails} emails, ${totals.rootProblems} refused as a whole (detail: …)`,
    );
  });

  it.each(detailTypes)(
    '%s: mutated contract examples',
    async (type) => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(mutatedEvent, async ({ mutations, valid, envelope: chosen, asText, seeded }) => {
          runs++;
          const detail = mutate(type, mutations, valid);
          await check({ ...envelopeFor(type, chosen), detail: encode(detail, asText) }, seeded);
        }),
        { numRuns: RUNS_PER_TYPE },
      );
      expect(runs).toBeGreaterThanOrEqual(RUNS_PER_TYPE);
    },
    60_000,
  );

  it('random JSON and random values as details', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(randomEvent, async ({ seeded, ...event }) => {
        runs++;
        await check(event, seeded);
      }),
      { numRuns: RANDOM_RUNS },
    );
    expect(runs).toBeGreaterThanOrEqual(RANDOM_RUNS);
  }, 60_000);

  it(`ran at least ${MINIMUM_EVENTS} events, every detail-type among them`, () => {
    expect(totals.events).toBeGreaterThanOrEqual(MINIMUM_EVENTS);
    for (const type of detailTypes) expect(perType[type]).toBeGreaterThanOrEqual(RUNS_PER_TYPE / 2);
    // The fuzz is only worth something if both sides were exercised well.
    expect(totals.parsed).toBeGreaterThan(MINIMUM_EVENTS / 10);
    expect(totals.rejected).toBeGreaterThan(MINIMUM_EVENTS / 10);
    expect(totals.compiledAccepted).toBeGreaterThan(MINIMUM_EVENTS / 10);
  });
});

describe('a detail that is not an object', () => {
  // Found by this fuzz: root-level problems used to carry no field name at all.
  it.each([['null'], ['42'], ['[]'], ['"text"'], [undefined]])(
    'is rejected with a problem naming `detail` (detail %s)',
    (detail) => {
      expect(() => parseEvent('clinic.booking', 'BookingCancelled', detail)).toThrow(InvalidEventError);
      try {
        parseEvent('clinic.booking', 'BookingCancelled', detail);
      } catch (error) {
        for (const problem of (error as InvalidEventError).problems) expect(problem).toMatch(/^detail: \S/);
      }
    },
  );
});
