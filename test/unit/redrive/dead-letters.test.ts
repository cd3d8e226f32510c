import { describe, expect, it } from 'vitest';
import {
  idsOf,
  parseDeadLetterMessage,
  parseDeadLetterRecord,
  scheduledJobOf,
} from '../../../scripts/operations/dead-letters';
import { exampleInput } from '../../support/examples';

const stringAttributes = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));

/** An event as EventBridge hands it to a target, and so as a rule dead-letter queue keeps it. */
const eventBridgeEvent = (detailType: string, detail: unknown) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': detailType,
  source: detailType.startsWith('Booking') ? 'clinic.booking' : 'clinic.care',
  account: '123456789012',
  time: '2027-03-02T18:30:01Z',
  region: 'eu-central-1',
  resources: [],
  detail,
});

/** Lambda's record of an asynchronous invocation that failed every attempt (on-failure destination). */
const onFailureRecord = (requestPayload: unknown) => ({
  version: '1.0',
  timestamp: '2027-03-02T18:33:12.000Z',
  requestContext: {
    requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
    functionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-prod-booking-created:$LATEST',
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: {
    errorType: 'MailerError',
    errorMessage: 'the mail service refused the email (Throttling)',
    trace: [] as string[],
  } as Record<string, unknown> | null,
});

const created = exampleInput('BookingCreated');
const cancelled = exampleInput('BookingCancelled');

describe('parseDeadLetterMessage', () => {
  it('reads an on-failure record back into the EventBridge event its function was given', () => {
    const parsed = parseDeadLetterMessage({
      Body: JSON.stringify(onFailureRecord(eventBridgeEvent('BookingCreated', created))),
    });
    expect(parsed).toEqual({
      kind: 'event',
      format: 'on-failure',
      source: 'clinic.booking',
      detailType: 'BookingCreated',
      detail: created,
      // The error type only; the handler's message is not carried along.
      error: 'MailerError',
    });
  });

  it('falls back to the record condition when the response has no errorType (e.g. a timeout)', () => {
    const record = onFailureRecord(eventBridgeEvent('BookingCancelled', cancelled));
    record.responsePayload = null;
    record.requestContext.condition = 'EventAgeExceeded';
    expect(parseDeadLetterMessage({ Body: JSON.stringify(record) })).toMatchObject({
      kind: 'event',
      format: 'on-failure',
      error: 'EventAgeExceeded',
    });
  });

  it("reads an on-failure record of an earlier version's reminder function as a schedule input, not a bus event", () => {
    const input = {
      clinicId: 'riverside',
      bookingId: 'bk-1',
      startsAt: '2027-03-03T14:30:00.000Z',
      offsetMinutes: 1440,
    };
    expect(parseDeadLetterMessage({ Body: JSON.stringify(onFailureRecord(input)) })).toEqual({
      kind: 'schedule-input',
      format: 'on-failure',
      job: 'reminder',
      input,
      error: 'MailerError',
    });
  });

  it('reads a rule target dead letter: the EventBridge event, with the error code from the message attributes', () => {
    const parsed = parseDeadLetterMessage({
      Body: JSON.stringify(eventBridgeEvent('BookingCancelled', cancelled)),
      MessageAttributes: stringAttributes({
        ERROR_CODE: 'SDK_CLIENT_ERROR',
        ERROR_MESSAGE: 'Lambda returned 429',
        RULE_ARN: 'arn:aws:events:eu-central-1:123456789012:rule/clinic-events/careloop-prod-booking-cancelled',
        TARGET_ARN: 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-prod-booking-cancelled',
      }),
    });
    expect(parsed).toEqual({
      kind: 'event',
      format: 'rule-dlq',
      source: 'clinic.booking',
      detailType: 'BookingCancelled',
      detail: cancelled,
      error: 'SDK_CLIENT_ERROR',
    });
  });

  it('reads a rejected event, whose detail may be the raw text that was not JSON', () => {
    const record = {
      source: 'clinic.booking',
      detailType: 'BookingCreated',
      detail: '{"eventId": "evt-1", broken',
      error: 'detail: must be a JSON object',
      at: '2027-03-01T09:12:00.000Z',
    };
    expect(parseDeadLetterMessage({ Body: JSON.stringify(record) })).toEqual({
      kind: 'event',
      format: 'rejected',
      source: 'clinic.booking',
      detailType: 'BookingCreated',
      detail: record.detail,
      error: 'detail: must be a JSON object',
    });
  });

  it('reads the scheduler dead-letter queue: the target input, reminder or check-in', () => {
    const reminder = {
      clinicId: 'riverside',
      bookingId: 'bk-1',
      startsAt: '2027-03-03T14:30:00.000Z',
      offsetMinutes: 120,
    };
    const checkIn = { clinicId: 'riverside', patientId: 'pt-1', bookingId: 'bk-1' };
    const attributes = stringAttributes({
      ERROR_CODE: 'AWS.Lambda.TooManyRequestsException',
      SCHEDULE_ARN: 'arn:aws:scheduler:eu-central-1:123456789012:schedule/careloop-prod/rem-abc',
      TARGET_ARN: 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-prod-reminder-due',
    });
    expect(parseDeadLetterMessage({ Body: JSON.stringify(reminder), MessageAttributes: attributes })).toEqual({
      kind: 'schedule-input',
      format: 'scheduler-dlq',
      job: 'reminder',
      input: reminder,
      error: 'AWS.Lambda.TooManyRequestsException',
    });
    // Recognised by its shape alone too, should the attributes be missing.
    expect(parseDeadLetterMessage({ Body: JSON.stringify(checkIn) })).toMatchObject({
      kind: 'schedule-input',
      job: 'check-in',
      input: checkIn,
    });
    // A scheduler dead letter whose input is not one of ours is still a schedule input.
    expect(parseDeadLetterMessage({ Body: 'not json', MessageAttributes: attributes })).toMatchObject({
      kind: 'schedule-input',
      job: 'unknown',
      input: 'not json',
    });
  });

  it.each([
    ['no body', undefined],
    ['an empty body', '  '],
    ['a body that is not JSON', '{"source": "clinic.booking"'],
    ['a JSON array', '[1, 2]'],
    ['a JSON string', '"BookingCreated"'],
    ['an object of no known format', '{"hello": "world"}'],
    ['an event without detail-type', '{"source": "clinic.booking", "detail": {}}'],
    ['an on-failure record whose request is neither', JSON.stringify(onFailureRecord({ foo: 1 }))],
  ])('calls %s malformed, with the reason', (_name, body) => {
    const parsed = parseDeadLetterMessage({ Body: body });
    expect(parsed.kind).toBe('malformed');
    expect(parsed).toHaveProperty('problem', expect.any(String));
  });
});

describe('parseDeadLetterRecord (GET /_local/dead-letters)', () => {
  it('reads an event refused by the local bus or a handler', () => {
    expect(
      parseDeadLetterRecord({
        source: 'clinic.booking',
        detailType: 'BookingCancelled',
        detail: cancelled,
        error: 'boom',
        at: '2027-03-01T09:12:00.000Z',
      }),
    ).toMatchObject({ kind: 'event', format: 'rejected', detailType: 'BookingCancelled', detail: cancelled });
  });

  it('reads a local scheduler dead letter as a schedule input', () => {
    const input = {
      clinicId: 'riverside',
      bookingId: 'bk-1',
      startsAt: '2027-03-03T14:30:00.000Z',
      offsetMinutes: 1440,
    };
    expect(
      parseDeadLetterRecord({
        source: 'aws.scheduler',
        detailType: 'Scheduled Event',
        detail: { schedule: 'rem-abc', target: 'arn:…', input },
        error: 'boom',
        at: '2027-03-01T09:12:00.000Z',
      }),
    ).toEqual({ kind: 'schedule-input', format: 'scheduler-dlq', job: 'reminder', input, error: 'boom' });
  });

  it.each([null, 'text', [], { source: 'clinic.booking' }, { source: 1, detailType: 'BookingCreated', detail: {} }])(
    'calls %j malformed',
    (record) => expect(parseDeadLetterRecord(record).kind).toBe('malformed'),
  );
});

describe('ids for printing', () => {
  it('takes ids only, from the top level or the booking and patient of a BookingCreated', () => {
    expect(idsOf(created)).toEqual({
      eventId: created.eventId,
      clinicId: created.clinicId,
      bookingId: created.booking.bookingId,
      patientId: created.patient.patientId,
    });
    // Names, addresses and free text are never picked, and an "id" that is not id-like is dropped.
    expect(Object.values(idsOf({ ...created, eventId: 'Alex Meyer <alex@example.com>' }))).not.toContain(
      'Alex Meyer <alex@example.com>',
    );
    expect(idsOf('text')).toEqual({});
  });

  it('tells reminder inputs from check-in inputs by shape', () => {
    expect(scheduledJobOf({ clinicId: 'c', bookingId: 'b', startsAt: 's', offsetMinutes: 1 })).toBe('reminder');
    expect(scheduledJobOf({ clinicId: 'c', bookingId: 'b', patientId: 'p' })).toBe('check-in');
    expect(scheduledJobOf({ clinicId: 'c' })).toBeUndefined();
  });
});
