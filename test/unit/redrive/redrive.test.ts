import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createPublisher } from '../../../shared/adapters/event-publisher';
import { redriveQueue, type RedriveLine } from '../../../scripts/operations/dead-letters';
import { formatLine, parseRedriveArgs, runRedrive } from '../../../scripts/redrive';
import { exampleInput } from '../../support/examples';

const sqsMock = mockClient(SQSClient);
const eventBridgeMock = mockClient(EventBridgeClient);
// The SDK clients are patched for the whole worker: put them back for the files that run after.
afterAll(() => {
  sqsMock.restore();
  eventBridgeMock.restore();
});
const QUEUE = 'https://sqs.eu-central-1.amazonaws.com/123456789012/careloop-prod-BookingCreatedFailureQueue';

const publisher = () =>
  createPublisher({
    client: new EventBridgeClient({ region: 'eu-central-1' }),
    eventBusName: 'clinic-events',
    sleep: async () => undefined,
  });
const sqs = () => new SQSClient({ region: 'eu-central-1' });

const created = exampleInput('BookingCreated', { eventId: 'evt-created-1' });
const cancelled = exampleInput('BookingCancelled', { eventId: 'evt-cancelled-1' });
const brokenCreated = exampleInput('BookingCreated', {
  eventId: 'evt-broken-1',
  patient: { ...exampleInput('BookingCreated').patient, email: 'not-an-address' },
});
const reminderInput = {
  clinicId: 'riverside',
  bookingId: 'bk-1',
  startsAt: '2027-03-03T14:30:00.000Z',
  offsetMinutes: 1440,
};

const eventBridgeEvent = (detailType: string, detail: unknown, source = 'clinic.booking') => ({
  version: '0',
  id: `eb-${detailType}`,
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: '2027-03-02T18:30:01Z',
  region: 'eu-central-1',
  resources: [],
  detail,
});

const onFailure = (requestPayload: unknown) => ({
  version: '1.0',
  timestamp: '2027-03-02T18:33:12.000Z',
  requestContext: { requestId: 'r-1', functionArn: 'arn:…', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
  requestPayload,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'Error', errorMessage: 'DynamoDB unavailable' },
});

const message = (id: string, body: unknown, attributes: Record<string, string> = {}): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
  MessageAttributes: Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  ),
});

/** One message of each kind the redrive meets. */
const mixedBatch = (): Message[] => [
  message('m-onfailure', onFailure(eventBridgeEvent('BookingCreated', created))),
  message('m-rule', eventBridgeEvent('BookingCancelled', cancelled), { ERROR_CODE: 'SDK_CLIENT_ERROR' }),
  message('m-rejected', {
    source: 'clinic.booking',
    detailType: 'BookingCreated',
    detail: brokenCreated,
    error: 'patient.email: must be an email address',
    at: '2027-03-01T09:12:00.000Z',
  }),
  message('m-schedule', reminderInput, { SCHEDULE_ARN: 'arn:aws:scheduler:…', ERROR_CODE: 'AWS.Lambda.Throttled' }),
  message('m-ses', eventBridgeEvent('Bounce', { eventType: 'Bounce' }, 'aws.ses')),
  message('m-garbage', 'hello'),
];

function acceptAll(input: PutEventsCommandInput) {
  return {
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((entry) => ({ EventId: `eb-${JSON.parse(entry.Detail!).eventId}` })),
  };
}

const published = () =>
  eventBridgeMock
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({
      detailType: entry.DetailType,
      source: entry.Source,
      eventId: JSON.parse(entry.Detail!).eventId,
    }));
const deletedHandles = () =>
  sqsMock
    .commandCalls(DeleteMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => entry.ReceiptHandle);
const releasedHandles = () =>
  sqsMock
    .commandCalls(ChangeMessageVisibilityBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => entry.ReceiptHandle);
const outcomes = (lines: RedriveLine[]) => Object.fromEntries(lines.map((line) => [line.id, line.outcome]));

beforeEach(() => {
  sqsMock.reset();
  eventBridgeMock.reset();
  sqsMock.on(DeleteMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((entry) => ({ Id: entry.Id })),
    Failed: [],
  }));
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  eventBridgeMock.on(PutEventsCommand).callsFake(acceptAll);
});

