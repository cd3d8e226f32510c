import { createHash } from 'node:crypto';
import type { TreatmentPlanCreated } from '../../events/schemas';
import type { PlanRecord, SessionRecord } from './model';
import { erasedSince, ignoredAfterErasure } from './erasure';
import { withOptimisticRetry } from './optimistic';
import type { Needs, PatientFile, ScheduledJob, UpcomingBooking } from './ports';
import { outsideQuietHours } from './quiet-hours';
import { applyTreatmentPlanCreated } from './records';

/**
 * Plans that stall. A plan is at risk when it has sessions left, nothing is booked, and its last
 * session (or its start) is more than 1.5 × the planned interval ago. Nothing scans the table for
 * that: each patient with a plan has one check scheduled for the moment their plan would become
 * at risk, moved by the events that change that moment (a plan agreed, a session completed, a
 * booking cancelled or missed), and re-checked from fresh records when it fires, as reminders
 * are (plan-checks.ts). A booking made meanwhile needs no event of its own: the check finds it
 * and moves itself past it. This module sends nothing, so a function that only schedules the
 * check carries no email templates.
 */

const DAY_MS = 86_400_000;
/** A plan is at risk this many planned intervals after its last session. */
export const STALL_FACTOR = 1.5;
/** The interval when the plan gives no sessions per week. */
export const DEFAULT_PLAN_INTERVAL_DAYS = 14;
/** A plan is found at risk (PlanAtRisk, the nudge) at most once in this many days. */
export const NUDGE_INTERVAL_DAYS = 30;
/**
 * A check due now is scheduled for the next boundary of this many minutes: the same moment for
 * every repeat of the event that asked for it, so a repeat finds its schedule there.
 */
const SOON_MINUTES = 5;

const shortHash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);

/** All plan-check schedules of a patient share this prefix, whatever time they are for. */
export const planCheckPrefix = (clinicId: string, patientId: string) => `pln-${shortHash(clinicId, patientId)}-`;

export interface PlanCheckPayload {
  clinicId: string;
  patientId: string;
  planId: string;
  /** The moment the check was scheduled for: names this check's PlanAtRisk and nudge. */
  dueAt: string;
}

/** The plan in force: the newest agreed. */
export function currentPlan(plans: PlanRecord[]): PlanRecord | undefined {
  return [...plans].sort((a, b) => Date.parse(b.stamp.occurredAt) - Date.parse(a.stamp.occurredAt))[0];
}

/** Sessions completed since the plan was agreed (as "session N of M" counts them), oldest first. */
export function sessionsUnder(plan: PlanRecord, sessions: SessionRecord[]): SessionRecord[] {
  const since = Date.parse(plan.stamp.occurredAt);
  return sessions
    .filter((session) => Date.parse(session.completedAt) >= since)
    .sort((a, b) => Date.parse(a.completedAt) - Date.parse(b.completedAt));
}

export const plannedIntervalMs = (plan: PlanRecord) =>
  (plan.sessionsPerWeek ? 7 / plan.sessionsPerWeek : DEFAULT_PLAN_INTERVAL_DAYS) * DAY_MS;

/** Where a plan stands: how far along, and from when it counts as stalled if nothing happens. */
export interface PlanStanding {
  plan: PlanRecord;
  sessionsCompleted: number;
  sessionsLeft: boolean;
  /** The last session under the plan, when there was one. */
  lastSessionAt?: number;
  /** The last session, or the plan's start (`startsOn`, else when it was agreed). */
  lastActivityAt: number;
  /** From this instant the plan is at risk, unless something is booked. */
  stalledFrom: number;
}

export function standingOf(plan: PlanRecord, sessions: SessionRecord[]): PlanStanding {
  const under = sessionsUnder(plan, sessions);
  const last = under.at(-1);
  const lastSessionAt = last && Date.parse(last.completedAt);
  const start = plan.startsOn !== undefined ? Date.parse(plan.startsOn) : Date.parse(plan.stamp.occurredAt);
  const lastActivityAt = lastSessionAt ?? start;
  return {
    plan,
    sessionsCompleted: under.length,
    sessionsLeft: under.length < plan.plannedSessions,
    ...(lastSessionAt !== undefined && { lastSessionAt }),
    lastActivityAt,
    stalledFrom: lastActivityAt + STALL_FACTOR * plannedIntervalMs(plan),
  };
}

/**
 * The check a patient's plan should have now: none when there is no plan or it has no sessions
 * left; otherwise at the earliest moment it could be at risk — past the stall point, past the
 * next booking's own stall point, 30 days after it was last found at risk — and never at night.
 */
