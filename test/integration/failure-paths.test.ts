import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Failure paths: SES and SQS are mocked to fail on purpose; DynamoDB stays real, so what
 * is (and is not) written is checked against the table itself.
 */
const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  ses.restore();
  sqs.restore();
  await harness?.close();
});
afterEach(() => {
  ses.reset();
  sqs.reset();
});

const throttling = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });

describe('SES failing half-way', () => {
  it('releases the claim when SES refuses, so the retried invocation sends the confirmation exactly once', async () => {
    const s = scenario();
    const event = s.created();
    ses.on(SendEmailCommand).rejectsOnce(throttling).resolves({ MessageId: 'ses-message-1' });

    await expect(harness.publish('BookingCreated', event)).rejects.toThrow('Maximum sending rate exceeded');
    const afterFailure = await harness.items();
    expect(
      afterFailure.some((item) => item.pk === `C#riverside#B#${s.bookingId}` && String(item.sk).startsWith('EMAIL#')),
    ).toBe(false);
    expect(
      afterFailure.some(
        (item) => String(item.pk).startsWith('EVENT#BookingCreated#') && String(item.pk).includes(s.tag),
      ),
    ).toBe(false);

    await harness.publish('BookingCreated', event);
    await harness.publish('BookingCreated', event);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    const claim = (await harness.items()).find(
      (item) => item.pk === `C#riverside#B#${s.bookingId}` && item.sk === 'EMAIL#confirmation',
    );
    expect(claim).toMatchObject({ status: 'sent', messageId: 'ses-message-1', kind: 'confirmation' });
  });

  it('does not send again while another invocation holds a fresh claim, and asks to be retried', async () => {
    const s = scenario();
    let release!: () => void;
    ses
      .on(SendEmailCommand)
      .callsFake(() => new Promise((resolve) => (release = () => resolve({ MessageId: 'ses-slow' }))));
    const first = harness.publish('BookingCreated', s.created({ eventId: `evt-${s.tag}-a` }));
    await expect.poll(() => ses.commandCalls(SendEmailCommand).length).toBe(1);
    await expect(harness.publish('BookingCreated', s.created({ eventId: `evt-${s.tag}-a` }))).rejects.toThrow(
      /being sent elsewhere/,
    );
    release();
    await first;
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('sends an event that breaks the contract to the rejected-events queue with the failing field, writes nothing and does not throw', async () => {
    const s = scenario();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
    const event = s.created({ patient: { email: 'not-an-address' } });

    const result = await harness.publish('BookingCreated', event);

    expect(result).toEqual({ status: 'rejected' });
    const [call] = sqs.commandCalls(SendMessageCommand);
    const message = JSON.parse(call!.args[0].input.MessageBody!);
    expect(message).toMatchObject({ source: 'clinic.booking', detailType: 'BookingCreated', detail: event });
    expect(message.error).toContain('patient.email');
    expect(message.error).not.toContain('not-an-address');
    expect((await harness.items()).some((item) => String(item.pk).includes(s.bookingId))).toBe(false);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('throws when the rejected-events queue cannot take the event, so Lambda keeps it for its own dead-letter queue', async () => {
    const s = scenario();
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(harness.publish('BookingCreated', s.created({ booking: { durationMinutes: 1 } }))).rejects.toThrow(
      'queue unavailable',
    );
  });
});
