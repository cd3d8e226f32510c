import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DynamoDBStreamEvent, EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { EventDetailInput } from '../../events/catalog';
import { keys } from '../../shared/adapters/dynamo-store';
import { createPublisher } from '../../shared/adapters/event-publisher';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { eventBridgeEnvelope } from '../../infra/local/functions';
import { reportEventId } from '../../shared/domain/feedback';
import { ownEvent, ownEventId } from '../../shared/domain/own-events';
import { dueJobMessage } from '../../shared/due-jobs';
import { signUnsubscribeToken } from '../../shared/unsubscribe/token';

/**
 * One realistic invocation of each function, parameterised by a token so that every
 * invocation works on its own patient and booking (a repeated event would only measure the
 * duplicate check). `setup` is what must already have happened (a booking before its
 * cancellation); the benchmark runs it beforehand, through the same handlers, in its own process.
 */

export const BENCH_CLINIC = 'clinic-bench';
export const ACCOUNT = '000000000000';
export const REGION = 'eu-central-1';

export interface ScenarioContext {
  /** When the scenario's appointments are: a few days after the stack's clock. */
  now: Date;
  /** The local stack's unsubscribe signing key (Secrets Manager on AWS). */
  unsubscribeKey: string;
}

export interface SetupStep {
  functionName: string;
  event: unknown;
}

export interface Scenario {
  functionName: string;
  setup(token: string, context: ScenarioContext): SetupStep[];
  event(token: string, context: ScenarioContext): unknown;
  /** Whether the handler's answer means it did the work (not a duplicate, a refusal or a failure). */
  succeeded(result: unknown): boolean;
  /**
   * Ids the function writes that are derived from the token without containing it (hashes): the
   * bare reference swaps them for its own as it swaps the token, or its replay would find them taken.
   */
  derivedIds?(token: string): string[];
  /**
   * The local stack's outbox reader is held while the scenario runs: its set-up writes the
   * entries the function is invoked with, which the reader would otherwise publish first.
   */
  holdsOutbox?: boolean;
}

export const ids = (token: string) => ({
  patientId: `pt-${token}`,
  bookingId: `bk-${token}`,
  planId: `plan-${token}`,
  email: `patient-${token}@example.com`,
  requestId: `dsr-${token}`,
});

export const envelope = eventBridgeEnvelope;

