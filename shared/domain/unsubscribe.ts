import type { ContactPreferencesUpdated } from '../../events/schemas';
import { withOptimisticRetry } from './optimistic';
import { ownEvent, ownEventId } from './own-events';
import type { Needs } from './ports';
import { applyContactPreferences } from './records';

export type UnsubscribeOutcome = 'unsubscribed' | 'already-unsubscribed' | 'unknown-patient';

/** The stamp's event id: unsubscribing through the link is a preference change like any other. */
export const UNSUBSCRIBE_EVENT_ID = 'unsubscribe-link';

/**
 * The patient used the one-click link: self-care follow-ups and check-ins stop, reminders
 * and confirmations go on. Merged through the same pure function as ContactPreferencesUpdated,
 * stamped now, so a later preference change (a newer `occurredAt`) can turn them on again.
 * Idempotent: a second click changes nothing. A patient with no record stays without one
 * (nothing is sent to them, and a link must not bring back a record that was erased).
 */
export async function onUnsubscribe(
  deps: Needs,
  subject: { clinicId: string; patientId: string },
): Promise<UnsubscribeOutcome> {
  return withOptimisticRetry(async () => {
    const current = await deps.store.getPatient(subject.clinicId, subject.patientId);
    // Erased: the marker is not a patient to write to (their link was sent before the erasure).
    if (!current || (current.record.erasure && current.record.email === undefined)) return 'unknown-patient';
    if (!current.record.consent.followUps) return 'already-unsubscribed';
    const event: ContactPreferencesUpdated = {
      eventId: UNSUBSCRIBE_EVENT_ID,
      occurredAt: unsubscribedAt(deps.clock.now(), current.record.consentChange.followUps?.occurredAt),
      clinicId: subject.clinicId,
      patientId: subject.patientId,
      consent: { followUps: false },
    };
    const next = applyContactPreferences(current.record, event);
    if (!next) return 'already-unsubscribed';
    // PatientUnsubscribed is written with the change: both or neither (the outbox publishes it).
    const unsubscribed = ownEvent('PatientUnsubscribed', {
      eventId: ownEventId('PatientUnsubscribed', subject.clinicId, subject.patientId, event.occurredAt),
      occurredAt: event.occurredAt,
      clinicId: subject.clinicId,
      patientId: subject.patientId,
      from: 'follow-ups',
    });
    await deps.store.save([
      { type: 'patient', record: next, version: current.version },
      { type: 'outbox', entry: { event: unsubscribed } },
    ]);
    return 'unsubscribed';
  });
}

/**
 * Now, or just after the stored consent change when that one claims a later instant (a
 * producer whose clock runs ahead): the patient's click must take effect, not lose to it.
 */
function unsubscribedAt(now: Date, storedOccurredAt: string | undefined): string {
  const stored = storedOccurredAt === undefined ? Number.NaN : Date.parse(storedOccurredAt);
  const at = Number.isFinite(stored) && stored >= now.getTime() ? stored + 1 : now.getTime();
  return new Date(at).toISOString();
}
