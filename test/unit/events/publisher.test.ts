import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BookingCancelledInput } from '../../../events';
import {
  createPublisher,
  entrySize,
  MAX_REQUEST_BYTES,
  type PublishEvent,
  type PublisherOptions,
} from '../../../shared/adapters/event-publisher';
import { exampleInput } from '../../support/examples';

const eventBridge = mockClient(EventBridgeClient);
// The SDK clients are patched for the whole worker: put them back for the files that run after.
afterAll(() => {
  eventBridge.restore();
});
const BUS = 'clinic-events';

function cancellation(n: number, change: Partial<BookingCancelledInput> = {}): PublishEvent<'BookingCancelled'> {
  const detail: BookingCancelledInput = exampleInput('BookingCancelled');
  return {
    detailType: 'BookingCancelled',
    detail: { ...detail, eventId: `evt-${n}`, bookingId: `bk-${n}`, ...change },
  };
}

/** PutEvents answers that accept every entry, with ids derived from the eventIds. */
function acceptAll(input: PutEventsCommandInput) {
  return {
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((entry) => ({ EventId: `eb-${JSON.parse(entry.Detail!).eventId}` })),
  };
}

function sentCalls() {
  return eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
}

const sentEventIds = () =>
  sentCalls().map((input) => (input.Entries ?? []).map((entry) => JSON.parse(entry.Detail!).eventId as string));

function publisher(options: Partial<PublisherOptions> = {}) {
  const sleep = vi.fn(async (_ms: number) => undefined);
  const instance = createPublisher({
    client: new EventBridgeClient({ region: 'eu-central-1' }),
    eventBusName: BUS,
    baseDelayMs: 100,
    random: () => 0.5,
    sleep,
    ...options,
  });
  return { ...instance, sleep };
}

function throttling(): Error {
  return new EventBridgeServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });
}

beforeEach(() => {
  eventBridge.reset();
});

