import { METRIC_NAMES, type Needs, type OwnEvent } from './ports';

export type PublishOnceResult = 'published' | 'already-published';

/**
 * Publishes one of CareLoop's own events once per trigger: the event's id is derived from its
 * trigger, so whatever runs again asks the store first and finds it published. A run that dies
 * between publishing and marking publishes again on its retry, with the same eventId: consumers
 * dedupe by it (the contract says so), and a lost event is worse than one seen twice.
 */
export async function publishOnce(deps: Needs<'events'>, event: OwnEvent): Promise<PublishOnceResult> {
  const { clinicId, eventId } = event.detail;
  if (await deps.store.isPublished(clinicId, eventId)) return 'already-published';
  await deps.events.publish(event);
  deps.metrics?.count(METRIC_NAMES.eventsPublished, { detailType: event.detailType });
  await deps.store.markPublished(clinicId, eventId, deps.clock.now());
  deps.log('event published', { detailType: event.detailType, eventId });
  return 'published';
}
