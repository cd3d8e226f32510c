import { describe, expect, it } from 'vitest';
import { onReminderDue, type ReminderPayload } from '../../../shared/domain/bookings';
import { EmailInFlightError, MailerError, type Dependencies } from '../../../shared/domain/ports';
import { STUCK_CLAIM_AFTER_MS } from '../../../shared/domain/send-once';
import { checkInJobName } from '../../../shared/domain/sessions';
import type { EmailKind } from '../../../shared/email/types';
import { exampleInput } from '../../support/examples';
import {
  InjectedFault,
  contractEvent,
  deliver,
  failOnce,
  instrument,
  journaled,
  slowDown,
  type CutMoment,
  type PortCall,
} from '../../support/faults';
import { createMemoryDependencies } from '../../support/memory';

/**
 * Every email is sent once per trigger even when an invocation fails half-way and Lambda
 * retries it (the same event, the same use case, from the start). For the three emails that
 * matter most (the booking confirmation, the reminder, the session follow-up) each test
 * fails one step, retries as Lambda's asynchronous retries would, and counts what went out.
 * Where the outcome of a step cannot be known (SES may or may not have sent), the design
 * prefers no duplicate: at most one email, and the claim stays "claimed" for operators.
 */

const CLINIC = 'riverside';
const BOOKING = 'bk-20270303-0001';
/** After the example booking was made (09:12Z), well before it starts (2027-03-03T14:30Z). */
const BOOKED_AT = new Date('2027-03-01T10:00:00Z');
/** Half an hour after the example session was completed (2027-03-04T10:00Z). */
const AFTER_SESSION = new Date('2027-03-04T10:30:00Z');
const REMINDER_AT = new Date('2027-03-02T14:30:00Z');
const CHECK_IN_AT = new Date('2027-03-07T10:00:00Z');
const SECOND = 1000;
/** Lambda's asynchronous retries come about one and then about two minutes after a failure. */
const LAMBDA_RETRY_DELAYS_MS = [61 * SECOND, 120 * SECOND];

type World = ReturnType<typeof createWorld>;

function createWorld() {
  const world = createMemoryDependencies(BOOKED_AT);
  const advanceBy = (ms: number) => world.advanceTo(new Date(world.dependencies.clock.now().getTime() + ms));
  return { ...world, advanceBy };
}

const bookingCreated = () => contractEvent('BookingCreated', exampleInput('BookingCreated'));
const sessionCompleted = () => contractEvent('SessionCompleted', exampleInput('SessionCompleted'));

interface Trigger {
  name: string;
  kind: EmailKind;
  claimKey: string;
  /** Brings a fresh world to the moment the trigger fires. */
  prepare(world: World): Promise<void>;
  /** One invocation: what Lambda runs, and runs again on a retry. */
  invoke(deps: Dependencies, world: World, options?: { crashBeforeMarking?: boolean }): Promise<unknown>;
  /** The outcome an invocation reports for this trigger's email. */
  emailOutcome(result: unknown): unknown;
  /** The schedules are what they should be once the trigger is done. */
  expectSchedules(world: World): void;
}

function reminderJobs(world: World) {
  return [...world.scheduler.jobs.values()].filter((job) => job.target === 'reminder');
}

function expectOneReminderJob(world: World) {
  const jobs = reminderJobs(world);
  expect(jobs).toHaveLength(1);
  expect(jobs[0]!.at.toISOString()).toBe(REMINDER_AT.toISOString());
  expect(jobs[0]!.payload).toEqual({
    clinicId: CLINIC,
    bookingId: BOOKING,
    startsAt: '2027-03-03T14:30:00.000Z',
    offsetMinutes: 1440,
  } satisfies ReminderPayload);
}

const processedOutcome = (result: unknown) => (result as { outcome?: unknown }).outcome;

const confirmation: Trigger = {
  name: 'BookingCreated confirmation',
  kind: 'confirmation',
  claimKey: `${CLINIC}/${BOOKING}/confirmation`,
  prepare: async () => undefined,
  invoke: (deps, _world, options) => deliver(deps, bookingCreated(), options),
  emailOutcome: (result) => (processedOutcome(result) as { emails: Record<string, string> }).emails.confirmation,
  expectSchedules: expectOneReminderJob,
};

const reminder: Trigger = {
  name: 'reminder',
  kind: 'reminder',
  claimKey: `${CLINIC}/${BOOKING}/reminder#2027-03-03T14:30:00.000Z#1440`,
  async prepare(world) {
    await deliver(world.dependencies, bookingCreated());
    world.advanceTo(REMINDER_AT);
  },
  // The due-jobs function runs the reminder with the payload the booking scheduled.
  invoke: (deps, world) => onReminderDue(deps, reminderJobs(world)[0]!.payload as unknown as ReminderPayload),
  emailOutcome: (result) => result,
  expectSchedules: expectOneReminderJob,
};

