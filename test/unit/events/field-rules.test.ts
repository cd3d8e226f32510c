import { describe, expect, it } from 'vitest';
import { eventCatalog, InvalidEventError, parseDetail, parseEvent, type DetailType } from '../../../events';
import { exampleInput } from '../../support/examples';

/** A value no message could contain by accident. */
const MARKER = 'Zq9xMarker';

type Json = Record<string, unknown>;

/** The example of `detailType` with `change` applied to a copy. */
function exampleWith(detailType: DetailType, change: (detail: Json) => void): Json {
  const detail = exampleInput(detailType) as Json;
  change(detail);
  return detail;
}

const object = (value: unknown) => value as Json;

function problemsOf(detailType: DetailType, detail: unknown): string[] {
  try {
    parseDetail(detailType, detail);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  return [];
}

function expectRejected(detailType: DetailType, detail: unknown, field: string): string[] {
  const problems = problemsOf(detailType, detail);
  expect(problems, `expected ${field} to be rejected`).not.toEqual([]);
  expect(
    problems.some((problem) => problem.startsWith(`${field}: `)),
    problems.join('; '),
  ).toBe(true);
  return problems;
}

function expectAccepted(detailType: DetailType, detail: unknown): void {
  expect(problemsOf(detailType, detail)).toEqual([]);
}

describe('required fields', () => {
  it.each([
    ['BookingCreated', 'eventId'],
    ['BookingCreated', 'occurredAt'],
    ['BookingCreated', 'clinicId'],
    ['BookingCancelled', 'cancelledBy'],
    ['SessionCompleted', 'techniques'],
    ['TreatmentPlanCreated', 'patientId'],
  ] as const)('%s without %s is rejected with an error naming the field', (detailType, field) => {
    const detail = exampleWith(detailType, (d) => delete d[field]);

    expect(problemsOf(detailType, detail)).toEqual([`${field}: is required`]);
  });

  it('names the full path of a missing nested field', () => {
    const detail = exampleWith('BookingCreated', (d) => delete object(object(d.booking).service).name);

    expect(problemsOf('BookingCreated', detail)).toEqual(['booking.service.name: is required']);
  });

  it('tells a field of the wrong type from a missing one', () => {
    const detail = exampleWith('SessionCompleted', (d) => (d.painBefore = 'seven'));

    expect(problemsOf('SessionCompleted', detail)).toEqual(['painBefore: must be a number']);
  });

  it('does not require fields the contract marks optional', () => {
    const detail = exampleWith('BookingCreated', (d) => {
      delete object(d.booking).location;
      delete object(d.patient).lastName;
      delete object(d.patient).locale;
      delete object(d.patient).consent;
    });

    expectAccepted('BookingCreated', detail);
  });
});

describe('leniency the contract promises', () => {
  it('ignores and strips fields it does not know', () => {
    const detail = exampleWith('BookingCancelled', (d) => {
      d.extra = { nested: true };
      d.schemaVersion = 2;
    });

    const parsed = parseDetail('BookingCancelled', detail);

    expect(parsed).not.toHaveProperty('extra');
    expect(parsed).not.toHaveProperty('schemaVersion');
  });

  it('trims strings', () => {
    const detail = exampleWith('BookingCreated', (d) => {
      d.eventId = '  evt-1  ';
      object(object(d.booking).service).code = '\tswedish-60\n';
      object(d.patient).firstName = '  Alex ';
      object(d.patient).email = ' alex@example.com ';
    });

    const parsed = parseDetail('BookingCreated', detail);

    expect(parsed.eventId).toBe('evt-1');
    expect(parsed.booking.service.code).toBe('swedish-60');
    expect(parsed.patient.firstName).toBe('Alex');
    expect(parsed.patient.email).toBe('alex@example.com');
  });

  it('rejects a string that is only whitespace', () => {
    const detail = exampleWith('BookingCreated', (d) => (object(object(d.booking).service).code = '   '));

    expectRejected('BookingCreated', detail, 'booking.service.code');
  });

  it('keeps consent absent rather than defaulting it', () => {
    const detail = exampleWith('BookingCreated', (d) => delete object(d.patient).consent);

    expect(parseDetail('BookingCreated', detail).patient.consent).toBeUndefined();
  });
});

describe('control characters in fields that can reach an email header', () => {
  const headerFields: Array<[DetailType, string, (d: Json, value: string) => void]> = [
    ['BookingCreated', 'patient.firstName', (d, v) => (object(d.patient).firstName = v)],
    ['BookingCreated', 'patient.lastName', (d, v) => (object(d.patient).lastName = v)],
    ['BookingCreated', 'patient.email', (d, v) => (object(d.patient).email = v)],
    ['BookingCreated', 'booking.service.name', (d, v) => (object(object(d.booking).service).name = v)],
    ['BookingCreated', 'booking.therapist.name', (d, v) => (object(object(d.booking).therapist).name = v)],
    ['SessionCompleted', 'therapist.name', (d, v) => (object(d.therapist).name = v)],
    ['BookingRescheduled', 'therapist.name', (d, v) => (d.therapist = { therapistId: 'th-1', name: v })],
    ['ContactPreferencesUpdated', 'email', (d, v) => (d.email = v)],
  ];
  const injections: Array<[string, string]> = [
    ['CR', 'a@example.com\rBcc: x@example.com'],
    ['TAB', 'a@example.com\t'],
    ['LF', 'a@example.com\nBcc: x@example.com'],
    ['NUL', 'a@example.com\u0000'],
    ['trailing CRLF', 'a@example.com\r\n'],
  ];

  for (const [detailType, field, set] of headerFields) {
    it.each(injections)(`rejects ${detailType} ${field} with %s`, (_name, value) => {
      const detail = exampleWith(detailType, (d) => set(d, value));

      expect(expectRejected(detailType, detail, field)).toContain(`${field}: must not contain control characters`);
    });
  }
});

describe('characters that disguise what a patient reads (contract 1.1)', () => {
  const shownFields: Array<[DetailType, string, (d: Json, value: string) => void]> = [
    ['BookingCreated', 'patient.firstName', (d, v) => (object(d.patient).firstName = v)],
    ['BookingCreated', 'patient.lastName', (d, v) => (object(d.patient).lastName = v)],
    ['BookingCreated', 'booking.service.name', (d, v) => (object(object(d.booking).service).name = v)],
    ['BookingCreated', 'booking.therapist.name', (d, v) => (object(object(d.booking).therapist).name = v)],
    ['BookingCreated', 'booking.location.name', (d, v) => (object(d.booking).location = { name: v })],
    ['BookingCreated', 'booking.location.address', (d, v) => (object(d.booking).location = { address: v })],
    ['BookingRescheduled', 'therapist.name', (d, v) => (d.therapist = { therapistId: 'th-1', name: v })],
    ['BookingCancelled', 'reason', (d, v) => (d.reason = v)],
    ['SessionCompleted', 'therapist.name', (d, v) => (object(d.therapist).name = v)],
    ['SessionCompleted', 'selfCare.note', (d, v) => (d.selfCare = { note: v })],
  ];
  const disguises: Array<[string, string]> = [
    ['next line U+0085', 'Deep tissue\u0085ORGANIZER:mailto:x@example.com'],
    ['line separator U+2028', 'Deep tissue\u2028URL:https://example.com'],
    ['paragraph separator U+2029', 'Deep tissue\u2029ATTENDEE:mailto:x@example.com'],
    ['right-to-left override U+202E', 'Alex \u202Eexe.txt'],
    ['left-to-right embedding U+202A', 'Alex\u202A'],
    ['first strong isolate U+2068', '\u2068Alex\u2069'],
    ['zero-width space U+200B', 'Al\u200Bex'],
    ['byte-order mark U+FEFF', '\uFEFFAlex'],
  ];

  for (const [detailType, field, set] of shownFields) {
    it.each(disguises)(`rejects ${detailType} ${field} with a %s, naming the field`, (_name, value) => {
      const problems = expectRejected(
        detailType,
        exampleWith(detailType, (d) => set(d, value)),
        field,
      );
      expect(problems.join('; ')).not.toContain(value);
    });

    it(`accepts ${detailType} ${field} with the zero-width joiner and non-joiner some scripts need`, () => {
      expectAccepted(
        detailType,
        exampleWith(detailType, (d) => set(d, 'मि\u200Dत्र\u200Cन')),
      );
    });
  }

  it('names the rule in the error, never the value', () => {
    const detail = exampleWith('BookingCancelled', (d) => (d.reason = `${MARKER}\u202E`));
    expect(problemsOf('BookingCancelled', detail)).toEqual([
      'reason: must not contain line or paragraph separators, bidirectional controls, zero-width spaces or byte-order marks',
    ]);
  });
});

describe('identifiers', () => {
  it.each(['evt 1', 'evt/1', 'x'.repeat(129), ''])('rejects eventId %j', (eventId) => {
    expectRejected(
      'BookingCancelled',
      exampleWith('BookingCancelled', (d) => (d.eventId = eventId)),
      'eventId',
    );
  });

  it.each(['evt-1', 'a.b_c:d-E', 'x'.repeat(128)])('accepts eventId %j', (eventId) => {
    expectAccepted(
      'BookingCancelled',
      exampleWith('BookingCancelled', (d) => (d.eventId = eventId)),
    );
  });

  it.each(['Riverside', 'river_side', 'x'.repeat(65), ''])('rejects clinicId %j', (clinicId) => {
    expectRejected(
      'BookingCancelled',
      exampleWith('BookingCancelled', (d) => (d.clinicId = clinicId)),
      'clinicId',
    );
  });

  it.each(['riverside', 'clinic-42', 'x'.repeat(64)])('accepts clinicId %j', (clinicId) => {
    expectAccepted(
      'BookingCancelled',
      exampleWith('BookingCancelled', (d) => (d.clinicId = clinicId)),
    );
  });
});

describe('times and dates', () => {
  it.each(['2027-03-01T09:12:00', '2027-03-01', '2027-02-30T09:00:00Z', 'yesterday'])(
    'rejects occurredAt %j',
    (occurredAt) => {
      expectRejected(
        'BookingCancelled',
        exampleWith('BookingCancelled', (d) => (d.occurredAt = occurredAt)),
        'occurredAt',
      );
    },
  );

  it.each(['2027-03-01T09:12:00Z', '2027-03-01T09:12:00+01:00', '2027-03-01T09:12:00.250-05:30'])(
    'accepts occurredAt %j',
    (occurredAt) => {
      expectAccepted(
        'BookingCancelled',
        exampleWith('BookingCancelled', (d) => (d.occurredAt = occurredAt)),
      );
    },
  );

  it('rejects a startsAt without offset', () => {
    const detail = exampleWith('BookingRescheduled', (d) => (d.startsAt = '2027-03-04T10:00:00'));

    expectRejected('BookingRescheduled', detail, 'startsAt');
  });

  it.each(['03/03/2027', '2027-3-3', '2027-02-30', '2027-03-03T00:00:00Z'])('rejects plan.startsOn %j', (startsOn) => {
    const detail = exampleWith('TreatmentPlanCreated', (d) => (object(d.plan).startsOn = startsOn));

    expectRejected('TreatmentPlanCreated', detail, 'plan.startsOn');
  });

  it.each(['Mars/Olympus', 'CET+1', '+01:00', ''])('rejects timezone %j', (timezone) => {
    const detail = exampleWith('BookingCreated', (d) => (object(d.booking).timezone = timezone));

    expectRejected('BookingCreated', detail, 'booking.timezone');
  });

  it.each(['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC'])('accepts timezone %j', (timezone) => {
    expectAccepted(
      'BookingCreated',
      exampleWith('BookingCreated', (d) => (object(d.booking).timezone = timezone)),
    );
  });
});

describe('numbers and lists', () => {
  const setDuration = (value: unknown) =>
    exampleWith('BookingCreated', (d) => (object(d.booking).durationMinutes = value));

  it.each([4, 481, 30.5, '60'])('rejects durationMinutes %j', (value) => {
    expectRejected('BookingCreated', setDuration(value), 'booking.durationMinutes');
  });

  it.each([5, 480])('accepts durationMinutes %j', (value) => {
    expectAccepted('BookingCreated', setDuration(value));
  });

  const setTechniques = (value: unknown) => exampleWith('SessionCompleted', (d) => (d.techniques = value));

  it.each([[[]], [Array.from({ length: 11 }, (_, i) => `t${i}`)], ['deep-tissue']])(
    'rejects techniques %j',
    (value) => {
      expectRejected('SessionCompleted', setTechniques(value), 'techniques');
    },
  );

  it.each([[['x']], [Array.from({ length: 10 }, (_, i) => `t${i}`)]])('accepts techniques %j', (value) => {
    expectAccepted('SessionCompleted', setTechniques(value));
  });

  it('accepts unknown technique codes', () => {
    expectAccepted('SessionCompleted', setTechniques(['bamboo-massage']));
  });

  it.each([-1, 11, 3.5])('rejects painBefore %j', (value) => {
    expectRejected(
      'SessionCompleted',
      exampleWith('SessionCompleted', (d) => (d.painBefore = value)),
      'painBefore',
    );
  });

  it.each([0, 10])('accepts painBefore %j', (value) => {
    expectAccepted(
      'SessionCompleted',
      exampleWith('SessionCompleted', (d) => (d.painBefore = value)),
    );
  });

  it('accepts a self-care note of 2000 characters and rejects 2001', () => {
    const withNote = (length: number) =>
      exampleWith('SessionCompleted', (d) => (object(d.selfCare).note = 'n'.repeat(length)));

    expectAccepted('SessionCompleted', withNote(2000));
    expectRejected('SessionCompleted', withNote(2001), 'selfCare.note');
  });

  it('limits an otherwise unbounded string to 500 characters', () => {
    const withReason = (length: number) => exampleWith('BookingCancelled', (d) => (d.reason = 'r'.repeat(length)));

    expectAccepted('BookingCancelled', withReason(500));
    expectRejected('BookingCancelled', withReason(501), 'reason');
  });

  const setPlan = (field: string, value: unknown) =>
    exampleWith('TreatmentPlanCreated', (d) => (object(d.plan)[field] = value));

  it.each([[[]], [['a', 'b', 'c', 'd', 'e', 'f', 'g']]])('rejects plan.goals %j', (goals) => {
    expectRejected('TreatmentPlanCreated', setPlan('goals', goals), 'plan.goals');
  });

  it.each([[['a']], [['a', 'b', 'c', 'd', 'e', 'f']]])('accepts plan.goals %j', (goals) => {
    expectAccepted('TreatmentPlanCreated', setPlan('goals', goals));
  });

  it.each([0, 101, 2.5])('rejects plan.plannedSessions %j', (value) => {
    expectRejected('TreatmentPlanCreated', setPlan('plannedSessions', value), 'plan.plannedSessions');
  });

  it.each([1, 100])('accepts plan.plannedSessions %j', (value) => {
    expectAccepted('TreatmentPlanCreated', setPlan('plannedSessions', value));
  });

  it.each([0.2, 7.5, 0])('rejects plan.sessionsPerWeek %j', (value) => {
    expectRejected('TreatmentPlanCreated', setPlan('sessionsPerWeek', value), 'plan.sessionsPerWeek');
  });

  it.each([0.25, 2.5, 7])('accepts plan.sessionsPerWeek %j', (value) => {
    expectAccepted('TreatmentPlanCreated', setPlan('sessionsPerWeek', value));
  });
});

describe('enums, consent and locale', () => {
  it.each(['therapist', 'Patient', ''])('rejects cancelledBy %j', (value) => {
    const problems = expectRejected(
      'BookingCancelled',
      exampleWith('BookingCancelled', (d) => (d.cancelledBy = value)),
      'cancelledBy',
    );
    expect(problems).toEqual(['cancelledBy: must be patient or clinic']);
  });

  it.each(['patient', 'clinic'])('accepts cancelledBy %j', (value) => {
    expectAccepted(
      'BookingCancelled',
      exampleWith('BookingCancelled', (d) => (d.cancelledBy = value)),
    );
  });

  it('accepts ContactPreferencesUpdated without email or consent', () => {
    const detail = exampleWith('ContactPreferencesUpdated', (d) => delete d.consent);

    expectAccepted('ContactPreferencesUpdated', detail);
  });

  it('rejects a consent flag that is not a boolean', () => {
    const detail = exampleWith('ContactPreferencesUpdated', (d) => (d.consent = { followUps: 'no' }));

    expectRejected('ContactPreferencesUpdated', detail, 'consent.followUps');
  });

  it.each(['en', 'de-AT', 'zh-Hant-TW'])('accepts locale %j', (value) => {
    expectAccepted(
      'BookingCreated',
      exampleWith('BookingCreated', (d) => (object(d.patient).locale = value)),
    );
  });

  it.each(['english!', 'e', ''])('rejects locale %j', (value) => {
    expectRejected(
      'BookingCreated',
      exampleWith('BookingCreated', (d) => (object(d.patient).locale = value)),
      'patient.locale',
    );
  });
});

describe('error messages', () => {
  const distinctive: Array<[DetailType, string, (d: Json) => void]> = [
    ['BookingCreated', 'patient.email', (d) => (object(d.patient).email = `${MARKER}-not-an-email`)],
    ['BookingCreated', 'patient.firstName', (d) => (object(d.patient).firstName = `${MARKER}\r\nBcc: x`)],
    ['BookingCreated', 'booking.timezone', (d) => (object(d.booking).timezone = `${MARKER}/Nowhere`)],
    ['BookingCreated', 'patient.locale', (d) => (object(d.patient).locale = `${MARKER}!`)],
    ['BookingCancelled', 'eventId', (d) => (d.eventId = `${MARKER} id`)],
    ['BookingCancelled', 'cancelledBy', (d) => (d.cancelledBy = MARKER)],
    ['BookingCancelled', 'occurredAt', (d) => (d.occurredAt = `${MARKER}T00:00`)],
    ['BookingCancelled', 'reason', (d) => (d.reason = MARKER.repeat(60))],
    ['SessionCompleted', 'painBefore', (d) => (d.painBefore = MARKER)],
    ['TreatmentPlanCreated', 'plan.startsOn', (d) => (object(d.plan).startsOn = MARKER)],
  ];

  it.each(distinctive)('%s %s: the message names the field, never the rejected value', (detailType, field, change) => {
    const detail = exampleWith(detailType, change);
    const source = eventCatalog[detailType].source;

    let thrown: unknown;
    try {
      parseEvent(source, detailType, JSON.stringify(detail));
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(InvalidEventError);
    const error = thrown as InvalidEventError;
    expect(error.problems.some((problem) => problem.startsWith(`${field}: `))).toBe(true);
    expect(error.message).not.toContain(MARKER);
    expect(JSON.stringify(error.problems)).not.toContain(MARKER);
  });

  it('does not echo an unknown source or detail-type', () => {
    const attempts = [
      () => parseEvent(`clinic.${MARKER}\r\n`, 'BookingCancelled', '{}'),
      () => parseEvent('clinic.booking', `${MARKER}Happened`, '{}'),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(InvalidEventError);
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain(MARKER);
      }
    }
  });

  it('names the expected source when the detail-type is sent from the wrong one', () => {
    expect(() => parseEvent('clinic.care', 'BookingCancelled', '{}')).toThrow(
      'source: must be clinic.booking for BookingCancelled',
    );
  });

  it('reports a detail that is not JSON without echoing it', () => {
    expect(() => parseEvent('clinic.booking', 'BookingCancelled', `{${MARKER}`)).toThrow('detail: is not valid JSON');
  });
});