describe('publisher', () => {
  it('sends 25 events in 3 PutEvents calls of at most 10 entries, in order', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);
    const events = Array.from({ length: 25 }, (_, n) => cancellation(n));

    const results = await publisher().publish(events);

    expect(sentCalls().map((input) => input.Entries?.length)).toEqual([10, 10, 5]);
    expect(sentEventIds().flat()).toEqual(events.map((event) => event.detail.eventId));
    expect(results.map((result) => result.status)).toEqual(Array(25).fill('published'));
    expect(results[24]).toEqual({
      eventId: 'evt-24',
      detailType: 'BookingCancelled',
      status: 'published',
      eventBridgeId: 'eb-evt-24',
    });
  });

  it('sends Source from the catalog, the DetailType, the detail as given and the bus name', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);
    const detail = { ...exampleInput('SessionCompleted'), producerVersion: '2.1' };

    await publisher().publish([{ detailType: 'SessionCompleted', detail: detail as never }]);

    expect(sentCalls()[0]?.Entries).toEqual([
      { Source: 'clinic.care', DetailType: 'SessionCompleted', Detail: JSON.stringify(detail), EventBusName: BUS },
    ]);
  });

  it('does not send invalid events and reports which fields failed', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);
    const { bookingId: _dropped, ...withoutBookingId } = cancellation(2).detail;

    const results = await publisher().publish([
      cancellation(1),
      { detailType: 'BookingCancelled', detail: withoutBookingId as BookingCancelledInput },
      cancellation(3, { cancelledBy: 'therapist' as 'clinic' }),
      cancellation(4),
    ]);

    expect(sentEventIds()).toEqual([['evt-1', 'evt-4']]);
    expect(results).toEqual([
      expect.objectContaining({ eventId: 'evt-1', status: 'published' }),
      { eventId: 'evt-2', detailType: 'BookingCancelled', status: 'invalid', problems: ['bookingId: is required'] },
      {
        eventId: 'evt-3',
        detailType: 'BookingCancelled',
        status: 'invalid',
        problems: ['cancelledBy: must be patient or clinic'],
      },
      expect.objectContaining({ eventId: 'evt-4', status: 'published' }),
    ]);
  });

  it('makes no call at all when every event is invalid', async () => {
    const results = await publisher().publish([cancellation(1, { occurredAt: '2027-03-02T18:30:00' })]);

    expect(sentCalls()).toEqual([]);
    expect(results).toEqual([
      expect.objectContaining({ status: 'invalid', problems: [expect.stringMatching(/^occurredAt: /)] }),
    ]);
  });

  it('reports a detail-type outside the contract as invalid', async () => {
    const results = await publisher().publish([
      { detailType: 'BookingHappened', detail: cancellation(1).detail } as unknown as PublishEvent,
    ]);

    expect(sentCalls()).toEqual([]);
    expect(results).toEqual([
      {
        eventId: 'evt-1',
        detailType: 'BookingHappened',
        status: 'invalid',
        problems: ['detail-type: not in the contract'],
      },
    ]);
  });

  it('retries only the entry that was throttled and reports results in input order', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'eb-1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'eb-3' },
        ],
      })
      .callsFake(acceptAll);
    const { publish, sleep } = publisher();

    const results = await publish([cancellation(1), cancellation(2), cancellation(3)]);

    expect(sentEventIds()).toEqual([['evt-1', 'evt-2', 'evt-3'], ['evt-2']]);
    expect(results.map((result) => [result.eventId, result.status])).toEqual([
      ['evt-1', 'published'],
      ['evt-2', 'published'],
      ['evt-3', 'published'],
    ]);
    expect(results[1]).toMatchObject({ eventBridgeId: 'eb-evt-2' });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('reports failed with the last error once the attempts are used up', async () => {
    const throttled: PutEventsResultEntry = { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((entry) =>
        JSON.parse(entry.Detail!).eventId === 'evt-2' ? throttled : { EventId: 'eb-ok' },
      ),
    }));
    const { publish, sleep } = publisher({ maxAttempts: 3 });

    const results = await publish([cancellation(1), cancellation(2)]);

    expect(sentEventIds()).toEqual([['evt-1', 'evt-2'], ['evt-2'], ['evt-2']]);
    expect(results[1]).toEqual({
      eventId: 'evt-2',
      detailType: 'BookingCancelled',
      status: 'failed',
      errorCode: 'ThrottlingException',
      errorMessage: 'Rate exceeded',
    });
    expect(results[0]).toMatchObject({ status: 'published' });
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('does not retry an entry rejected with a non-retryable error', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }, { EventId: 'eb-2' }],
    });
    const { publish, sleep } = publisher();

    const results = await publish([cancellation(1), cancellation(2)]);

    expect(sentCalls()).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(results).toEqual([
      {
        eventId: 'evt-1',
        detailType: 'BookingCancelled',
        status: 'failed',
        errorCode: 'MalformedDetail',
        errorMessage: 'Detail is malformed.',
      },
      expect.objectContaining({ eventId: 'evt-2', status: 'published', eventBridgeId: 'eb-2' }),
    ]);
  });

  it('retries a batch whose whole call was throttled', async () => {
    eventBridge.on(PutEventsCommand).rejectsOnce(throttling()).callsFake(acceptAll);
    const { publish, sleep } = publisher();

    const results = await publish([cancellation(1), cancellation(2)]);

    expect(sentEventIds()).toEqual([
      ['evt-1', 'evt-2'],
      ['evt-1', 'evt-2'],
    ]);
    expect(results.map((result) => result.status)).toEqual(['published', 'published']);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('does not retry a call that failed for a reason retrying cannot fix', async () => {
    eventBridge.on(PutEventsCommand).rejects(
      new EventBridgeServiceException({
        name: 'ResourceNotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Event bus clinic-events does not exist.',
      }),
    );
    const { publish, sleep } = publisher();

    const results = await publish([cancellation(1)]);

    expect(sentCalls()).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(results).toEqual([expect.objectContaining({ status: 'failed', errorCode: 'ResourceNotFoundException' })]);
  });

  it('waits with exponential backoff and jitter through the injected sleep', async () => {
    eventBridge.on(PutEventsCommand).rejects(throttling());
    const random = vi.fn().mockReturnValueOnce(0).mockReturnValueOnce(0.999).mockReturnValue(0.5);
    const { publish, sleep } = publisher({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, random });

    const results = await publish([cancellation(1)]);

    // retry n waits between half and all of min(1000, 100 * 2^(n-1))
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([50, 200, 300, 600]);
    expect(sentCalls()).toHaveLength(5);
    expect(results[0]).toMatchObject({ status: 'failed', errorCode: 'ThrottlingException' });
  });

  it('keeps each request under the 256 KB PutEvents limit', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);
    // Extra fields are passed through, so a detail can be large while still valid.
    const big = (n: number) => cancellation(n, { padding: 'x'.repeat(100 * 1024) } as Partial<BookingCancelledInput>);

    const results = await publisher().publish([big(1), big(2), big(3), cancellation(4)]);

    const calls = sentCalls();
    expect(calls.map((input) => input.Entries?.length)).toEqual([2, 2]);
    for (const input of calls) {
      expect((input.Entries ?? []).reduce((sum, entry) => sum + entrySize(entry), 0)).toBeLessThanOrEqual(
        MAX_REQUEST_BYTES,
      );
    }
    expect(results.map((result) => result.status)).toEqual(Array(4).fill('published'));
  });

  it('reports an event larger than PutEvents accepts as failed without sending it', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);
    const huge = cancellation(1, { padding: 'x'.repeat(MAX_REQUEST_BYTES) } as Partial<BookingCancelledInput>);

    const results = await publisher().publish([huge, cancellation(2)]);

    expect(sentEventIds()).toEqual([['evt-2']]);
    expect(results[0]).toMatchObject({ status: 'failed', errorCode: 'EntryTooLarge' });
  });

  it('refuses a maxAttempts below 1', () => {
    expect(() => publisher({ maxAttempts: 0 })).toThrow(RangeError);
  });
});

describe('publisher types', () => {
  it('checks each detail against its detail-type at compile time', () => {
    const typeChecks = (publish: (events: readonly PublishEvent[]) => unknown) => {
      publish([
        cancellation(1),
        { detailType: 'BookingRescheduled', detail: { ...cancellation(2).detail, startsAt: '' } },
      ]);
      const withoutCancelledBy = { eventId: 'e', occurredAt: '', clinicId: 'c', bookingId: 'b' };
      // @ts-expect-error a BookingCancelled detail lacks cancelledBy
      publish([{ detailType: 'BookingCancelled', detail: withoutCancelledBy }]);
      // @ts-expect-error cancelledBy is patient or clinic
      publish([cancellation(1, { cancelledBy: 'therapist' })]);
      // @ts-expect-error not a detail-type of the contract
      publish([{ detailType: 'BookingHappened', detail: cancellation(1).detail }]);
    };

    expect(typeChecks).toBeTypeOf('function');
  });
});
