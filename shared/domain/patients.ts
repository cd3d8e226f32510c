import type { ContactPreferencesUpdated } from '../../events/schemas';
import { erasedSince, ignoredAfterErasure } from './erasure';
import { withOptimisticRetry } from './optimistic';
import type { Needs, RecordRead } from './ports';
import { applyContactPreferences } from './records';
import { deliverAwaitingFollowUps } from './awaiting-follow-ups';

/** What onContactPreferencesUpdated reads before anything else: the patient. */
export const contactPreferencesReadFirst = (event: ContactPreferencesUpdated): RecordRead[] => [
  { type: 'patient', clinicId: event.clinicId, patientId: event.patientId },
];

export async function onContactPreferencesUpdated(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks' | 'scheduler'>,
  event: ContactPreferencesUpdated,
) {
  let erased = false;
  const applied = await withOptimisticRetry(async () => {
    const current = await deps.store.getPatient(event.clinicId, event.patientId);
    erased = erasedSince(current?.record, event.occurredAt);
    if (erased) return false;
    const next = applyContactPreferences(current?.record, event);
    if (next) await deps.store.save([{ type: 'patient', record: next, version: current?.version }]);
    return next !== undefined;
  });
  if (erased) {
    const { clinicId, patientId, eventId } = event;
    return { applied, ...ignoredAfterErasure(deps, 'ContactPreferencesUpdated', { clinicId, patientId, eventId }) };
  }
  // A first address (or a new one) releases follow-ups that were waiting for it.
  const followUpsReleased = await deliverAwaitingFollowUps(deps, event.clinicId, event.patientId);
  return { applied, followUpsReleased };
}
