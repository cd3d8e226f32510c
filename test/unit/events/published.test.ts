import * as z from 'zod/mini';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  detailTypes,
  eventCatalog,
  InvalidEventError,
  parsePublishedEvent,
  publishedCatalog,
  publishedDetailTypes,
  type PublishedDetailType,
  type PublishedEvent,
} from '../../../events';
import { loadExamples, publishedExamplesDirectory } from '../../support/examples';
import { fieldPaths } from '../../support/json-schema-fields';

const examples = loadExamples<PublishedDetailType>(publishedExamplesDirectory);

function exampleOf(detailType: PublishedDetailType, overrides: Record<string, unknown> = {}) {
  const example = examples.find((entry) => entry.DetailType === detailType);
  if (!example) throw new Error(`no example of ${detailType} in ${publishedExamplesDirectory}`);
  return { ...structuredClone(example.Detail), ...overrides };
}

function problemsOf(detailType: PublishedDetailType, detail: unknown): string[] {
  try {
    parsePublishedEvent(publishedCatalog[detailType].source, detailType, detail);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  return [];
}

const COMMON = ['eventId', 'occurredAt', 'clinicId'];
const EMAIL = [...COMMON, 'patientId', 'bookingId', 'kind', 'messageId'];

/** The contract's table "What CareLoop publishes (1.1)": each event's source and every field it may carry. */
const CONTRACT: Record<PublishedDetailType, { source: string; fields: string[] }> = {
  EmailSent: { source: 'careloop.email', fields: EMAIL },
  EmailDelivered: { source: 'careloop.email', fields: EMAIL },
  EmailBounced: { source: 'careloop.email', fields: [...EMAIL, 'bounceType'] },
  EmailComplained: { source: 'careloop.email', fields: EMAIL },
  PatientUnsubscribed: { source: 'careloop.patients', fields: [...COMMON, 'patientId', 'from'] },
  PatientResponded: {
    source: 'careloop.patients',
    fields: [
      ...COMMON,
      'patientId',
      'bookingId',
      'responseId',
      'kind',
      'feeling',
      'painNow',
      'exercises',
      'exercises.exerciseId',
      'exercises.status',
      'warningSigns',
    ],
  },
  AttentionNeeded: { source: 'careloop.care', fields: [...COMMON, 'patientId', 'bookingId', 'reasons'] },
  PlanAtRisk: {
    source: 'careloop.care',
    fields: [...COMMON, 'patientId', 'planId', 'sessionsCompleted', 'plannedSessions', 'daysSinceLastSession'],
  },
  PatientDataExportReady: {
    source: 'careloop.patients',
    fields: [...COMMON, 'patientId', 'requestId', 'bucket', 'key', 'expiresAt'],
  },
  PatientErased: { source: 'careloop.patients', fields: [...COMMON, 'patientId', 'requestId'] },
};

describe('the published catalog', () => {
  it('holds exactly the events of the contract, each from its source', () => {
    expect(Object.fromEntries(publishedDetailTypes.map((type) => [type, publishedCatalog[type].source]))).toEqual(
      Object.fromEntries(Object.entries(CONTRACT).map(([type, { source }]) => [type, source])),
    );
  });

  it('shares no detail-type and no source with the events CareLoop accepts', () => {
    expect(publishedDetailTypes.filter((type) => (detailTypes as string[]).includes(type))).toEqual([]);
    for (const type of publishedDetailTypes) expect(publishedCatalog[type].source).toMatch(/^careloop\./);
    for (const type of detailTypes) expect(eventCatalog[type].source).toMatch(/^clinic\./);
  });

  it.each(publishedDetailTypes)('%s carries the fields the contract lists and no other', (detailType) => {
    const schema = z.toJSONSchema(publishedCatalog[detailType].schema, { io: 'input' }) as Record<string, unknown>;

    expect(fieldPaths(schema).sort()).toEqual([...CONTRACT[detailType].fields].sort());
  });
});

describe('the examples of published events (events/examples/published/)', () => {
  it('has exactly one example for every published detail-type', () => {
    expect(examples.map((example) => example.DetailType).sort()).toEqual([...publishedDetailTypes].sort());
  });

  it.each(examples.map((example) => [example.file, example] as const))('accepts %s as written', (_file, example) => {
    const parsed = parsePublishedEvent(example.Source, example.DetailType, JSON.stringify(example.Detail));

    expect(parsed).toEqual({ source: example.Source, detailType: example.DetailType, detail: example.Detail });
  });
});

describe('published details are closed', () => {
  it.each(publishedDetailTypes)(
    '%s refuses a field the contract does not list, naming neither it nor its value',
    (type) => {
      const problems = problemsOf(type, exampleOf(type, { email: 'alex.meyer@example.com' }));

      expect(problems).toEqual(['detail: must not have fields the contract does not list']);
    },
  );

  it('refuses a field added inside an exercise answer', () => {
    const detail = exampleOf('PatientResponded');
    (detail.exercises as Record<string, unknown>[])[0]!.note = 'hurts when I turn my head';

    expect(problemsOf('PatientResponded', detail)).toEqual([
      'exercises.0: must not have fields the contract does not list',
    ]);
  });
});

describe('the field rules of published events', () => {
  it.each([
    [
      'EmailSent',
      { kind: 'newsletter' },
      'kind: must be confirmation, reminder, reschedule, cancellation, missed, follow-up, check-in, plan-nudge or staff-alert',
    ],
    ['EmailSent', { messageId: 'not an id' }, 'messageId: must be 1-128 characters of A-Z a-z 0-9 . _ : -'],
    ['EmailSent', { bounceType: 'permanent' }, 'detail: must not have fields the contract does not list'],
    ['EmailBounced', { bounceType: 'undetermined' }, 'bounceType: must be permanent or transient'],
    ['EmailBounced', { bounceType: undefined }, 'bounceType: is required'],
    ['EmailDelivered', { patientId: undefined }, 'patientId: is required'],
    ['PatientUnsubscribed', { from: 'reminders' }, 'from: must be follow-ups'],
    ['PatientResponded', { kind: undefined }, 'kind: is required'],
    ['PatientResponded', { kind: 'maybe' }, 'kind: must be attendance-confirmed, change-requested or check-in'],
    ['PatientResponded', { painNow: 11 }, 'painNow: must be at most 10'],
    ['PatientResponded', { painNow: 2.5 }, 'painNow: must be an integer'],
    ['PatientResponded', { feeling: 'fine' }, 'feeling: must be better, same or worse'],
    ['PatientResponded', { warningSigns: 'yes' }, 'warningSigns: must be true or false'],
    ['PatientResponded', { exercises: undefined }, 'exercises: is required'],
    [
      'PatientResponded',
      { exercises: [{ exerciseId: 'chin-tuck', status: 'partly' }] },
      'exercises.0.status: must be done, skipped or too-painful',
    ],
    ['PatientResponded', { bookingId: undefined }, 'bookingId: is required'],
    ['AttentionNeeded', { reasons: [] }, 'reasons: must list at least 1 reason'],
    ['AttentionNeeded', { reasons: ['pain-increase', 'pain-increase'] }, 'reasons: must not list a reason twice'],
    [
      'AttentionNeeded',
      { reasons: ['bored'] },
      'reasons.0: must be feeling-worse, pain-increase, exercise-too-painful or warning-signs',
    ],
    ['PlanAtRisk', { daysSinceLastSession: -1 }, 'daysSinceLastSession: must be at least 0'],
    ['PlanAtRisk', { sessionsCompleted: '1' }, 'sessionsCompleted: must be a number'],
    [
      'PatientDataExportReady',
      { bucket: 'My_Exports' },
      'bucket: must be an S3 bucket name (3-63 characters of a-z 0-9 . -)',
    ],
    [
      'PatientDataExportReady',
      { key: 'exports/Alex Meyer.json' },
      'key: must be 1-1024 characters of A-Z a-z 0-9 . _ : / -',
    ],
    [
      'PatientDataExportReady',
      { expiresAt: '2027-04-17T11:00:04' },
      'expiresAt: must be an ISO 8601 date-time with an offset (Z or ±hh:mm)',
    ],
    ['PatientErased', { requestId: undefined }, 'requestId: is required'],
  ] as const)('%s with %j: %s', (detailType, overrides, problem) => {
    expect(problemsOf(detailType, exampleOf(detailType, overrides))).toEqual([problem]);
  });

  it.each([
    ['an email about no booking (a plan nudge)', 'EmailSent', { kind: 'plan-nudge', bookingId: undefined }],
    ['a bounce about no booking', 'EmailBounced', { bookingId: undefined }],
    ['a check-in answer with no feeling and no pain', 'PatientResponded', { feeling: undefined, painNow: undefined }],
    ['a check-in answer naming no exercise', 'PatientResponded', { exercises: [] }],
    ['a plan just agreed', 'PlanAtRisk', { sessionsCompleted: 0 }],
  ] as const)('accepts %s', (_case, detailType, overrides) => {
    expect(problemsOf(detailType, exampleOf(detailType, overrides))).toEqual([]);
  });

  it('keeps the check-in fields to check-in answers', () => {
    const { feeling: _f, painNow: _p, exercises: _e, warningSigns: _w, ...answer } = exampleOf('PatientResponded');

    expect(problemsOf('PatientResponded', { ...answer, kind: 'attendance-confirmed' })).toEqual([]);
    expect(problemsOf('PatientResponded', { ...answer, kind: 'change-requested', feeling: 'worse' })).toEqual([
      'detail: must not have fields the contract does not list',
    ]);
  });
});

describe('parsePublishedEvent', () => {
  it('names the source a published detail-type comes from', () => {
    expect(() => parsePublishedEvent('careloop.patients', 'PlanAtRisk', exampleOf('PlanAtRisk'))).toThrow(
      'source: must be careloop.care for PlanAtRisk',
    );
  });

  it('refuses an event CareLoop accepts but does not publish, without echoing the detail-type', () => {
    expect(() => parsePublishedEvent('clinic.booking', 'BookingCreated', {})).toThrow(
      'detail-type: not an event CareLoop publishes',
    );
    expect(() => parsePublishedEvent('careloop.care', 'Plan\r\nAtRisk', {})).toThrow(
      /^detail-type: not an event CareLoop publishes$/,
    );
  });

  it('refuses a detail that is not JSON, or that is nested far beyond the contract, before any schema', () => {
    expect(() => parsePublishedEvent('careloop.care', 'PlanAtRisk', '{not json')).toThrow('detail: is not valid JSON');
    let deep: unknown = {};
    for (let level = 0; level < 40; level++) deep = { deep };
    expect(() => parsePublishedEvent('careloop.care', 'PlanAtRisk', deep)).toThrow(
      /^detail: must not be nested deeper/,
    );
  });

  it('types the detail by its detail-type, and a response by its kind', () => {
    const event = parsePublishedEvent('careloop.patients', 'PatientResponded', exampleOf('PatientResponded'));

    expectTypeOf(event).toEqualTypeOf<PublishedEvent>();
    if (event.detailType === 'PatientResponded' && event.detail.kind === 'check-in') {
      expectTypeOf(event.source).toEqualTypeOf<'careloop.patients'>();
      expectTypeOf(event.detail.exercises[0]!.status).toEqualTypeOf<'done' | 'skipped' | 'too-painful'>();
      expectTypeOf(event.detail.painNow).toEqualTypeOf<number | undefined>();
      expect(event.detail.exercises).toHaveLength(2);
    } else {
      expect.unreachable('the example is a check-in answer');
    }
  });
});
