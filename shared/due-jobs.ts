import type { ReminderPayload } from './domain/bookings';
import type { ScheduledTarget } from './domain/ports';
import type { PlanCheckPayload } from './domain/plans';
import type { CheckInPayload } from './domain/sessions';

/**
 * The due-jobs queue's messages: when a reminder, check-in or plan-check schedule falls due, EventBridge
 * Scheduler sends its payload, with the kind of job, to one SQS queue, and the due-jobs
 * function consumes it at a bounded rate (docs/OPERATIONS.md, "Due jobs").
 */

export type DueJob =
  | ({ kind: 'reminder' } & ReminderPayload)
  | ({ kind: 'check-in' } & CheckInPayload)
  | ({ kind: 'plan-check' } & PlanCheckPayload);

/** What is wrong with one field, named as the rejected-events queue shows it. */
type Problems = string[];

const text = (body: Record<string, unknown>, field: string, problems: Problems): string => {
  const value = body[field];
  if (typeof value === 'string' && value.length > 0) return value;
  problems.push(`${field}: ${value === undefined ? 'is required' : 'must be a non-empty string'}`);
  return '';
};

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO 8601 date-time with an offset, on a day the calendar has (Date.parse takes 30 February). */
function isInstant(value: string): boolean {
  const match = ISO_INSTANT.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A due job's message as the schedule sent it: a reminder's, check-in's or plan check's payload, with its
 * kind. Checked by hand rather than with zod: the message is one our own functions wrote, and
 * zod's start-up was the larger part of what it added to the due-jobs cold start.
 */
export function parseDueJob(body: unknown): { job: DueJob } | { problems: Problems } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { problems: ['body: must be an object'] };
  const fields = body as Record<string, unknown>;
  const problems: Problems = [];
  if (fields.kind === 'reminder') {
    const clinicId = text(fields, 'clinicId', problems);
    const bookingId = text(fields, 'bookingId', problems);
    const startsAt = text(fields, 'startsAt', problems);
    if (startsAt && !isInstant(startsAt)) problems.push('startsAt: must be an ISO 8601 date-time with an offset');
    const offsetMinutes = fields.offsetMinutes;
    if (!(typeof offsetMinutes === 'number' && Number.isSafeInteger(offsetMinutes) && offsetMinutes > 0))
      problems.push(`offsetMinutes: ${offsetMinutes === undefined ? 'is required' : 'must be a whole number above 0'}`);
    return problems.length > 0
      ? { problems }
      : { job: { kind: 'reminder', clinicId, bookingId, startsAt, offsetMinutes: offsetMinutes as number } };
  }
  if (fields.kind === 'check-in') {
    const clinicId = text(fields, 'clinicId', problems);
    const patientId = text(fields, 'patientId', problems);
    const bookingId = text(fields, 'bookingId', problems);
    return problems.length > 0 ? { problems } : { job: { kind: 'check-in', clinicId, patientId, bookingId } };
  }
  if (fields.kind === 'plan-check') {
    const clinicId = text(fields, 'clinicId', problems);
    const patientId = text(fields, 'patientId', problems);
    const planId = text(fields, 'planId', problems);
    const dueAt = text(fields, 'dueAt', problems);
    if (dueAt && !isInstant(dueAt)) problems.push('dueAt: must be an ISO 8601 date-time with an offset');
    return problems.length > 0 ? { problems } : { job: { kind: 'plan-check', clinicId, patientId, planId, dueAt } };
  }
  return { problems: ['kind: must be reminder, check-in or plan-check'] };
}

/** The message body a schedule sends: its payload plus `kind`. */
export const dueJobMessage = (kind: ScheduledTarget, payload: Record<string, unknown>) =>
  JSON.stringify({ ...payload, kind });