const followUp: Trigger = {
  name: 'SessionCompleted follow-up',
  kind: 'follow-up',
  claimKey: `${CLINIC}/${BOOKING}/follow-up`,
  async prepare(world) {
    await deliver(world.dependencies, bookingCreated());
    world.advanceTo(AFTER_SESSION);
  },
  invoke: (deps, _world, options) => deliver(deps, sessionCompleted(), options),
  emailOutcome: (result) => (processedOutcome(result) as { followUp: string }).followUp,
  expectSchedules(world) {
    const checkIns = [...world.scheduler.jobs.values()].filter((job) => job.target === 'check-in');
    expect(checkIns).toHaveLength(1);
    expect(checkIns[0]!.name).toBe(checkInJobName(CLINIC, BOOKING));
    expect(checkIns[0]!.at.toISOString()).toBe(CHECK_IN_AT.toISOString());
  },
};

const triggers = [confirmation, reminder, followUp];

/** A world at the trigger's moment, and a counter of the emails sent from then on. */
async function atTrigger(trigger: Trigger) {
  const world = createWorld();
  await trigger.prepare(world);
  const before = world.mailer.sent.length;
  return { world, emailsSent: () => world.mailer.sent.length - before };
}

const claimOf = (world: World, trigger: Trigger) => world.store.emailClaims.get(trigger.claimKey);

describe.each(triggers)('$name', (trigger) => {
  it('no failure: one email, and a redelivery sends nothing more', async () => {
    const { world, emailsSent } = await atTrigger(trigger);
    expect(trigger.emailOutcome(await trigger.invoke(world.dependencies, world))).toBe('sent');
    expect(emailsSent()).toBe(1);
    expect(claimOf(world, trigger)).toMatchObject({ status: 'sent', kind: trigger.kind });
    trigger.expectSchedules(world);
  });

  it('SES refused: the claim is released and the retry sends exactly one', async () => {
    const { world, emailsSent } = await atTrigger(trigger);
    const refusal = failOnce(world.mailer, 'send', () => new MailerError('TooManyRequestsException', true));

    await expect(trigger.invoke(world.dependencies, world)).rejects.toBeInstanceOf(MailerError);
    expect(refusal.fired).toBe(true);
    expect(emailsSent()).toBe(0);
    expect(claimOf(world, trigger)).toBeUndefined();

    world.advanceBy(LAMBDA_RETRY_DELAYS_MS[0]!);
    expect(trigger.emailOutcome(await trigger.invoke(world.dependencies, world))).toBe('sent');
    expect(emailsSent()).toBe(1);
    expect(claimOf(world, trigger)).toMatchObject({ status: 'sent', kind: trigger.kind });
    trigger.expectSchedules(world);
  });

  it.each([
    { moment: 'after' as CutMoment, delivered: 1, story: 'SES sent it' },
    { moment: 'before' as CutMoment, delivered: 0, story: 'SES did not send it' },
  ])(
    'SES outcome unknown ($story): a retry within 60 s waits, one after sends nothing, the claim stays for operators',
    async ({ moment, delivered }) => {
      const { world, emailsSent } = await atTrigger(trigger);
      failOnce(world.mailer, 'send', () => new MailerError('RequestTimeout', false), moment);

      await expect(trigger.invoke(world.dependencies, world)).rejects.toBeInstanceOf(MailerError);
      expect(emailsSent()).toBe(delivered);

      // Within the window the claim may belong to an invocation still waiting for SES.
      world.advanceBy(30 * SECOND);
      await expect(trigger.invoke(world.dependencies, world)).rejects.toBeInstanceOf(EmailInFlightError);

      world.advanceBy(STUCK_CLAIM_AFTER_MS);
      expect(trigger.emailOutcome(await trigger.invoke(world.dependencies, world))).toBe('claim-stuck');
      expect(emailsSent()).toBe(delivered);
      expect(emailsSent()).toBeLessThanOrEqual(1);
      expect(claimOf(world, trigger)).toMatchObject({ status: 'claimed', kind: trigger.kind });
      trigger.expectSchedules(world);
    },
  );

  it('SES accepted, recording failed: the retry sends nothing', async () => {
    const { world, emailsSent } = await atTrigger(trigger);
    const fault = failOnce(world.store, 'recordEmailSent');

    await expect(trigger.invoke(world.dependencies, world)).rejects.toBeInstanceOf(InjectedFault);
    expect(fault.fired).toBe(true);
    expect(emailsSent()).toBe(1);

    await expect(trigger.invoke(world.dependencies, world)).rejects.toBeInstanceOf(EmailInFlightError);
    world.advanceBy(LAMBDA_RETRY_DELAYS_MS[0]!);
    expect(trigger.emailOutcome(await trigger.invoke(world.dependencies, world))).toBe('claim-stuck');
    expect(emailsSent()).toBe(1);
    // The send is not on record, so operators see a claim without a send for an email that went out.
    expect(claimOf(world, trigger)).toMatchObject({ status: 'claimed', kind: trigger.kind });
    trigger.expectSchedules(world);
  });

  it('event marked processed never happened (crash after everything): the full redelivery sends nothing more', async () => {
    const { world, emailsSent } = await atTrigger(trigger);

    // A reminder marks nothing processed; its redelivery is the due job delivered again.
    const first = trigger.invoke(world.dependencies, world, { crashBeforeMarking: true });
    if (trigger === reminder) expect(await first).toBe('sent');
    else await expect(first).rejects.toBeInstanceOf(InjectedFault);
    expect(emailsSent()).toBe(1);

    world.advanceBy(LAMBDA_RETRY_DELAYS_MS[0]!);
    const again = await trigger.invoke(world.dependencies, world);
    expect(trigger.emailOutcome(again)).toBe('already-sent');
    if (trigger !== reminder) expect(again).toMatchObject({ status: 'processed' });
    expect(emailsSent()).toBe(1);
    expect(claimOf(world, trigger)).toMatchObject({ status: 'sent' });
    // Marked now: a third delivery is recognised as a duplicate before any work.
    if (trigger !== reminder) {
      await expect(trigger.invoke(world.dependencies, world)).resolves.toEqual({ status: 'duplicate' });
    }
    trigger.expectSchedules(world);
  });

  it('five duplicate deliveries at once, each retried while the email is in flight: exactly one email', async () => {
    const { world, emailsSent } = await atTrigger(trigger);
    // A slow SES keeps the first claim in flight while the other deliveries reach it.
    slowDown(world.mailer, 'send', 50);
    let inFlight = 0;
    const invokeUntilDone = async (): Promise<unknown> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await trigger.invoke(world.dependencies, world);
        } catch (error) {
          if (!(error instanceof EmailInFlightError) || attempt >= 10) throw error;
          inFlight++;
          // Lambda retries later; the clock stays inside the 60 s window, so nothing is stuck.
          await new Promise((resolve) => setTimeout(resolve, 60));
        }
      }
    };

    const results = await Promise.all(Array.from({ length: 5 }, invokeUntilDone));

    expect(emailsSent()).toBe(1);
    expect(inFlight).toBeGreaterThan(0);
    const outcomes = results.map((result) =>
      (result as { status?: string }).status === 'duplicate' ? 'duplicate' : trigger.emailOutcome(result),
    );
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(outcomes.every((outcome) => ['sent', 'already-sent', 'duplicate'].includes(outcome as string))).toBe(true);
    expect(claimOf(world, trigger)).toMatchObject({ status: 'sent', kind: trigger.kind });
    trigger.expectSchedules(world);
  });
});

