/**
 * How long the table keeps what only mattered for a while after it happened: a patient's
 * sessions, their answers, and the log of emails (the claims that keep each one to a single send).
 * The deploy-time context (`retention`, infra/settings.ts) and the functions' configuration
 * (RETENTION_DAYS, shared/config.ts) read it with this one parser, and the store
 * (shared/adapters/dynamo-store.ts) turns it into DynamoDB TTL with {@link expiresAtOf}.
 * docs/SECURITY.md says what is kept, for how long, and why.
 */

/** Days an item is kept after its own time, or `off`: kept until it is erased. */
export type Retention = number | 'off';

/**
 * Three years: long enough to answer a patient's or an auditor's question about what was sent
 * or said, short of keeping health details about a course of care that ended long ago.
 */
export const DEFAULT_RETENTION_DAYS = 3 * 365;

/**
 * A century: any longer is `off` in all but name, and the bound keeps a typo of extra digits
 * from being taken as a retention nobody meant.
 */
export const MAX_RETENTION_DAYS = 36_500;

/** A whole number of days from 1 to the maximum, as a number (cdk.json) or its digits (`-c retention=730`), or `off`. */
export function parseRetention(value: unknown): Retention | undefined {
  const text = typeof value === 'string' ? value.trim() : value;
  if (text === 'off') return 'off';
  const days = typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS ? days : undefined;
}

/** What a bad value is told: the rule, for the message that names the key or variable. */
export const RETENTION_RULE = `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or off`;

/**
 * When an item whose time is `time` expires, in epoch seconds (the table's TTL attribute), or
 * undefined for `off`. Counted from the item's own time, never from when it is written, so
 * writing an item again (a session marked waiting, then not) leaves its expiry where it was.
 */
export function expiresAtOf(time: Date | string, retention: Retention): number | undefined {
  if (retention === 'off') return undefined;
  const at = typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (!Number.isFinite(at)) throw new Error(`cannot count a retention from ${String(time)}`);
  return Math.floor(at / 1000) + retention * 86_400;
}