describe('redriveQueue', () => {
  it('publishes the contract events, deletes exactly those, and leaves the rest visible again', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: mixedBatch() }).resolves({ Messages: [] });

    const summary = await redriveQueue({
      sqs: sqs(),
      publisher: publisher(),
      queueUrl: QUEUE,
      dryRun: false,
      max: 100,
    });

    expect(outcomes(summary.lines)).toEqual({
      'm-onfailure': 'published',
      'm-rule': 'published',
      'm-rejected': 'invalid',
      'm-schedule': 'schedule-input',
      'm-ses': 'not-a-contract-event',
      'm-garbage': 'malformed',
    });
    // One PutEvents: the two valid events, under the catalog's source; the invalid one never sent.
    expect(published()).toEqual([
      { detailType: 'BookingCreated', source: 'clinic.booking', eventId: 'evt-created-1' },
      { detailType: 'BookingCancelled', source: 'clinic.booking', eventId: 'evt-cancelled-1' },
    ]);
    expect(deletedHandles()).toEqual(['rh-m-onfailure', 'rh-m-rule']);
    expect(releasedHandles().sort()).toEqual(['rh-m-garbage', 'rh-m-rejected', 'rh-m-schedule', 'rh-m-ses']);
    expect(summary).toMatchObject({ deleted: 2, deleteFailures: 0, stoppedBecause: 'queue-empty' });
    expect(summary.counts).toMatchObject({
      published: 2,
      invalid: 1,
      'schedule-input': 1,
      'not-a-contract-event': 1,
      malformed: 1,
    });

    const receive = sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input;
    expect(receive).toMatchObject({
      QueueUrl: QUEUE,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
    });
    expect(receive.VisibilityTimeout).toBeGreaterThanOrEqual(60);

    const invalid = summary.lines.find((line) => line.id === 'm-rejected')!;
    expect(invalid.note).toBe('patient.email: must be an email address');
  });

  it('in a dry run publishes and deletes nothing, and receives with a short visibility timeout', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: mixedBatch() }).resolves({ Messages: [] });

    const summary = await redriveQueue({ sqs: sqs(), publisher: publisher(), queueUrl: QUEUE, dryRun: true, max: 100 });

    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(outcomes(summary.lines)).toMatchObject({
      'm-onfailure': 'would-publish',
      'm-rule': 'would-publish',
      // Validated as the publisher would: "would publish" means it.
      'm-rejected': 'invalid',
      'm-schedule': 'schedule-input',
      'm-garbage': 'malformed',
    });
    expect(summary.deleted).toBe(0);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.VisibilityTimeout).toBeLessThanOrEqual(10);
    // Everything looked at is made visible again.
    expect(releasedHandles()).toHaveLength(6);
  });

  it('leaves an event that PutEvents refused, and keeps a published one whose delete failed', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          message('m-1', eventBridgeEvent('BookingCreated', created)),
          message('m-2', eventBridgeEvent('BookingCancelled', cancelled)),
        ],
      })
      .resolves({ Messages: [] });
    eventBridgeMock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'eb-1' }, { ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }],
    });
    sqsMock.on(DeleteMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }],
    });

    const summary = await redriveQueue({
      sqs: sqs(),
      publisher: publisher(),
      queueUrl: QUEUE,
      dryRun: false,
      max: 100,
    });

    expect(outcomes(summary.lines)).toEqual({ 'm-1': 'published', 'm-2': 'publish-failed' });
    expect(summary.lines[0]).toMatchObject({ deleted: false, eventBridgeId: 'eb-1' });
    expect(summary.lines[0]!.note).toMatch(/delete failed/);
    expect(summary.lines[1]!.note).toBe('AccessDeniedException');
    expect(summary).toMatchObject({ deleted: 0, deleteFailures: 1 });
  });

  it('stops at --max, and when only messages it has already seen come back', async () => {
    const batch = Array.from({ length: 10 }, (_, n) =>
      message(`m-${n}`, eventBridgeEvent('BookingCancelled', { ...cancelled, eventId: `evt-${n}` })),
    );
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: batch });
    const limited = await redriveQueue({ sqs: sqs(), publisher: publisher(), queueUrl: QUEUE, dryRun: true, max: 4 });
    expect(limited.stoppedBecause).toBe('max-reached');
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.MaxNumberOfMessages).toBe(4);

    sqsMock.reset();
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({});
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: batch });
    const cycled = await redriveQueue({ sqs: sqs(), publisher: publisher(), queueUrl: QUEUE, dryRun: true, max: 1000 });
    expect(cycled.lines).toHaveLength(10);
    expect(cycled.stoppedBecause).toBe('messages-came-round-again');
  });
});

