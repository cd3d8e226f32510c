import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultStats, type LocalFaultOptions } from '../../infra/local/fault-proxy';
import type { LocalStack } from '../../infra/local/stack';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import { MailerError } from '../../shared/domain/ports';
import { DEFAULT_TIMING } from '../../shared/defaults';
import { scenario } from '../support/scenario';

/**
 * The local stack with fault injection (infra/local/fault-proxy.ts) between the real
 * handlers and DynamoDB Local, the SES emulator and the Scheduler emulator: throttles, 5xx
 * and connection resets at fixed seeded rates, and SES's sending rate of 14 a second. Every
 * flow goes in through PutEvents with the AWS SDK; the handlers' own retries (SDK retries,
 * the SES adapter's throttling retries) and the emulators' retries (EventBridge: two more
 * attempts after 2 and 4 s; Scheduler: two immediate retries) must absorb every fault:
 * each expected email exactly once, none twice, nothing dead-lettered but the poisoned events.
 *
 * SES timeouts are off in this run (`ses` timeoutRate 0): a reset on SendEmail leaves it
 * unknown whether SES sent, and the design then keeps the claim and never sends again
 * (at most once, alarmed as "claimed without send"). That case is proven separately below.
 */

const FAULTS: LocalFaultOptions = {
  seed: 42,
  throttleRate: 0.05,
  serverErrorRate: 0.02,
  timeoutRate: 0.01,
  sesRatePerSecond: 14,
  services: { ses: { timeoutRate: 0 } },
};
const BOOKINGS = Number(process.env.CARELOOP_FAULTS_BOOKINGS ?? 60);
const POISONED = 3;

type Kind = 'confirmation' | 'reschedule' | 'cancellation' | 'reminder' | 'follow-up' | 'check-in';

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
}

let stack: LocalStack;
let eventBridge: EventBridgeClient;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
  const { startTestStack } = await import('../support/test-stack');
  // Quiet hours as a deployment has them: the run's reminders and check-ins move around them.
  stack = await startTestStack({ quietHours: DEFAULT_TIMING.quietHours, faults: FAULTS });
  eventBridge = new EventBridgeClient({ endpoint: stack.endpoints.events, region: 'eu-central-1', credentials });
}, 90_000);

afterAll(async () => {
  eventBridge?.destroy();
  await stack?.stop();
});

const kindOf = (subject: string): Kind | 'unknown' => {
  if (subject.startsWith('Reminder:')) return 'reminder';
  if (subject.includes('has moved to')) return 'reschedule';
  if (subject.endsWith('is cancelled')) return 'cancellation';
  if (subject.includes('self-care plan')) return 'follow-up';
  if (subject === 'How are you feeling?') return 'check-in';
  if (subject.startsWith('Your appointment on')) return 'confirmation';
  return 'unknown';
};

async function inbox(addresses: Set<string>): Promise<StoredEmail[]> {
  const { emails } = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: StoredEmail[] };
  return emails.filter((email) => addresses.has(email.destination.to[0]!));
}

async function deadLetters() {
  return (await (await fetch(`${stack.endpoints.events}/_local/dead-letters`)).json()) as {
    detail: { booking?: { bookingId?: string }; bookingId?: string; schedule?: string } | string;
    error: string;
    detailType: string;
  }[];
}

/**
 * Waits until the stack is idle (every delivery, retry, due job and outbox entry done), then until
 * `count` emails arrived, then for the stack to be idle again: whatever a fault delayed has then
 * landed, and an email sent twice would be in the inbox. Awaited, not slept.
 */
async function waitFor(addresses: Set<string>, count: number, phase: string, timeoutMs = 30_000) {
  const begun = Date.now();
  const deadline = begun + timeoutMs;
  await stack.idle();
  while ((await inbox(addresses)).length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stack.idle();
  }
  await stack.idle();
  const got = (await inbox(addresses)).length;
  phases.push({ phase, expected: count, got, seconds: Math.round((Date.now() - begun) / 100) / 10 });
}

