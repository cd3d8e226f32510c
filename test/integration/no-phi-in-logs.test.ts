import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { output } from '../../shared/adapters/logger';
import { functionUrlRequest, sesEvent } from '../support/aws-events';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Every flow through the deployed handlers, logging at DEBUG, and every line they write
 * captured: none may carry what identifies the patient or describes their care.
 *
 * The logger and the metrics write their lines to stdout and stderr through `output`
 * (shared/adapters/logger.ts); both reach CloudWatch Logs on AWS. So `output.write`, both
 * streams' `write` and the console methods are captured, from before the harness imports the
 * handlers.
 */

// Values that cannot occur by chance in a log line.
const FIRST_NAME = 'Zebulon';
const LAST_NAME = 'Quillfeather';
const EMAIL = 'zebulon.q@example.org';
const EMAIL_LOCAL_PART = 'zebulon.q';
const NEW_EMAIL = 'zebulon.quill@example.net';
const NOTE = 'Marigold-compress on the left trapezius twice a day';
const NOTE_MARKER = 'Marigold-compress';
const CANCEL_REASON = 'Heliotrope flare-up of sciatica';
const CANCEL_MARKER = 'Heliotrope';
const PAIN_BEFORE = 9;
const PAIN_AFTER = 2;
const PAIN_NOW = 8;

const captured: string[] = [];
const savedEnv = {
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL,
  POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED,
};
let harness: Harness;

const text = (chunk: unknown) =>
  typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);

function captureOutput() {
  const streamSpy = (stream: NodeJS.WriteStream) =>
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      captured.push(text(chunk));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write);
  streamSpy(process.stdout);
  streamSpy(process.stderr);
  // The logger and the metrics write to the descriptors directly (shared/adapters/logger.ts).
  vi.spyOn(output, 'write').mockImplementation((_descriptor, chunk) => {
    captured.push(chunk);
  });
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(format(...args));
    });
  }
}

/** Every captured line (a write may hold several, or part of one). */
const lines = () =>
  captured
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

async function advanceTo(instant: string) {
  const seconds = (Date.parse(instant) - harness.clock.now().getTime()) / 1000;
  if (seconds > 0) await harness.advance(seconds);
}

const s = scenario({ startsAt: '2027-11-10T15:30:00+01:00' });
const later = scenario({ startsAt: '2027-12-01T10:00:00+01:00' });
const patient = { firstName: FIRST_NAME, lastName: LAST_NAME, email: EMAIL };

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  // EMF metric lines go to the same log stream: scan them too.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  captureOutput();
  harness = await createHarness({ now: new Date('2027-11-01T09:00:00Z') });

  // The clinic's profile, with a staff alert address; plan, booking, a duplicate delivery, a reschedule.
  await harness.publish('ClinicProfileUpdated', s.clinicProfile());
  await harness.publish('TreatmentPlanCreated', s.planCreated({ occurredAt: '2027-11-01T08:00:00Z' }));
  const created = s.created({ patient });
  await harness.publish('BookingCreated', created);
  await harness.publish('BookingCreated', created);
  await harness.publish('BookingRescheduled', s.rescheduled({ startsAt: '2027-11-11T15:30:00+01:00' }));

  // The reminder fires 24 hours before the new start.
  await advanceTo('2027-11-10T14:31:00Z');

  // The session, with the therapist's note and pain scores; then its check-in three days later.
  await harness.publish(
    'SessionCompleted',
    s.sessionCompleted({
      occurredAt: '2027-11-11T16:35:00+01:00',
      completedAt: '2027-11-11T16:30:00+01:00',
      painBefore: PAIN_BEFORE,
      painAfter: PAIN_AFTER,
      selfCare: { exercises: ['chin-tuck', 'no-such-exercise'], note: NOTE },
    }),
  );
  await advanceTo('2027-11-15T12:00:00Z');

  // A second booking, cancelled with a reason that describes the patient's health.
  await harness.publish(
    'BookingCreated',
    later.created({ patient: { ...patient, patientId: s.patientId }, occurredAt: '2027-11-15T12:00:00Z' }),
  );
  await harness.publish(
    'BookingCancelled',
    later.cancelled({ occurredAt: '2027-11-15T12:05:00Z', cancelledBy: 'patient', reason: CANCEL_REASON }),
  );

  // An event that breaks the contract, carrying the patient's details in the wrong places.
  await harness.publish('BookingCreated', {
    ...s.created({ patient: { ...patient, email: `${FIRST_NAME} ${LAST_NAME} <${EMAIL}>` } }),
    eventId: `${FIRST_NAME}'s booking`,
  });
  // A schedule payload that does not parse.
  await harness.dueJob('reminder', { clinicId: 'riverside', bookingId: s.bookingId, note: NOTE });

  // One-click unsubscribe from the follow-up's link: the page, then the POST.
  const followUp = (await harness.inbox(EMAIL)).find((email) => email.body.text?.includes(NOTE_MARKER));
  const link = /^<([^>]+)>$/.exec(
    followUp?.headers?.find((header) => header.name === 'List-Unsubscribe')?.value ?? '',
  )?.[1];
  if (!link) throw new Error('the follow-up carries no List-Unsubscribe link');
  // Before that, the follow-up's answer page: feeling worse, a pain score, an exercise too painful
  // and a warning sign, so the answer is published, the staff alerted and all of it logged.
  const answerLink = (followUp!.body.text!.match(/http:\/\/\S+\/unsubscribe\/[\w.-]+/g) ?? []).find(
    (url) => url !== link,
  );
  if (!answerLink) throw new Error('the follow-up carries no answer link');
  await harness.invoke('unsubscribe', functionUrlRequest('GET', answerLink));
  await harness.invoke(
    'unsubscribe',
    functionUrlRequest('POST', answerLink, {
      feeling: 'worse',
      painNow: String(PAIN_NOW),
      'exercise:chin-tuck': 'too-painful',
      warningSigns: 'yes',
    }),
  );
  await harness.settled();
  await harness.invoke('unsubscribe', functionUrlRequest('GET', link));
  await harness.invoke('unsubscribe', functionUrlRequest('POST', link));
  await harness.invoke('unsubscribe', functionUrlRequest('POST', `${link}tampered`));

  // The patient changes address; then the old address bounces (SES feedback carries it).
  await harness.publish(
    'ContactPreferencesUpdated',
    s.preferences({ occurredAt: '2027-11-15T13:00:00Z', email: NEW_EMAIL }),
  );
  await harness.invoke('ses-feedback', sesEvent('bounce-permanent', EMAIL));
});