export function desiredPlanCheck(
  file: PatientFile,
  upcoming: UpcomingBooking | undefined,
  now: Date,
  settings: Needs['settings'],
): ScheduledJob | undefined {
  const plan = currentPlan(file.plans.map((entry) => entry.record));
  if (!plan) return undefined;
  const standing = standingOf(
    plan,
    file.sessions.map((entry) => entry.record),
  );
  if (!standing.sessionsLeft) return undefined;
  const interval = plannedIntervalMs(plan);
  const soon = Math.ceil((now.getTime() + 60_000) / (SOON_MINUTES * 60_000)) * SOON_MINUTES * 60_000;
  const due = Math.max(
    standing.stalledFrom,
    upcoming ? Date.parse(upcoming.startsAt) + STALL_FACTOR * interval : 0,
    plan.lastAtRiskAt ? Date.parse(plan.lastAtRiskAt) + NUDGE_INTERVAL_DAYS * DAY_MS : 0,
    soon,
  );
  const timezone = file.patient?.record.timezone ?? 'UTC';
  const at = outsideQuietHours(new Date(due), timezone, settings.quietHours, 'later');
  const { clinicId, patientId, planId } = plan;
  return {
    name: `${planCheckPrefix(clinicId, patientId)}${Math.floor(at.getTime() / 1000)}`,
    at,
    target: 'plan-check',
    payload: { clinicId, patientId, planId, dueAt: at.toISOString() } satisfies PlanCheckPayload,
  };
}

/**
 * Brings the patient's plan check in line with their records: creates what is missing, removes the
 * rest. `noneScheduled`: the caller's own write gave the patient their first plan, so no check can
 * be scheduled yet and none is listed.
 */
export async function syncPlanCheck(
  deps: Needs<'scheduler'>,
  clinicId: string,
  patientId: string,
  known?: PatientFile,
  { noneScheduled = false }: { noneScheduled?: boolean } = {},
): Promise<{ planChecksScheduled: number; planChecksRemoved: number }> {
  const file = known ?? (await deps.store.getPatientFile(clinicId, patientId));
  // Checks are made for plans only, and plans are never deleted (but by erasure, with their checks).
  if (file.plans.length === 0) return { planChecksScheduled: 0, planChecksRemoved: 0 };
  const now = deps.clock.now();
  const upcoming = await deps.store.nextActiveBookingAfter(clinicId, patientId, now);
  const desired = desiredPlanCheck(file, upcoming, now, deps.settings);
  // Two first plans written at once each schedule theirs: the next sync (a session, a booking, the
  // check itself when it fires, which judges from a read) lists and removes the one left over.
  const existing = noneScheduled ? [] : await deps.scheduler.list(planCheckPrefix(clinicId, patientId));
  const toRemove = existing.filter((name) => name !== desired?.name);
  const create = desired !== undefined && !existing.includes(desired.name);
  if (create) await deps.scheduler.ensure(desired);
  for (const name of toRemove) await deps.scheduler.remove(name);
  return { planChecksScheduled: create ? 1 : 0, planChecksRemoved: toRemove.length };
}

/** Stored, and the plan's check scheduled: later follow-ups show progress against the plan. */
export async function onTreatmentPlanCreated(deps: Needs<'scheduler'>, event: TreatmentPlanCreated) {
  let erased = false;
  let settled: PatientFile | undefined;
  let firstPlan = false;
  const applied = await withOptimisticRetry(async () => {
    const file = await deps.store.getPatientFile(event.clinicId, event.patientId);
    firstPlan = file.plans.length === 0;
    erased = erasedSince(file.patient?.record, event.occurredAt);
    if (erased) return false;
    const current = file.plans.find((entry) => entry.record.planId === event.plan.planId);
    const next = applyTreatmentPlanCreated(current?.record, event);
    if (next) await deps.store.save([{ type: 'plan', record: next, version: current?.version }]);
    // The file as this write left it: the plan check is scheduled from it, as a plan check due
    // schedules the next from the file it read (plan-checks.ts), and checks it again when it fires.
    settled = next
      ? {
          ...file,
          plans: [
            ...file.plans.filter((entry) => entry !== current),
            { record: next, version: (current?.version ?? 0) + 1 },
          ],
        }
      : file;
    return next !== undefined;
  });
  if (erased) {
    const { clinicId, patientId, eventId } = event;
    return { applied, ...ignoredAfterErasure(deps, 'TreatmentPlanCreated', { clinicId, patientId, eventId }) };
  }
  const checks = await syncPlanCheck(deps, event.clinicId, event.patientId, settled, {
    noneScheduled: applied && firstPlan,
  });
  return { applied, ...checks };
}
