import type { ContactPreferencesUpdated } from '../../events/schemas';
import { withOptimisticRetry } from './optimistic';
import type { Needs } from './ports';
import { applyContactPreferences } from './records';
import { deliverAwaitingFollowUps } from './awaiting-follow-ups';

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