describe('record written, then the scheduler call failed', () => {
  it('BookingCreated confirmation: the retry sends exactly one and schedules the reminder once', async () => {
    const { world, emailsSent } = await atTrigger(confirmation);
    const fault = failOnce(world.scheduler, 'ensure');

    await expect(confirmation.invoke(world.dependencies, world)).rejects.toBeInstanceOf(InjectedFault);
    expect(fault.fired).toBe(true);
    expect((await world.store.getBooking(CLINIC, BOOKING))?.record.created).toBeDefined();
    expect(emailsSent()).toBe(0);
    expect(world.scheduler.jobs.size).toBe(0);

    world.advanceBy(LAMBDA_RETRY_DELAYS_MS[0]!);
    await expect(confirmation.invoke(world.dependencies, world)).resolves.toMatchObject({
      status: 'processed',
      outcome: { applied: false, emails: { confirmation: 'sent' }, remindersScheduled: 1 },
    });
    expect(emailsSent()).toBe(1);
    expectOneReminderJob(world);
  });

  it('reminder: the booking retry schedules it once, and it fires exactly one reminder', async () => {
    const world = createWorld();
    failOnce(world.scheduler, 'ensure');
    await expect(confirmation.invoke(world.dependencies, world)).rejects.toBeInstanceOf(InjectedFault);
    world.advanceBy(LAMBDA_RETRY_DELAYS_MS[0]!);
    await confirmation.invoke(world.dependencies, world);
    expectOneReminderJob(world);

    world.advanceTo(REMINDER_AT);
    const before = world.mailer.sent.length;
    expect(await reminder.invoke(world.dependencies, world)).toBe('sent');
    // Scheduler delivers at least once: a second firing sends nothing.
    expect(await reminder.invoke(world.dependencies, world)).toBe('already-sent');
    expect(world.mailer.sent.length - before).toBe(1);
    expect(claimOf(world, reminder)).toMatchObject({ status: 'sent', kind: 'reminder' });
  });

  it('SessionCompleted follow-up: the retry sends exactly one and schedules the check-in once', async () => {
    const { world, emailsSent } = await atTrigger(followUp);
    const fault = failOnce(world.scheduler, 'ensure');

    await expect(followUp.invoke(world.dependencies, world)).rejects.toBeInstanceOf(InjectedFault);
    expect(fault.fired).toBe(true);
    const file = await world.store.getPatientFile(CLINIC, 'pt-0042');
    expect(file.sessions.map((entry) => entry.record.bookingId)).toEqual([BOOKING]);
    expect(emailsSent()).toBe(0);

    world.advanceBy(LAMBDA_RETRY_DELAYS_MS[0]!);
    await expect(followUp.invoke(world.dependencies, world)).resolves.toMatchObject({
      status: 'processed',
      outcome: { applied: false, followUp: 'sent' },
    });
    expect(emailsSent()).toBe(1);
    followUp.expectSchedules(world);
  });
});

