import type { ContactPreferencesUpdated, TreatmentPlanCreated } from '../../events/schemas';
import { withOptimisticRetry } from './optimistic';
import type { Needs } from './ports';
import { applyContactPreferences, applyTreatmentPlanCreated } from './records';
import { deliverAwaitingFollowUps } from './sessions';

export async function onContactPreferencesUpdated(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks' | 'scheduler'>,
  event: ContactPreferencesUpdated,
) {
  const applied = await withOptimisticRetry(async () => {
    const current = await deps.store.getPatient(event.clinicId, event.patientId);
    const next = applyContactPreferences(current?.record, event);
    if (next) await deps.store.save([{ type: 'patient', record: next, version: current?.version }]);
    return next !== undefined;
  });
  // A first address (or a new one) releases follow-ups that were waiting for it.
  const followUpsReleased = await deliverAwaitingFollowUps(deps, event.clinicId, event.patientId);
  return { applied, followUpsReleased };
}

/** Stored only: later follow-ups show progress against the plan. */
export async function onTreatmentPlanCreated(deps: Needs, event: TreatmentPlanCreated) {
  const applied = await withOptimisticRetry(async () => {
    const file = await deps.store.getPatientFile(event.clinicId, event.patientId);
    const current = file.plans.find((entry) => entry.record.planId === event.plan.planId);
    const next = applyTreatmentPlanCreated(current?.record, event);
    if (next) await deps.store.save([{ type: 'plan', record: next, version: current?.version }]);
    return next !== undefined;
  });
  return { applied };
}
