import { createHash } from 'node:crypto';
import type { OwnEvent } from './ports';

/**
 * The ids of CareLoop's own events: derived from what they report (the email, the answer, the
 * check), never random, so a change written again, by a retry or a duplicate delivery, carries
 * the same event and the outbox keeps one entry.
 */
export function ownEventId(detailType: string, ...facts: string[]): string {
  const digest = createHash('sha256')
    .update([detailType, ...facts].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return `${detailType.replace(/[A-Z]/g, (letter, at: number) => `${at > 0 ? '-' : ''}${letter.toLowerCase()}`)}-${digest}`;
}

/** One of CareLoop's own events: its common fields, and the ids, counts and codes it reports. */
export function ownEvent(
  source: OwnEvent['source'],
  detailType: string,
  common: { eventId: string; occurredAt: string; clinicId: string },
  detail: Record<string, unknown>,
): OwnEvent {
  return { source, detailType, detail: { ...common, ...detail } };
}
