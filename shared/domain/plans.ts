import type { TreatmentPlanCreated } from '../../events/schemas';
import { withOptimisticRetry } from './optimistic';
import type { Needs } from './ports';
import { applyTreatmentPlanCreated } from './records';

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
