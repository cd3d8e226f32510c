import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { output } from '../../shared/adapters/logger';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Failure paths: SES and SQS are mocked to fail on purpose; DynamoDB stays real, so what
 * is (and is not) written is checked against the table itself.
 */
const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  ses.restore();
  sqs.restore();
  scheduler.restore();
  await harness?.close();
});
afterEach(() => {
  ses.reset();
  sqs.reset();
  scheduler.reset();
});

beforeEach(() => {
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
  scheduler.on(DeleteScheduleCommand).resolves({});
});

const sesError = (name: string, message: string, httpStatusCode?: number) =>
  Object.assign(new Error(message), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });

const processedMarkers = async (tag: string) =>
  (await harness.items()).filter((item) => String(item.pk).includes(`#EVENT#BookingCreated#evt-${tag}`));

const emailItems = async (bookingId: string) =>
  (await harness.items()).filter(
    (item) => item.pk === `C#riverside#B#${bookingId}` && String(item.sk).startsWith('EMAIL#'),
  );

describe('SES failing half-way', () => {
  it('retries SES throttling ("Maximum sending rate exceeded") and sends the confirmation once', async () => {
    const s = scenario();
    ses
      .on(SendEmailCommand)
      .rejectsOnce(sesError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429))
      .resolves({ MessageId: 'ses-after-throttle' });

    await harness.publish('BookingCreated', s.created());

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(await emailItems(s.bookingId)).toEqual([
      expect.objectContaining({ sk: 'EMAIL#confirmation', status: 'sent', messageId: 'ses-after-throttle' }),
    ]);
  });

  it('releases the claim when SES refuses, so the retried invocation sends the confirmation exactly once', async () => {
    const s = scenario();
    const event = s.created();
    ses
      .on(SendEmailCommand)
      .rejectsOnce(sesError('MessageRejected', `Email address is not verified: ${s.email}`, 400))
      .resolves({ MessageId: 'ses-message-1' });

    const failure = await harness.publish('BookingCreated', event).catch((error: Error) => error);
    expect(failure).toMatchObject({ name: 'MailerError', code: 'MessageRejected', definitelyNotSent: true });
    expect((failure as Error).message).not.toContain(s.email);
    expect(await emailItems(s.bookingId)).toHaveLength(0);
    const markers = (await harness.items()).filter((item) =>
      String(item.pk).includes(`#EVENT#BookingCreated#evt-${s.tag}`),
    );
    expect(markers).toHaveLength(0);

    await harness.publish('BookingCreated', event);
    await harness.publish('BookingCreated', event);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(await emailItems(s.bookingId)).toEqual([
      expect.objectContaining({ status: 'sent', messageId: 'ses-message-1', kind: 'confirmation' }),
    ]);
  });

  it("never sends twice when SES gave no answer: Lambda's retry of that invocation leaves the claim and finishes", async () => {
    const s = scenario();
    const event = s.created();
    const requestId = `req-${s.tag}`;
    ses.on(SendEmailCommand).rejectsOnce(sesError('TimeoutError', 'socket hang up')).resolves({ MessageId: 'late' });

    await expect(harness.publish('BookingCreated', event, { requestId })).rejects.toMatchObject({
      definitelyNotSent: false,
    });
    expect(await emailItems(s.bookingId)).toEqual([expect.objectContaining({ status: 'claimed' })]);

    // Its own earlier attempt left the claim: no one is sending, and whether SES did is unknown.
    // The runbook (docs/OPERATIONS.md, "Stuck email claims") reads its line: written at WARN.
    const written: string[] = [];
    const capture = vi.spyOn(output, 'write').mockImplementation((_descriptor, text) => void written.push(text));
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    let retried: unknown;
    try {
      retried = await harness.publish('BookingCreated', event, { requestId });
    } finally {
      process.env.POWERTOOLS_LOG_LEVEL = level;
      capture.mockRestore();
    }
    expect(retried).toMatchObject({ status: 'processed', outcome: { emails: { confirmation: 'claim-stuck' } } });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(written.flatMap((text) => text.split('\n').filter(Boolean)).map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'email claim stuck: not sending again',
        bookingId: s.bookingId,
        kind: 'confirmation',
        key: 'confirmation',
      }),
    ]);
  });

  it('never sends twice when SES gave no answer: a redelivery is skipped while the claim is fresh, one after it leaves the claim', async () => {
    const s = scenario();
    const event = s.created();
    ses.on(SendEmailCommand).rejectsOnce(sesError('TimeoutError', 'socket hang up')).resolves({ MessageId: 'late' });
    await expect(harness.publish('BookingCreated', event)).rejects.toMatchObject({ definitelyNotSent: false });

    // A new invocation of the same event cannot tell, within the window, a dead claim from a
    // live one: it leaves the work to the original and its retries.
    await expect(harness.publish('BookingCreated', event)).resolves.toEqual({
      status: 'duplicate',
      outcome: 'original-in-flight',
    });
    harness.clock.advance(120);
    const redriven = await harness.publish('BookingCreated', event);
    expect(redriven).toMatchObject({ status: 'processed', outcome: { emails: { confirmation: 'claim-stuck' } } });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it("skips a duplicate that meets its original's email in flight: no error, not marked processed", async () => {
    const s = scenario();
    const event = s.created();
    let release!: () => void;
    ses
      .on(SendEmailCommand)
      .callsFake(() => new Promise((resolve) => (release = () => resolve({ MessageId: 'ses-slow' }))));
    const original = harness.publish('BookingCreated', event);
    await expect.poll(() => ses.commandCalls(SendEmailCommand).length).toBe(1);

    await expect(harness.publish('BookingCreated', event)).resolves.toEqual({
      status: 'duplicate',
      outcome: 'original-in-flight',
    });
    expect(await processedMarkers(s.tag)).toHaveLength(0);

    release();
    await expect(original).resolves.toMatchObject({ status: 'processed' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(await processedMarkers(s.tag)).toHaveLength(1);
  });

  it('loses nothing when the original then fails: its retry sends the email, once', async () => {
    const s = scenario();
    const event = s.created();
    const requestId = `req-${s.tag}`;
    let refuse!: () => void;
    ses
      .on(SendEmailCommand)
      .callsFakeOnce(
        () => new Promise((_resolve, reject) => (refuse = () => reject(sesError('MessageRejected', 'Throttled', 400)))),
      )
      .resolves({ MessageId: 'ses-after-retry' });
    const original = harness.publish('BookingCreated', event, { requestId });
    await expect.poll(() => ses.commandCalls(SendEmailCommand).length).toBe(1);
    await expect(harness.publish('BookingCreated', event)).resolves.toMatchObject({ status: 'duplicate' });

    refuse();
    await expect(original).rejects.toMatchObject({ name: 'MailerError', definitelyNotSent: true });
    await expect(harness.publish('BookingCreated', event, { requestId })).resolves.toMatchObject({
      status: 'processed',
      outcome: { emails: { confirmation: 'sent' } },
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(await emailItems(s.bookingId)).toEqual([
      expect.objectContaining({ status: 'sent', messageId: 'ses-after-retry', kind: 'confirmation' }),
    ]);
  });

  it('asks to be retried when another event holds a fresh claim on the same email', async () => {
    const s = scenario();
    let release!: () => void;
    ses
      .on(SendEmailCommand)
      .callsFake(() => new Promise((resolve) => (release = () => resolve({ MessageId: 'ses-slow' }))));
    // Both owe the cancellation: whichever of creation and cancellation arrives last sends it.
    await harness.publish('BookingCancelled', s.cancelled());
    const created = harness.publish('BookingCreated', s.created());
    await expect.poll(() => ses.commandCalls(SendEmailCommand).length).toBe(1);
    await expect(harness.publish('BookingCancelled', s.cancelled())).rejects.toThrow(/being sent elsewhere/);
    release();
    await created;
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});

describe('Scheduler failing half-way', () => {
  it('still sends the follow-up that waited for the address when the first attempt to release it fails', async () => {
    const s = scenario({ startsAt: '2027-11-04T10:00:00+01:00' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    await harness.publish('SessionCompleted', s.sessionCompleted({ completedAt: '2027-11-04T11:00:00+01:00' }));
    scheduler
      .on(CreateScheduleCommand)
      .resolvesOnce({ ScheduleArn: 'reminder' })
      .rejectsOnce(sesError('ThrottlingException', 'Rate exceeded', 429))
      .resolves({ ScheduleArn: 'check-in' });

    const created = s.created();
    await expect(harness.publish('BookingCreated', created)).rejects.toThrow('Rate exceeded');
    await harness.publish('BookingCreated', created);

    const sent = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input.Content!.Simple!.Subject!.Data);
    expect(sent.filter((subject) => /self-care/i.test(subject!))).toHaveLength(1);
    expect(sent.filter((subject) => /^Your appointment on/.test(subject!))).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('throws when the rejected-events queue cannot take the event, so Lambda keeps it for its own dead-letter queue', async () => {
    const s = scenario();
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(harness.publish('BookingCreated', s.created({ booking: { durationMinutes: 1 } }))).rejects.toThrow(
      'queue unavailable',
    );
  });
});