/** The typed publisher a front end would use, pointed at the benchmark's local stack. */
export const localPublisher = (eventsEndpoint: string) =>
  createPublisher({
    client: new EventBridgeClient({ endpoint: eventsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
    eventBusName: 'clinic-events',
  });

const hours = (date: Date, h: number) => new Date(date.getTime() + h * 3600_000).toISOString();

export function bookingCreated(token: string, { now }: ScenarioContext): EventDetailInput<'BookingCreated'> {
  const { patientId, bookingId, email } = ids(token);
  return {
    eventId: `evt-${token}-created`,
    occurredAt: now.toISOString(),
    clinicId: BENCH_CLINIC,
    booking: {
      bookingId,
      startsAt: hours(now, 5 * 24),
      durationMinutes: 60,
      timezone: 'Europe/Berlin',
      service: { code: 'therapeutic-massage-60', name: 'Therapeutic massage (60 min)' },
      therapist: { therapistId: 'th-dana', name: 'Dana Kim' },
      location: { name: 'Riverside Physio', address: '12 River Street, Berlin' },
    },
    patient: { patientId, firstName: 'Alex', lastName: 'Meyer', email, locale: 'en' },
  };
}

export function sessionCompleted(token: string, { now }: ScenarioContext): EventDetailInput<'SessionCompleted'> {
  const { patientId, bookingId } = ids(token);
  return {
    eventId: `evt-${token}-session`,
    occurredAt: now.toISOString(),
    clinicId: BENCH_CLINIC,
    bookingId,
    patientId,
    completedAt: now.toISOString(),
    therapist: { therapistId: 'th-dana', name: 'Dana Kim' },
    techniques: ['deep-tissue', 'trigger-point'],
    focusAreas: ['neck', 'upper-back'],
    painBefore: 7,
    painAfter: 4,
    selfCare: {
      exercises: ['chin-tuck', 'doorway-chest-stretch'],
      note: 'Use a warm pack on your upper back for 15 minutes this evening.',
    },
    nextVisitInDays: 7,
  };
}

export function treatmentPlanCreated(
  token: string,
  { now }: ScenarioContext,
): EventDetailInput<'TreatmentPlanCreated'> {
  const { patientId, planId } = ids(token);
  return {
    eventId: `evt-${token}-plan`,
    occurredAt: hours(now, -24),
    clinicId: BENCH_CLINIC,
    patientId,
    plan: { planId, goals: ['pain-relief', 'mobility'], plannedSessions: 6, sessionsPerWeek: 1 },
  };
}

const processed = (result: unknown) => (result as { status?: unknown } | undefined)?.status === 'processed';
const book = (token: string, context: ScenarioContext): SetupStep => ({
  functionName: 'booking-created',
  event: envelope('BookingCreated', bookingCreated(token, context)),
});

/** An SES feedback fixture, re-addressed: the shape SES publishes to the default bus. */
const bounceFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../test/fixtures/ses/bounce-permanent.json', import.meta.url)), 'utf8'),
) as EventBridgeEvent<
  string,
  {
    bounce: { bouncedRecipients: { emailAddress: string }[]; timestamp: string; feedbackId: string };
    mail: { destination: string[]; messageId: string };
  }
>;

/** Each bounce is of an email of its own: the same one again would be reported once, and then only checked. */
const bouncedMessageId = (token: string) => `bench-${token}`;

/** The EmailSent book(token) leaves for the outbox: its booking's confirmation, once sent. */
const confirmationSentId = (token: string) =>
  ownEventId('EmailSent', BENCH_CLINIC, ids(token).bookingId, 'confirmation');

/**
 * The table stream's record of the confirmation's claim marked sent, carrying its EmailSent, as
 * the outbox function's event source mapping hands it over. Only the keys must match the table's:
 * the function publishes the image it is given.
 */
function confirmationMarkedSent(token: string, { now }: ScenarioContext): DynamoDBStreamEvent {
  const { patientId, bookingId } = ids(token);
  const eventId = confirmationSentId(token);
  const claimKey = keys.email({ clinicId: BENCH_CLINIC, patientId, bookingId, key: 'confirmation' });
  const item = {
    ...claimKey,
    kind: 'confirmation',
    status: 'sent',
    messageId: `bench-${token}`,
    sentAt: now.toISOString(),
    event: ownEvent('EmailSent', {
      eventId,
      occurredAt: now.toISOString(),
      clinicId: BENCH_CLINIC,
      patientId,
      bookingId,
      kind: 'confirmation',
      messageId: `bench-${token}`,
    }),
  };
  const image = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  return {
    Records: [
      {
        eventID: randomUUID(),
        eventName: 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/careloop/stream/bench`,
        awsRegion: REGION,
        dynamodb: {
          Keys: marshall(claimKey) as never,
          NewImage: image as never,
          SequenceNumber: String(Date.now()),
          SizeBytes: JSON.stringify(image).length,
          StreamViewType: 'NEW_IMAGE',
        },
      },
    ],
  };
}

export const scenarios: Scenario[] = [
  {
    functionName: 'booking-created',
    setup: () => [],
    event: (token, context) => envelope('BookingCreated', bookingCreated(token, context)),
    succeeded: processed,
  },
  {
    functionName: 'booking-rescheduled',
    setup: (token, context) => [book(token, context)],
    event: (token, context) =>
      envelope('BookingRescheduled', {
        eventId: `evt-${token}-moved`,
        occurredAt: hours(context.now, 1),
        clinicId: BENCH_CLINIC,
        bookingId: ids(token).bookingId,
        startsAt: hours(context.now, 6 * 24),
      }),
    succeeded: processed,
  },
  {
    functionName: 'booking-cancelled',
    setup: (token, context) => [book(token, context)],
    event: (token, context) =>
      envelope('BookingCancelled', {
        eventId: `evt-${token}-cancelled`,
        occurredAt: hours(context.now, 1),
        clinicId: BENCH_CLINIC,
        bookingId: ids(token).bookingId,
        cancelledBy: 'patient',
      }),
    succeeded: processed,
  },
  {
    functionName: 'session-completed',
    setup: (token, context) => [
      {
        functionName: 'treatment-plan-created',
        event: envelope('TreatmentPlanCreated', treatmentPlanCreated(token, context)),
      },
      book(token, context),
    ],
    event: (token, context) => envelope('SessionCompleted', sessionCompleted(token, context)),
    succeeded: processed,
  },
  {
    functionName: 'treatment-plan-created',
    setup: () => [],
    event: (token, context) => envelope('TreatmentPlanCreated', treatmentPlanCreated(token, context)),
    succeeded: processed,
  },
  {
    functionName: 'contact-preferences-updated',
    setup: (token, context) => [book(token, context)],
    event: (token, context) =>
      envelope('ContactPreferencesUpdated', {
        eventId: `evt-${token}-prefs`,
        occurredAt: hours(context.now, 1),
        clinicId: BENCH_CLINIC,
        patientId: ids(token).patientId,
        consent: { followUps: false },
      }),
    succeeded: processed,
  },
  {
    functionName: 'due-jobs',
    setup: (token, context) => [book(token, context)],
    event: (token, context): SQSEvent => ({
      Records: [
        {
          messageId: randomUUID(),
          receiptHandle: randomUUID(),
          body: dueJobMessage('reminder', {
            clinicId: BENCH_CLINIC,
            bookingId: ids(token).bookingId,
            startsAt: bookingCreated(token, context).booking.startsAt,
            offsetMinutes: 24 * 60,
          }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'scheduler',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:due-jobs`,
          awsRegion: REGION,
        },
      ],
    }),
    succeeded: (result) => (result as { batchItemFailures?: unknown[] }).batchItemFailures?.length === 0,
  },
  {
    functionName: 'unsubscribe',
    setup: (token, context) => [book(token, context)],
    event: (token, { unsubscribeKey }) => {
      const path = `/unsubscribe/${signUnsubscribeToken({ clinicId: BENCH_CLINIC, patientId: ids(token).patientId }, unsubscribeKey)}`;
      return {
        version: '2.0',
        routeKey: '$default',
        rawPath: path,
        rawQueryString: '',
        headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'unsubscribe.example' },
        requestContext: {
          accountId: 'anonymous',
          apiId: 'bench',
          domainName: 'unsubscribe.example',
          domainPrefix: 'unsubscribe',
          http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
          requestId: randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
        },
        body: 'List-Unsubscribe=One-Click',
        isBase64Encoded: false,
      };
    },
    succeeded: (result) => (result as { statusCode?: number }).statusCode === 200,
  },
  {
    functionName: 'booking-missed',
    setup: (token, context) => [book(token, context)],
    event: (token, context) =>
      envelope('BookingMissed', {
        eventId: `evt-${token}-missed`,
        occurredAt: hours(context.now, 1),
        clinicId: BENCH_CLINIC,
        bookingId: ids(token).bookingId,
        kind: 'no-show',
      }),
    succeeded: processed,
  },
  {
    functionName: 'clinic-profile-updated',
    setup: () => [],
    // A clinic of its own per token (tokens are short lowercase ids): each update is a new profile.
    event: (token, context) =>
      envelope('ClinicProfileUpdated', {
        eventId: `evt-${token}-profile`,
        occurredAt: context.now.toISOString(),
        clinicId: `clinic-${token}`,
        profile: {
          name: 'Riverside Physio',
          phone: '+49 30 5550100',
          email: 'frontdesk@riverside-physio.example',
          bookingUrl: 'https://riverside-physio.example/book?patient={patientId}',
          address: '12 River Street, Berlin',
          cancellationPolicy: 'Please let us know at least 24 hours before your appointment if you need to change it.',
          staffAlertEmail: 'care-team@riverside-physio.example',
        },
      }),
    succeeded: processed,
  },
  {
    functionName: 'patient-data-export-requested',
    setup: (token, context) => [book(token, context)],
    event: (token, context) =>
      envelope('PatientDataExportRequested', {
        eventId: `evt-${token}-export`,
        occurredAt: hours(context.now, 1),
        clinicId: BENCH_CLINIC,
        patientId: ids(token).patientId,
        requestId: ids(token).requestId,
      }),
    succeeded: processed,
    // PatientDataExportReady's id, a hash of the request: its outbox entry's key.
    derivedIds: (token) => [
      ownEventId('PatientDataExportReady', BENCH_CLINIC, ids(token).patientId, ids(token).requestId),
    ],
  },
  {
    functionName: 'patient-erasure-requested',
    setup: (token, context) => [book(token, context)],
    event: (token, context) =>
      envelope('PatientErasureRequested', {
        eventId: `evt-${token}-erasure`,
        occurredAt: hours(context.now, 1),
        clinicId: BENCH_CLINIC,
        patientId: ids(token).patientId,
        requestId: ids(token).requestId,
      }),
    succeeded: processed,
    // PatientErased's id, a hash of the request: its outbox entry's key. The final write is
    // conditional on the profile's version as read: each set-up gives its patient the same one.
    derivedIds: (token) => [ownEventId('PatientErased', BENCH_CLINIC, ids(token).patientId, ids(token).requestId)],
  },
  {
    functionName: 'outbox',
    // The booking's confirmation leaves its claim carrying EmailSent; the function is handed its stream record.
    setup: (token, context) => [book(token, context)],
    event: confirmationMarkedSent,
    succeeded: (result) => (result as { batchItemFailures?: unknown[] }).batchItemFailures?.length === 0,
    derivedIds: (token) => [confirmationSentId(token)],
    holdsOutbox: true,
  },
  {
    functionName: 'ses-feedback',
    setup: () => [],
    event: (token) => {
      const event = structuredClone(bounceFixture);
      event.id = randomUUID();
      event.detail.bounce.bouncedRecipients[0]!.emailAddress = ids(token).email;
      event.detail.mail.destination = [ids(token).email];
      event.detail.mail.messageId = bouncedMessageId(token);
      return event;
    },
    succeeded: (result) =>
      result !== undefined &&
      (result as { status?: unknown }).status !== 'rejected' &&
      (result as { outcome?: { published?: unknown } }).outcome?.published !== 'already-reported',
    // The EmailBounced report's id, a hash of the message id: its entry's key and its marker's.
    derivedIds: (token) => {
      const { bounce } = bounceFixture.detail;
      return [
        reportEventId({ kind: 'bounce', feedbackId: bounce.feedbackId, at: bounce.timestamp }, bouncedMessageId(token)),
      ];
    },
  },
];
