/**
 * The IANA time zone a contract value names, as Intl spells it (`europe/berlin` → `Europe/Berlin`),
 * or undefined when Intl does not know it.
 *
 * Intl's list of zones answers first: building an `Intl.DateTimeFormat` to ask costs the first
 * one in a process 15-25 ms (V8 lists every locale ICU has), a tenth of a function's cold start,
 * while the list costs about 2 ms and holds the names nearly every booking uses. Other spellings
 * and aliases (`utc`, `US/Eastern`) still go to the formatter, so the answer is Intl's either way.
 */
let listed: Set<string> | undefined;
const resolved = new Map<string, string | undefined>();

export function canonicalTimeZone(value: string): string | undefined {
  if (value.length === 0) return undefined;
  // Every implementation must know UTC; Node 20's list leaves it out.
  listed ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
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
