import type { Clock, ProcessedEvent, Store, WriteOptions } from '../domain/ports';

/**
 * The store as an event's use case sees it: a write that completes the event carries the event's
 * marker (WriteOptions), and `marked` is told once such a write has succeeded, so the handler
 * knows not to write the marker again.
 */
export function markingWithLastWrite(
  store: Store,
  event: Omit<ProcessedEvent, 'at'>,
  clock: Clock,
  marked: () => void,
): Store {
  const withMarker = (options: WriteOptions | undefined) =>
    options?.completesEvent ? { ...options, marker: { ...event, at: clock.now() } } : options;
  return {
    ...store,
    async save(changes, options) {
      await store.save(changes, withMarker(options));
      if (options?.completesEvent && changes.length > 0) marked();
    },
    async recordEmailSent(claim, messageId, sentAt, outbox, settledFrom, options) {
      const recorded = await store.recordEmailSent(claim, messageId, sentAt, outbox, settledFrom, withMarker(options));
      // Only a write whose booking check passed carries the marker: it says so.
      if (recorded?.eventMarked) marked();
      return recorded;
    },
    async erasePatient(patient, patientVersion, outbox, options) {
      await store.erasePatient(patient, patientVersion, outbox, withMarker(options));
      if (options?.completesEvent) marked();
    },
  };
}
