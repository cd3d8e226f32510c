import { createHash } from 'node:crypto';
import { PUBLISHED_SOURCES, type PublishedDetailType } from '../../events/detail-types';
import type { PublishedDetailInput } from '../../events/published';
import type { OwnEvent } from './ports';

/**
 * The ids of CareLoop's own events: derived from what they report (the email, the answer, the
 * check), never random, so a change written again, by a retry or a duplicate delivery, carries
 * the same event and the outbox keeps one entry.
 */
export function ownEventId(detailType: PublishedDetailType, ...facts: string[]): string {
  const digest = createHash('sha256')
    .update([detailType, ...facts].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  const kebab = detailType.replace(/[A-Z]/g, (letter, at: number) => `${at > 0 ? '-' : ''}${letter.toLowerCase()}`);
  return `${kebab}-${digest}`;
}

/**
 * One of CareLoop's own events, its detail checked against the published contract
 * (events/published.ts) when it is compiled; the source is the contract's for its detail-type.
 * Only types are taken from the contract here: zod stays out of the functions' start-up.
 */
export function ownEvent<T extends PublishedDetailType>(detailType: T, detail: PublishedDetailInput<T>): OwnEvent {
  return { source: PUBLISHED_SOURCES[detailType], detailType, detail };
}