describe('npm run redrive', () => {
  it('requires --queue or --local and reads the flags', () => {
    expect(() => parseRedriveArgs([], {})).toThrow(/--queue/);
    expect(parseRedriveArgs(['--queue', 'q1', '--queue', 'q2', '--dry-run', '--max', '5'], {})).toMatchObject({
      queues: ['q1', 'q2'],
      dryRun: true,
      max: 5,
      bus: 'clinic-events',
    });
    expect(parseRedriveArgs(['--local'], { CARELOOP_EVENTS_PORT: '4999' }).local).toBe('http://127.0.0.1:4999');
    expect(parseRedriveArgs(['--local', 'http://127.0.0.1:4010/', '--dry-run'], {}).local).toBe(
      'http://127.0.0.1:4010',
    );
    expect(() => parseRedriveArgs(['--max', '0', '--local'], {})).toThrow(/--max/);
  });

  it('prints ids, detail-type and outcome per message, never names or addresses, and says redriving twice is safe', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: mixedBatch() }).resolves({ Messages: [] });
    const output: string[] = [];

    const { ok } = await runRedrive(parseRedriveArgs(['--queue', QUEUE], {}), {
      print: (line) => output.push(line),
      sqs: sqs(),
      publisher: publisher(),
    });

    const text = output.join('\n');
    expect(ok).toBe(true);
    expect(text).toMatch(/idempotent/i);
    expect(text).toContain('m-onfailure  on-failure  BookingCreated  eventId=evt-created-1');
    expect(text).toMatch(/m-schedule .*reminder schedule.*npm run reconcile/);
    expect(text).toContain('npm run reconcile');
    for (const secret of [
      created.patient.email,
      created.patient.firstName,
      created.patient.lastName,
      'not-an-address',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('DynamoDB unavailable');
  });

  it('in local mode re-publishes GET /_local/dead-letters and, in a dry run, only prints', async () => {
    const records = [
      {
        source: 'clinic.booking',
        detailType: 'BookingCancelled',
        detail: cancelled,
        error: 'boom',
        at: '2027-03-01T09:00:00Z',
      },
      {
        source: 'aws.scheduler',
        detailType: 'Scheduled Event',
        detail: { schedule: 'rem-1', target: 'arn:…', input: reminderInput },
        error: 'boom',
        at: '2027-03-01T09:00:00Z',
      },
    ];
    const fakeFetch = (async (url: string) => {
      expect(url).toBe('http://127.0.0.1:4010/_local/dead-letters');
      return new Response(JSON.stringify(records), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const output: string[] = [];

    const dry = await runRedrive(parseRedriveArgs(['--local', 'http://127.0.0.1:4010', '--dry-run'], {}), {
      print: (line) => output.push(line),
      publisher: publisher(),
      fetch: fakeFetch,
    });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(dry.summaries[0]!.counts).toMatchObject({ 'would-publish': 1, 'schedule-input': 1 });

    const real = await runRedrive(parseRedriveArgs(['--local', 'http://127.0.0.1:4010'], {}), {
      print: (line) => output.push(line),
      publisher: publisher(),
      fetch: fakeFetch,
    });
    expect(published()).toEqual([
      { detailType: 'BookingCancelled', source: 'clinic.booking', eventId: 'evt-cancelled-1' },
    ]);
    expect(real.summaries[0]!.counts).toMatchObject({ published: 1, 'schedule-input': 1 });
    // Nothing can be deleted there, which is not a failure.
    expect(real.summaries[0]!.deleteFailures).toBe(0);
    expect(real.ok).toBe(true);
    expect(output.map((line) => line).join('\n')).not.toContain(cancelled.reason!);
  });

  it('formats a line without the detail', () => {
    expect(
      formatLine({
        id: 'm-1',
        outcome: 'invalid',
        format: 'rejected',
        detailType: 'BookingCreated',
        ids: { eventId: 'evt-1', clinicId: 'riverside', bookingId: 'bk-1' },
        cause: 'patient.email: must be an email address',
        note: 'patient.email: must be an email address',
        deleted: false,
      }),
    ).toBe(
      '  m-1  rejected  BookingCreated  eventId=evt-1 clinic=riverside booking=bk-1  → left: still breaks the contract ' +
        '(patient.email: must be an email address)',
    );
    expect(
      formatLine({
        id: 'm-2',
        outcome: 'published',
        format: 'on-failure',
        detailType: 'BookingCancelled',
        ids: { eventId: 'evt-2', clinicId: 'riverside', bookingId: 'bk-2' },
        cause: 'MailerError',
        eventBridgeId: 'eb-2',
        deleted: true,
      }),
    ).toBe(
      '  m-2  on-failure  BookingCancelled  eventId=evt-2 clinic=riverside booking=bk-2  → published (EventBridge id eb-2) ' +
        '+ deleted (dead-lettered by: MailerError)',
    );
  });
});
