import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookingCancelled, BookingCreated, BookingMissed, BookingRescheduled } from '../../../events/schemas';
import {
  onBookingCancelled,
  onBookingCreated,
  onBookingMissed,
  onBookingRescheduled,
} from '../../../shared/domain/bookings';
import { compareStamps } from '../../../shared/domain/model';
import { createMemoryDependencies } from '../../support/memory';
import { exampleDetail } from '../../support/examples';

/**
 * Any delivery of a booking's events (duplicated, reordered) must end where delivering each
 * once, in occurredAt order, ends: the same booking, the same reminder schedules, and a
 * patient whose last calendar email says what the in-order run's last one says. The emails
 * on the way may differ: an email cannot be unsent, so a reschedule announced before an
 * earlier cancellation arrives stays announced (and the cancellation follows it), and a
 * confirmation that arrives after a reschedule already shows the new time. Nothing is sent
 * twice either way. A no-show gets its one "we missed you" whatever the order, and a missed
 * booking has no reminder left.
 */

const NOW = new Date('2027-01-01T00:00:00Z');
const hour = 3600_000;

type BookingEvent =
  | { type: 'BookingCreated'; detail: BookingCreated }
  | { type: 'BookingRescheduled'; detail: BookingRescheduled }
  | { type: 'BookingCancelled'; detail: BookingCancelled }
  | { type: 'BookingMissed'; detail: BookingMissed };

const iso = (ms: number) => new Date(ms).toISOString();

const story = fc
  .record({
    createdAtHour: fc.integer({ min: 0, max: 48 }),
    startHour: fc.integer({ min: 72, max: 400 }),
    reschedules: fc.array(
      // Changes happen after the booking was made (a source cannot cancel what it has not
      // created), though they may be delivered before it; ties between changes are allowed.
      fc.record({ atHour: fc.integer({ min: 1, max: 60 }), toHour: fc.integer({ min: 30, max: 400 }) }),
      { maxLength: 3 },
    ),
    cancelAtHour: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    missed: fc.option(
      fc.record({ atHour: fc.integer({ min: 1, max: 60 }), kind: fc.constantFrom('no-show', 'late-cancel') }),
      { nil: undefined },
    ),
  })
  .map(({ createdAtHour, startHour, reschedules, cancelAtHour, missed }) => {
    const base = NOW.getTime();
    const events: BookingEvent[] = [
      {
        type: 'BookingCreated',
        detail: exampleDetail('BookingCreated', {
          eventId: 'evt-created',
          occurredAt: iso(base + createdAtHour * hour),
          booking: { ...exampleDetail('BookingCreated').booking, startsAt: iso(base + startHour * hour) },
        }),
      },
      ...reschedules.map(({ atHour, toHour }, index): BookingEvent => ({
        type: 'BookingRescheduled',
        detail: exampleDetail('BookingRescheduled', {
          eventId: `evt-rescheduled-${index}`,
          occurredAt: iso(base + atHour * hour),
          startsAt: iso(base + toHour * hour),
        }),
      })),
      ...(cancelAtHour === undefined
        ? []
        : [
            {
              type: 'BookingCancelled',
              detail: exampleDetail('BookingCancelled', {
                eventId: 'evt-cancelled',
                occurredAt: iso(base + (createdAtHour + cancelAtHour) * hour),
              }),
            } as BookingEvent,
          ]),
      ...(missed === undefined
        ? []
        : [
            {
              type: 'BookingMissed',
              detail: exampleDetail('BookingMissed', {
                eventId: 'evt-missed',
                occurredAt: iso(base + (createdAtHour + missed.atHour) * hour),
                kind: missed.kind,
              }),
            } as BookingEvent,
          ]),
    ];
    return events;
  });

