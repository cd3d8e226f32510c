import type { PlanStatus } from '../email/types';
import { planEmail } from '../email/plan-emails';
import type { PatientRecord } from './model';
import type { Needs, PatientFile } from './ports';
import { currentPlan, NUDGE_INTERVAL_DAYS, standingOf, syncPlanCheck, type PlanCheckPayload } from './plans';
import { ownEvent, ownEventId } from './own-events';
import { withOptimisticRetry } from './optimistic';
import { recipientOf } from './recipient';
import { sendOnce, type SendOnceResult } from './send-once';

/** A plan check fell due (plans.ts schedules them): the due-jobs function's, with the nudge's templates. */

const DAY_MS = 86_400_000;

export type PlanCheckOutcome =
  | 'no-plan'
  | 'plan-replaced'
  | 'plan-complete'
  | 'booked'
  | 'not-stalled'
  | 'recently-at-risk'
  | 'at-risk-no-consent'
  | 'at-risk-no-address'
  | `at-risk-${SendOnceResult}`;

/**
 * A plan check fell due. Everything is read again now: a session completed, a booking made or a
 * newer plan agreed since it was scheduled ends it quietly. A plan found at risk is published as
 * PlanAtRisk (whatever the consent: the clinic wants to know) and the patient gets the nudge when
 * they agreed to follow-ups; both are named by this check, so a repeat of it does neither again:
 * the plan notes the check with the event in its outbox, then the nudge is claimed and sent. Then
 * the next check is scheduled.
 */
export async function onPlanCheckDue(
  deps: Needs<'mailer' | 'scheduler' | 'unsubscribeLinks'>,
  payload: PlanCheckPayload,
): Promise<PlanCheckOutcome> {
  const { clinicId, patientId } = payload;
  const file = await deps.store.getPatientFile(clinicId, patientId);
  const outcome = await checkPlan(deps, payload, file);
  await syncPlanCheck(deps, clinicId, patientId, outcome.changed ? undefined : file);
  return outcome.outcome;
}

async function checkPlan(
  deps: Needs<'mailer' | 'scheduler' | 'unsubscribeLinks'>,
  payload: PlanCheckPayload,
  file: PatientFile,
): Promise<{ outcome: PlanCheckOutcome; changed?: boolean }> {
  const { clinicId, patientId, dueAt } = payload;
  const plan = currentPlan(file.plans.map((entry) => entry.record));
  if (!plan) return { outcome: 'no-plan' };
  if (plan.planId !== payload.planId) return { outcome: 'plan-replaced' };
  const standing = standingOf(
    plan,
    file.sessions.map((entry) => entry.record),
  );
  if (!standing.sessionsLeft) return { outcome: 'plan-complete' };
  const now = deps.clock.now();
  if (standing.stalledFrom > now.getTime()) return { outcome: 'not-stalled' };
  if (await deps.store.nextActiveBookingAfter(clinicId, patientId, now)) return { outcome: 'booked' };
  // This check's own mark is a repeat finishing what it started, not an earlier finding.
  const earlier = plan.lastAtRiskAt !== undefined && plan.lastAtRiskAt !== dueAt;
  if (earlier && now.getTime() - Date.parse(plan.lastAtRiskAt!) < NUDGE_INTERVAL_DAYS * DAY_MS) {
    return { outcome: 'recently-at-risk' };
  }

  const at = Date.parse(dueAt);
  const daysSinceLastSession = Math.floor((at - standing.lastActivityAt) / DAY_MS);
  // Found at risk by this check: noted on the plan with PlanAtRisk in its outbox, together, so
  // a repeat of the check finds it done and the event is published once, whatever the consent.
  let changed = false;
  if (plan.lastAtRiskAt !== dueAt) {
    const planAtRisk = ownEvent('PlanAtRisk', {
      eventId: ownEventId('PlanAtRisk', clinicId, patientId, plan.planId, dueAt),
      occurredAt: dueAt,
      clinicId,
      patientId,
      planId: plan.planId,
      sessionsCompleted: standing.sessionsCompleted,
      plannedSessions: plan.plannedSessions,
      daysSinceLastSession,
    });
    changed = await withOptimisticRetry(async () => {
      const fresh = await deps.store.getPatientFile(clinicId, patientId);
      const stored = fresh.plans.find((entry) => entry.record.planId === plan.planId);
      if (!stored || stored.record.lastAtRiskAt === dueAt) return false;
      await deps.store.save([
        { type: 'plan', record: { ...stored.record, lastAtRiskAt: dueAt }, version: stored.version },
        { type: 'outbox', entry: { event: planAtRisk } },
      ]);
      return true;
    });
  }
  const nudge = await sendNudge(deps, payload, file.patient?.record, {
    sessionsCompleted: standing.sessionsCompleted,
    plannedSessions: plan.plannedSessions,
    daysSinceLastSession,
    ...(standing.lastSessionAt !== undefined && { lastSessionAt: new Date(standing.lastSessionAt).toISOString() }),
    timezone: file.patient?.record.timezone ?? 'UTC',
  });
  return { outcome: nudge, changed };
}

async function sendNudge(
  deps: Needs<'mailer' | 'unsubscribeLinks'>,
  payload: PlanCheckPayload,
  patient: PatientRecord | undefined,
  status: PlanStatus,
): Promise<PlanCheckOutcome> {
  if (!patient?.consent.followUps) return 'at-risk-no-consent';
  if (!patient.email) return 'at-risk-no-address';
  const { clinicId, patientId, planId, dueAt } = payload;
  const sent = await sendOnce(deps, {
    clinicId,
    patientId,
    to: patient.email,
    key: `plan-nudge#${planId}#${dueAt}`,
    unsubscribeUrl: await deps.unsubscribeLinks.urlFor(clinicId, patientId),
    email: planEmail({ kind: 'plan-nudge', recipient: recipientOf(patient), plan: status }),
  });
  return `at-risk-${sent}`;
}
