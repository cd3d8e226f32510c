import type { EventDetail } from './catalog';
import { EVENT_SOURCES, type DetailType } from './detail-types';
import { detailShapeProblem } from './detail-shape';
import { compiledParsers, INVALID } from './parsers';
import { InvalidEventError } from './invalid-event';

/**
 * The detail of the event a function handles, validated, as `parseEvent` (events/validation.ts)
 * validates it, without zod in a cold start's way. The parser compiled from the schema answers a
 * valid event; anything else (a wrong source or detail-type, text that is not JSON, a detail the
 * compiled parser does not accept) goes to `parseEvent` itself, loaded then, which decides and
 * names the problems. zod and the schemas stay out of the functions' start-up code, where
 * importing them was a measurable part of every cold start
 * (docs/decisions/0020-zod-out-of-start-up.md).
 */
export async function parseHandledEvent<T extends DetailType>(
  handled: T,
  source: unknown,
  detailType: unknown,
  detail: unknown,
): Promise<EventDetail<T>> {
  if (detailType === handled && source === EVENT_SOURCES[handled]) {
    const body = typeof detail === 'string' ? parseJson(detail) : detail;
    // A detail outside the contract's shape is left to parseEvent, which refuses it by that shape.
    const parsed: unknown =
      body === INVALID || detailShapeProblem(body) !== undefined
        ? INVALID
        : (compiledParsers[handled] as (input: unknown) => unknown)(body);
    if (parsed !== INVALID) return parsed as EventDetail<T>;
  }
  const { parseEvent } = await import('./validation');
  const parsed = parseEvent(source, detailType, detail);
  if (parsed.detailType !== handled) throw new InvalidEventError([`detail-type: this function handles ${handled}`]);
  return parsed.detail as EventDetail<T>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}