afterAll(async () => {
  vi.restoreAllMocks();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await harness?.close();
});

describe('logs at DEBUG across every flow', () => {
  it('ran the flows: the emails carry the patient details the logs must not', async () => {
    const emails = await harness.inbox(EMAIL);
    const subjects = emails.map((email) => email.subject).join(' | ');
    expect(emails.length, subjects).toBeGreaterThanOrEqual(6);
    expect(subjects).toMatch(/reminder/i);
    expect(subjects).toMatch(/cancel/i);
    expect(emails.some((email) => email.body.text?.includes(NOTE_MARKER))).toBe(true);
    expect(emails.some((email) => email.body.text?.includes(FIRST_NAME))).toBe(true);
    // The event that broke the contract and the schedule payload that did not parse.
    expect(harness.rejectedEvents).toHaveLength(2);
  });

  it('captured the handlers’ log lines (so the checks below can fail)', () => {
    const all = lines();
    expect(all.length).toBeGreaterThanOrEqual(25);
    const joined = all.join('\n');
    for (const message of [
      'event processed',
      'event already processed',
      'event rejected',
      'scheduled job done',
      'scheduled payload rejected',
      'email sent',
      'unsubscribe link used',
      'patient link invalid',
      'answer recorded',
      'outbox delivered',
      'SES feedback processed',
    ]) {
      expect(joined, message).toContain(`"message":"${message}"`);
    }
    expect(joined).toContain('"level":"INFO"');
  });

  it.each([
    ['first name', FIRST_NAME],
    ['last name', LAST_NAME],
    ['email address', EMAIL],
    ['email local part', EMAIL_LOCAL_PART],
    ['new email address', NEW_EMAIL],
    ['new email local part', NEW_EMAIL.split('@')[0]!],
    ['therapist note', NOTE_MARKER],
    ['cancellation reason', CANCEL_MARKER],
    ['painBefore key', 'painBefore'],
    ['painAfter key', 'painAfter'],
    ['painNow key', 'painNow'],
    ['feeling key', '"feeling"'],
    ['warning signs key', 'warningSigns'],
  ])('no line carries the %s', (_what, needle) => {
    const leaks = lines().filter((line) => line.toLowerCase().includes(needle.toLowerCase()));
    expect(leaks).toEqual([]);
  });

  it('no line carries a pain score in context', () => {
    const painScore = new RegExp(`pain[^,{}]{0,24}?\\b(${PAIN_BEFORE}|${PAIN_AFTER})\\b`, 'i');
    expect(lines().filter((line) => painScore.test(line))).toEqual([]);
  });
});