/** The events as a producer's at-least-once delivery might hand them over: repeated and shuffled. */
const delivery = story.chain((events) =>
  fc
    .tuple(...events.map(() => fc.integer({ min: 1, max: 3 })))
    .chain((copies) =>
      fc.shuffledSubarray(
        events.flatMap((event, index) => Array(copies[index]).fill(event)),
        {
          minLength: copies.reduce((sum, count) => sum + count, 0),
        },
      ),
    )
    .map((delivered) => ({ events, delivered: delivered as BookingEvent[] })),
);

async function run(events: BookingEvent[]) {
  const world = createMemoryDependencies(NOW);
  for (const event of events) {
    if (event.type === 'BookingCreated') await onBookingCreated(world.dependencies, event.detail);
    else if (event.type === 'BookingRescheduled') await onBookingRescheduled(world.dependencies, event.detail);
    else if (event.type === 'BookingMissed') await onBookingMissed(world.dependencies, event.detail);
    else await onBookingCancelled(world.dependencies, event.detail);
  }
  const booking = (await world.store.getBooking('riverside', 'bk-20270303-0001'))!.record;
  const calendarEmails = world.mailer.sent.filter((email) => email.attachments.length > 0);
  const last = calendarEmails.at(-1)?.attachments[0]?.content ?? '';
  return {
    state: {
      status: booking.status,
      startsAt: booking.startsAt && new Date(booking.startsAt).toISOString(),
      durationMinutes: booking.durationMinutes,
      timezone: booking.timezone,
      sequence: booking.status === 'cancelled' ? 'cancelled' : 'active',
    },
    schedules: [...world.scheduler.jobs.keys()].sort(),
    subjects: world.mailer.sent.map((email) => email.subject),
    missedEmails: [...world.store.emailClaims.entries()].filter(([, claim]) => claim.kind === 'missed').length,
    lastCalendar: {
      method: /METHOD:(\w+)/.exec(last)?.[1],
      start: /DTSTART:(\d{8}T\d{6}Z)/.exec(last)?.[1],
    },
    claims: [...world.store.emailClaims.entries()].map(([key, claim]) => ({ key, ...claim })),
  };
}

describe('booking events in any order, any number of times', () => {
  it('end in the state, schedules and final email of the in-order run, and send nothing twice', async () => {
    let sequences = 0;
    await fc.assert(
      fc.asyncProperty(delivery, async ({ events, delivered }) => {
        sequences++;
        const inOrder = await run([...events].sort((a, b) => compareStamps(a.detail, b.detail)));
        const shuffled = await run(delivered);

        expect(shuffled.state).toEqual(inOrder.state);
        expect(shuffled.schedules).toEqual(inOrder.schedules);
        // A CANCEL removes the invitation by its UID, whatever start it names. A missed booking is
        // over: nothing about it is sent but the no-show's email, so its invitation is whatever was
        // sent before the report arrived (none when it came first: contract 1.1), never a CANCEL.
        if (shuffled.state.status !== 'missed') {
          expect(shuffled.lastCalendar.method).toEqual(inOrder.lastCalendar.method);
          if (inOrder.lastCalendar.method === 'REQUEST') expect(shuffled.lastCalendar).toEqual(inOrder.lastCalendar);
        } else {
          expect([undefined, 'REQUEST']).toContain(shuffled.lastCalendar.method);
        }
        // One email per claim, each claim sent: nothing twice, nothing half-done.
        expect(shuffled.subjects.length).toBe(shuffled.claims.length);
        expect(shuffled.claims.every((claim) => claim.status === 'sent')).toBe(true);
        // A cancellation known at any point may have been told before a no-show arrived; otherwise
        // the no-show's email is owed exactly as in order, and nothing else follows a missed visit.
        const cancelled = events.some((event) => event.type === 'BookingCancelled');
        if (!cancelled) expect(shuffled.missedEmails).toBe(inOrder.missedEmails);
        const noShow = events.some((event) => event.type === 'BookingMissed' && event.detail.kind === 'no-show');
        if (noShow && !cancelled) expect(inOrder.missedEmails).toBe(1);
        if (shuffled.state.status === 'missed') expect(shuffled.schedules).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(sequences).toBeGreaterThanOrEqual(300);
  });
});