/**
 * The cut points above, generalised: the first invocation fails at its k-th port call, for
 * every k, either before the call took effect or after it (the answer was lost). A failed
 * SES call is a refusal when it took no effect and an unknown outcome when it did, as the
 * SES adapter reports them. Lambda then retries (twice at most, a minute apart or more).
 */
describe('a failure at any port call, before or after it took effect', () => {
  /**
   * Where the domain cannot know whether the email went out it keeps the claim and sends no
   * more: SES's answer lost after it sent (one email), and the claim's own write applied but
   * its answer lost. That last one sends nothing at all, though SES was never called: the
   * retry's new token cannot tell the claim from one whose invocation is still waiting for SES,
   * so after 60 s it is left stuck. A known gap against send-once.ts's "at least once unless an
   * invocation dies while SES is answering"; DynamoStore.claimEmail could at least recognise its
   * own token when the SDK's retry of the same PutItem meets the condition failure.
   */
  const unknownOutcome = (call: PortCall, moment: CutMoment) =>
    moment === 'after' && (call.method === 'send' || call.method === 'claimEmail');
  const sendNotRecorded = (call: PortCall, moment: CutMoment) =>
    moment === 'before' && call.method === 'recordEmailSent';

  const errorFor = (call: PortCall, moment: CutMoment) =>
    call.port === 'mailer'
      ? new MailerError(moment === 'before' ? 'TooManyRequestsException' : 'RequestTimeout', moment === 'before')
      : new InjectedFault(`${call.port}.${call.method} failed ${moment} taking effect`);

  it.each(triggers)(
    '$name: exactly one email after the retries, or at most one with the claim kept',
    async (trigger) => {
      // A clean run tells how many port calls one invocation makes.
      const dry = await atTrigger(trigger);
      const journal = journaled(dry.world.dependencies);
      await trigger.invoke(journal.dependencies, dry.world);
      const calls = journal.calls;
      expect(calls.length).toBeGreaterThan(5);

      let cases = 0;
      for (const call of calls) {
        for (const moment of ['before', 'after'] as CutMoment[]) {
          const { world, emailsSent } = await atTrigger(trigger);
          let fired: PortCall | undefined;
          const deps = instrument(world.dependencies, (current, now) => {
            if (fired || current.index !== call.index || now !== moment) return;
            fired = current;
            throw errorFor(current, moment);
          });
          const label = `${call.port}.${call.method} (call ${call.index}) failed ${moment}`;

          let attempts = 0;
          let result: unknown;
          for (;;) {
            attempts++;
            try {
              result = await trigger.invoke(deps, world);
              break;
            } catch (error) {
              if (attempts > LAMBDA_RETRY_DELAYS_MS.length)
                throw new Error(`${label}: still failing`, { cause: error });
              world.advanceBy(LAMBDA_RETRY_DELAYS_MS[attempts - 1]!);
            }
          }
          cases++;

          expect(fired, label).toMatchObject({ port: call.port, method: call.method });
          const claim = claimOf(world, trigger);
          if (unknownOutcome(call, moment)) {
            expect(emailsSent(), label).toBe(call.method === 'send' ? 1 : 0);
            expect(trigger.emailOutcome(result), label).toBe('claim-stuck');
            expect(claim?.status, label).toBe('claimed');
          } else {
            expect(emailsSent(), label).toBe(1);
            expect(claim?.status, label).toBe(sendNotRecorded(call, moment) ? 'claimed' : 'sent');
          }
          trigger.expectSchedules(world);
        }
      }
      expect(cases).toBe(calls.length * 2);
    },
  );
});
