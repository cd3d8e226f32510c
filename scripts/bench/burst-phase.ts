import type { FunctionLogLine } from '../../infra/local/lambda-workers';
import type { LocalStack } from '../../infra/local/stack';
import { measureCpu, type CpuSeconds } from './cpu';
import { bookingCreated, ids, localPublisher } from './scenarios';
import type { SdkCall } from './sdk-probe';
import { percentile } from './stats';

/**
 * The local stack end to end: `bookings` BookingCreated events published as a front end would
 * (PutEvents, 10 entries a request, one request after another), until every confirmation has
 * been handed to SES. Latency is from the moment an event's PutEvents request was sent to the
 * moment its confirmation's SendEmail returned; the inbox is then read to check each patient
 * got exactly one.
 */

export interface BurstFigures {
  bookings: number;
  publishSeconds: number;
  secondsToAllConfirmations: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  confirmationsOnce: number;
  duplicates: number;
  missing: number;
  deadLetters: number;
  /** From the first publish until every confirmation was sent. */
  cpuSeconds: CpuSeconds;
}

/**
 * Told of each SendEmail as it returns, by wrapping the SDK in this process: the functions must
 * run here (the stack's `inProcessFunctions`).
 */
export const sdkObserver =
  (observeSdkCalls: (listener: (call: SdkCall) => void) => () => void) => (onSent: (to: string, at: number) => void) =>
    observeSdkCalls((call) => {
      if (call.command !== 'SendEmailCommand' || call.error) return;
      const to = (call.input.Destination as { ToAddresses?: string[] } | undefined)?.ToAddresses?.[0];
      if (to) onSent(to, call.endedAt);
    });

/**
 * Told of each confirmation by booking-created's one INFO line per invocation, written right after
 * the email is recorded as sent: for functions running elsewhere (the workers `npm start` runs
 * them in), whose lines the stack hands over (`onLog`). Later than the SendEmail's return by the
 * write that records it.
 */
export function confirmationLines() {
  let listener: ((bookingId: string, at: number) => void) | undefined;
  const onLog = ({ functionName, line }: FunctionLogLine) => {
    if (!listener || functionName !== 'booking-created' || !line.includes('"event processed"')) return;
    const at = performance.now();
    const { bookingId, outcome } = JSON.parse(line) as {
      bookingId?: string;
      outcome?: { emails?: Record<string, string> };
    };
    if (bookingId && outcome?.emails?.confirmation === 'sent') listener(bookingId, at);
  };
  const observe = (onSent: (bookingId: string, at: number) => void) => {
    listener = onSent;
    return () => void (listener = undefined);
  };
  return { onLog, observe };
}

export async function runBurstPhase(options: {
  stack: LocalStack;
  bookings: number;
  /** Starts every booking's ids, so that bursts run one after another on the same stack never meet. */
  tokenPrefix: string;
  /** Calls back with each confirmation's recipient or booking when it was sent: sdkObserver or confirmationLines. */
  observe(onSent: (addressOrBookingId: string, at: number) => void): () => void;
  log(message: string): void;
}): Promise<BurstFigures> {
  const { stack, bookings } = options;
  const publisher = localPublisher(stack.endpoints.events);
  const context = { now: stack.clock.now(), unsubscribeKey: '' };
  const tokens = Array.from({ length: bookings }, (_, i) => `${options.tokenPrefix}${String(i).padStart(6, '0')}`);
  const tokenOfAddress = new Map(tokens.map((token) => [ids(token).email, token]));
  const tokenOf = new Map([...tokenOfAddress, ...tokens.map((token) => [ids(token).bookingId, token] as const)]);
  const publishedAt = new Map<string, number>();
  const confirmedAt = new Map<string, number>();
  let resolveAll: () => void = () => undefined;
  const allConfirmed = new Promise<void>((resolve) => (resolveAll = resolve));
  const stop = options.observe((addressOrBookingId, at) => {
    const token = tokenOf.get(addressOrBookingId);
    if (!token || confirmedAt.has(token)) return;
    confirmedAt.set(token, at);
    if (confirmedAt.size === bookings) resolveAll();
  });

  options.log(`burst: publishing ${bookings} BookingCreated in batches of 10`);
  const cpu = measureCpu(stack.dynamodbProcessId);
  const started = performance.now();
  for (let i = 0; i < tokens.length; i += 10) {
    const batch = tokens.slice(i, i + 10);
    const sentAt = performance.now();
    for (const token of batch) publishedAt.set(token, sentAt);
    const results = await publisher.publish(
      batch.map((token) => ({ detailType: 'BookingCreated' as const, detail: bookingCreated(token, context) })),
    );
    if (results.some((result) => result.status !== 'published')) throw new Error('a burst booking was not published');
  }
  const publishSeconds = (performance.now() - started) / 1000;
  // Every confirmation seen, or the stack idle without some: an email lost is then counted as
  // missing instead of waited for. A second's grace lets the last lines of finished work arrive.
  await Promise.race([
    allConfirmed,
    stack.idle().then(() => new Promise<void>((resolve) => setTimeout(resolve, 1000))),
  ]);
  const secondsToAllConfirmations = (performance.now() - started) / 1000;
  const cpuSeconds = cpu();
  stop();
  await stack.idle();

  const inbox = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  const received = new Map<string, number>();
  for (const email of inbox.emails)
    for (const address of email.destination.to)
      if (tokenOfAddress.has(address)) received.set(address, (received.get(address) ?? 0) + 1);
  const latencies = tokens
    .filter((token) => confirmedAt.has(token))
    .map((token) => confirmedAt.get(token)! - publishedAt.get(token)!);
  return {
    bookings,
    publishSeconds,
    secondsToAllConfirmations,
    eventsPerSecond: bookings / secondsToAllConfirmations,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
    },
    confirmationsOnce: [...received.values()].filter((n) => n === 1).length,
    duplicates: [...received.values()].filter((n) => n > 1).length,
    missing: bookings - received.size,
    deadLetters: stack.deadLetters.length,
    cpuSeconds,
  };
}