const entry = (detailType: string, detail: unknown): PutEventsRequestEntry => ({
  EventBusName: 'clinic-events',
  Source: detailType.startsWith('Booking') ? 'clinic.booking' : 'clinic.care',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

let published = 0;
const phases: { phase: string; expected: number; got: number; seconds: number }[] = [];
/** Every entry goes out twice, the copy in another batch, as a producer's retry would send it. */
async function publish(once: PutEventsRequestEntry[]) {
  const entries = [...once, ...[...once].reverse()];
  for (let i = 0; i < entries.length; i += 10) {
    const result = await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    expect(result.FailedEntryCount).toBe(0);
    published += entries.slice(i, i + 10).length;
  }
}

async function advance(seconds: number): Promise<{ now: string; fired: number }> {
  const response = await fetch(`${stack.endpoints.events}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  return (await response.json()) as { now: string; fired: number };
}

const sumStats = (all: FaultStats[]) =>
  all.reduce(
    (total, s) => ({
      requests: total.requests + s.requests,
      forwarded: total.forwarded + s.forwarded,
      throttled: total.throttled + s.throttled,
      rateLimited: total.rateLimited + s.rateLimited,
      serverErrors: total.serverErrors + s.serverErrors,
      timeouts: total.timeouts + s.timeouts,
    }),
    { requests: 0, forwarded: 0, throttled: 0, rateLimited: 0, serverErrors: 0, timeouts: 0 },
  );

describe('the local stack under injected faults', () => {
  it(`delivers every expected email exactly once for ${BOOKINGS} bookings with reschedules, cancellations, sessions, reminders and check-ins, every event delivered twice and some out of order`, async () => {
    const started = Date.now();
    const clockNow = (await (await fetch(`${stack.endpoints.events}/_local/clock`)).json()) as { now: string };
    const now = Date.parse(clockNow.now);
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    // Five shapes, in turn: plain; rescheduled; cancelled; rescheduled then cancelled; and
    // cancelled with the cancellation delivered before the booking itself (out of order).
    const bookings = Array.from({ length: BOOKINGS }, (_, i) => {
      const startsAt = now + 72 * 3600_000 + i * 7 * 60_000;
      return {
        s: scenario({ startsAt: at(startsAt) }),
        shape: i % 5,
        startsAt,
        movedTo: startsAt + 24 * 3600_000,
      };
    });
    const rescheduled = bookings.filter((b) => b.shape === 1 || b.shape === 3);
    const cancelled = bookings.filter((b) => b.shape === 2 || b.shape === 3);
    const attended = bookings.filter((b) => b.shape === 0 || b.shape === 1);
    const expected = new Map<string, Kind[]>(
      bookings.map((b) => [
        b.s.email,
        (
          [
            ['confirmation', b.shape !== 4],
            ['reschedule', b.shape === 1 || b.shape === 3],
            ['cancellation', b.shape === 2 || b.shape === 3 || b.shape === 4],
            ['reminder', b.shape === 0 || b.shape === 1],
            ['follow-up', b.shape === 0 || b.shape === 1],
            ['check-in', b.shape === 0 || b.shape === 1],
          ] as const
        ).flatMap(([kind, yes]) => (yes ? [kind as Kind] : [])),
      ]),
    );
    const addresses = new Set(expected.keys());
    let due = 0;

    // 0. Cancellations that overtake their bookings: nothing to send yet.
    const overtaken = bookings.filter((b) => b.shape === 4);
    await publish(overtaken.map((b) => entry('BookingCancelled', b.s.cancelled())));

    // 1. Bookings (the overtaken ones now owe only their cancellation), and a few poisoned events.
    const poisoned = Array.from({ length: POISONED }, () => scenario({ startsAt: at(now + 80 * 3600_000) }));
    await publish([
      ...bookings.map((b) => entry('BookingCreated', b.s.created())),
      ...poisoned.map((p) => entry('BookingCreated', p.created({ patient: { email: 'not-an-address' } }))),
    ]);
    await waitFor(addresses, (due += BOOKINGS), 'bookings');

    // 2. Reschedules (one day later), then 3. cancellations.
    await publish(rescheduled.map((b) => entry('BookingRescheduled', b.s.rescheduled({ startsAt: at(b.movedTo) }))));
    await waitFor(addresses, (due += rescheduled.length), 'reschedules');
    await publish(cancelled.map((b) => entry('BookingCancelled', b.s.cancelled())));
    await waitFor(addresses, (due += cancelled.length), 'cancellations');

    // 4. Past every reminder and every appointment: the reminders fire, each at its moment.
    const first = await advance(110 * 3600);
    await waitFor(addresses, (due += attended.length), 'reminders');

    // 5. Sessions an hour after each appointment: follow-ups now, check-ins three days later.
    await publish(
      attended.map((b) => {
        const completedAt = at((b.shape === 1 ? b.movedTo : b.startsAt) + 3600_000);
        return entry('SessionCompleted', b.s.sessionCompleted({ completedAt, occurredAt: completedAt }));
      }),
    );
    await waitFor(addresses, (due += attended.length), 'follow-ups');
    const second = await advance(110 * 3600);
    await waitFor(addresses, (due += attended.length), 'check-ins');

    // The invariants.
    const emails = await inbox(addresses);
    const byAddress = new Map<string, string[]>();
    for (const email of emails) {
      const to = email.destination.to[0]!;
      byAddress.set(to, [...(byAddress.get(to) ?? []), kindOf(email.subject)]);
    }
    const wrong = [...expected].flatMap(([address, kinds]) => {
      const got = [...(byAddress.get(address) ?? [])].sort();
      return JSON.stringify(got) === JSON.stringify([...kinds].sort()) ? [] : [{ address, expected: kinds, got }];
    });
    const letters = await deadLetters();
    const poisonedIds = new Set(poisoned.map((p) => p.bookingId));
    const unexpectedLetters = letters.filter(
      (letter) => typeof letter.detail === 'string' || !poisonedIds.has(letter.detail.booking?.bookingId ?? ''),
    );
    const proxies = stack.faultProxies!;
    const stats = [proxies.dynamodb.stats(), proxies.ses.stats(), proxies.scheduler.stats()];
    const total = sumStats(stats);
    const figures = {
      seed: FAULTS.seed,
      rates: {
        throttle: FAULTS.throttleRate,
        error: FAULTS.serverErrorRate,
        timeout: FAULTS.timeoutRate,
        sesTimeout: 0,
        sesRatePerSecond: FAULTS.sesRatePerSecond,
      },
      bookings: BOOKINGS,
      eventsPublished: published,
      poisoned: POISONED,
      schedulesFired: first.fired + second.fired,
      emailsExpected: [...expected.values()].reduce((n, kinds) => n + kinds.length, 0),
      emailsChecked: emails.length,
      wrongInboxes: wrong.length,
      deadLetters: letters.length,
      unexpectedDeadLetters: unexpectedLetters.length,
      faults: {
        throttled: total.throttled,
        rateLimited: total.rateLimited,
        serverErrors: total.serverErrors,
        timeouts: total.timeouts,
      },
      requests: total.requests,
      forwarded: total.forwarded,
      perService: Object.fromEntries(stats.map(({ service, ...rest }) => [service, rest])),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      phases,
    };
    console.info(`reliability faults: ${JSON.stringify(figures)}`);
    if (wrong.length > 0 || unexpectedLetters.length > 0) {
      console.info(
        `reliability faults: failures ${JSON.stringify({ wrong: wrong.slice(0, 10), unexpectedLetters: unexpectedLetters.slice(0, 10) })}`,
      );
    }

    expect(total.throttled + total.serverErrors + total.timeouts).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
    expect(emails).toHaveLength(figures.emailsExpected);
    expect(unexpectedLetters).toEqual([]);
    expect(
      new Set(letters.map((letter) => (letter.detail as { booking: { bookingId: string } }).booking.bookingId)),
    ).toEqual(poisonedIds);
    expect(letters.every((letter) => letter.error.includes('patient.email'))).toBe(true);
  }, 300_000);

  it('keeps SendEmail at most once when SES accepted it but the answer was lost (timeoutMode "after")', async () => {
    const proxy = await createFaultProxy({
      target: stack.endpoints.ses,
      seed: 7,
      service: 'ses',
      timeoutRate: 1,
      timeoutMode: 'after',
      timeoutMs: 50,
    });
    const client = new SESv2Client({
      endpoint: proxy.endpoint,
      region: 'eu-central-1',
      credentials,
      maxAttempts: 1,
    });
    const to = `lost-answer.${Date.now()}@example.com`;
    try {
      const mailer = createSesMailer(client, { from: 'appointments@careloop.local', sleep: async () => undefined });
      const error = await mailer
        .send({
          to,
          subject: 'Your appointment',
          html: '<p>hi</p>',
          text: 'hi',
          attachments: [],
          headers: [],
          ids: { clinicId: 'riverside', patientId: 'pt-1', kind: 'confirmation' },
        })
        .catch((caught: unknown) => caught);
      // No HTTP answer: the adapter cannot tell that SES sent, so a retry is not safe.
      expect(error).toBeInstanceOf(MailerError);
      expect((error as MailerError).definitelyNotSent).toBe(false);
      // And SES did send it, once.
      expect(await inbox(new Set([to]))).toHaveLength(1);
      expect(proxy.stats()).toMatchObject({ requests: 1, timeouts: 1, forwarded: 0 });
    } finally {
      client.destroy();
      await proxy.close();
    }
  });

  it('answers throttles the way the SDK recognises, deterministically for a seed', async () => {
    const draws = async (seed: number) => {
      const proxy = await createFaultProxy({ target: stack.endpoints.ses, seed, service: 'ses', throttleRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(`${proxy.endpoint}/store`)).status);
      await proxy.close();
      return statuses;
    };
    const one = await draws(3);
    expect(one).toEqual(await draws(3));
    expect(one).toContain(429);
    expect(one).toContain(200);

    const proxy = await createFaultProxy({ target: stack.endpoints.ses, seed: 1, service: 'ses', throttleRate: 1 });
    const client = new SESv2Client({ endpoint: proxy.endpoint, region: 'eu-central-1', credentials, maxAttempts: 1 });
    try {
      const mailer = createSesMailer(client, {
        from: 'a@careloop.local',
        maxAttempts: 2,
        sleep: async () => undefined,
      });
      const error = (await mailer
        .send({
          to: 'x@example.com',
          subject: 's',
          html: 'h',
          text: 't',
          attachments: [],
          headers: [],
          ids: { clinicId: 'riverside', patientId: 'pt-1', kind: 'confirmation' },
        })
        .catch((caught: unknown) => caught)) as MailerError;
      expect(error.code).toBe('TooManyRequestsException');
      expect(error.definitelyNotSent).toBe(true);
      expect(proxy.stats()).toMatchObject({ requests: 2, throttled: 2, forwarded: 0 });
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
