import { LISTED_TIME_ZONES } from './time-zone-names';

/**
 * The IANA time zone a contract value names, as Intl spells it (`europe/berlin` → `Europe/Berlin`),
 * or undefined when Intl does not know it.
 *
 * The zones Intl lists answer first, from a copy of its list (shared/time/time-zone-names.ts):
 * asking Intl for the list, or building an `Intl.DateTimeFormat` to ask (V8 lists every locale
 * ICU has), costs a cold start more than reading the copy
 * (docs/decisions/0018-time-zone-list-copy.md). The list holds the names nearly every booking uses. Other spellings and aliases (`utc`, `US/Eastern`), and zones a newer
 * ICU adds, still go to the formatter, so the answer is always a name Intl knows.
 */
let listed: Set<string> | undefined;
const resolved = new Map<string, string | undefined>();

export function canonicalTimeZone(value: string): string | undefined {
  if (value.length === 0) return undefined;
  // Every implementation must know UTC; Node 20's list leaves it out.
  listed ??= new Set([...LISTED_TIME_ZONES.split(/\s+/).filter(Boolean), 'UTC']);
  if (listed.has(value)) return value;
  if (resolved.has(value)) return resolved.get(value);
  const zone = resolveWithIntl(value);
  // Bounded: the values come from events, and a stream of odd ones must not grow the map for ever.
  if (resolved.size < 256) resolved.set(value, zone);
  return zone;
}

function resolveWithIntl(value: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
