import * as z from 'zod/mini';
import '../events/zod-messages';
import type { ReminderPayload } from './domain/bookings';
import type { ScheduledTarget } from './domain/ports';
import type { CheckInPayload } from './domain/sessions';

/**
 * The due-jobs queue's messages: when a reminder or check-in schedule falls due, EventBridge
 * Scheduler sends its payload, with the kind of job, to one SQS queue, and the due-jobs
 * function consumes it at a bounded rate (docs/OPERATIONS.md, "Due jobs").
 */

/**
 * What a due job's message must hold: the payload a booking function put into a reminder
 * schedule, or the one the session function put into a check-in schedule, with its kind.
 * Built in one pure call, so that bundles which never read a due job do not build it.
 */
export const dueJobSchema = /* @__PURE__ */ (() => {
  const reminderPayload = z.object({
    clinicId: z.string().check(z.minLength(1)),
    bookingId: z.string().check(z.minLength(1)),
    startsAt: z.iso.datetime({ offset: true }),
    offsetMinutes: z.int().check(z.positive()),
  }) satisfies z.ZodMiniType<ReminderPayload>;
  const checkInPayload = z.object({
    clinicId: z.string().check(z.minLength(1)),
    patientId: z.string().check(z.minLength(1)),
    bookingId: z.string().check(z.minLength(1)),
  }) satisfies z.ZodMiniType<CheckInPayload>;
  return z.discriminatedUnion('kind', [
    z.extend(reminderPayload, { kind: z.literal('reminder') }),
    z.extend(checkInPayload, { kind: z.literal('check-in') }),
  ]);
})();

export type DueJob = z.output<typeof dueJobSchema>;

/** The message body a schedule sends: its payload plus `kind`. */
export const dueJobMessage = (kind: ScheduledTarget, payload: Record<string, unknown>) =>
  JSON.stringify({ ...payload, kind });
