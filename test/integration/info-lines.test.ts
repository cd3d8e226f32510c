import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { output } from '../../shared/adapters/logger';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * What a booking's lifecycle writes at INFO, the level deployed functions log at
 * (infra/bundling.ts): CloudWatch bills every line, so each invocation writes one, with its
 * outcome and the ids an operator looks a booking up by; what happened on the way (each email
 * sent, with its SES message id) is DEBUG.
 */

type Line = Record<string, unknown> & { level: string; message: string; function_request_id?: string };
const lines: Line[] = [];
let harness: Harness;

const s = scenario({ startsAt: '2027-11-10T15:30:00+01:00' });

async function advanceTo(instant: string) {
  const seconds = (Date.parse(instant) - harness.clock.now().getTime()) / 1000;
  if (seconds > 0) await harness.advance(seconds);
}

beforeAll(async () => {
  // As deployed (LOG_LEVEL=INFO); the harness would otherwise silence the handlers.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  vi.spyOn(output, 'write').mockImplementation((_descriptor, text) => {
    for (const line of text.split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line) as Partial<Line>;
      // EMF metric lines carry no level: the alarms read them, and they are not what this counts.
      if (parsed.level) lines.push(parsed as Line);
    }
  });
  harness = await createHarness({ now: new Date('2027-11-01T09:00:00Z') });
  await harness.publish('BookingCreated', s.created());
  await advanceTo('2027-11-09T14:31:00Z');
  await harness.publish(
    'SessionCompleted',
    s.sessionCompleted({ occurredAt: '2027-11-10T16:35:00+01:00', completedAt: '2027-11-10T16:30:00+01:00' }),
  );
  await advanceTo('2027-11-14T12:00:00Z');
  await harness.settled();
});

afterAll(async () => {
  vi.restoreAllMocks();
  delete process.env.POWERTOOLS_LOG_LEVEL;
  await harness?.close();
});

describe('a booking lifecycle at INFO', () => {
  it('sent its four emails', async () => {
    expect(await harness.inbox(s.email)).toHaveLength(4);
  });

  it('writes one line per invocation, its outcome line, and no other', () => {
    // Counted by message, not by request id: the harness runs every function in one process, so a
    // line can carry the context of another invocation running beside it (on Lambda none does).
    const count = (message: string) => lines.filter((line) => line.message === message).length;
    expect(count('event processed')).toBe(2);
    expect(count('scheduled job done')).toBe(2);
    // The stream hands the outbox its entries in batches of any size: at least one invocation.
    expect(count('outbox delivered')).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBe(4 + count('outbox delivered'));
    expect(new Set(lines.map((line) => line.level))).toEqual(new Set(['INFO']));
  });

  it('names the booking on the line of each invocation about it, with its outcome', () => {
    const aboutBooking = lines.filter((line) => line.message !== 'outbox delivered');
    expect(aboutBooking.map((line) => [line.message, line.bookingId])).toEqual([
      ['event processed', s.bookingId],
      ['scheduled job done', s.bookingId],
      ['event processed', s.bookingId],
      ['scheduled job done', s.bookingId],
    ]);
    for (const line of aboutBooking) expect(line.clinicId, line.message).toEqual(expect.any(String));
    expect(aboutBooking.map((line) => line.outcome)).toEqual([
      expect.objectContaining({ emails: { confirmation: 'sent' } }),
      'sent',
      expect.objectContaining({ followUp: 'sent' }),
      'sent',
    ]);
  });
});
