import { eventCatalog, findEventDefinition, isDetailType, type DetailType, type EventDetail } from './catalog';
import { describeIssues, detailBody, validatedBy } from './detail-parsing';
import { compiledParsers, INVALID } from './parsers';
import { InvalidEventError } from './invalid-event';

export { describeIssues, InvalidEventError };

/**
 * The detail, validated: trimmed, with unknown fields stripped. The parser compiled from the
 * schema (scripts/compile-event-parsers.ts) answers first, with the same output; what it does not
 * accept goes to zod itself, which builds the schema and decides (its own edge cases included)
 * and names each problem. A cold start with a valid event so never builds a schema
 * (docs/decisions/0019-compiled-parsers.md).
 */
export function parseDetail<T extends DetailType>(detailType: T, detail: unknown): EventDetail<T> {
  const compiled: unknown = (compiledParsers[detailType] as (input: unknown) => unknown)(detail);
  if (compiled !== INVALID) return compiled as EventDetail<T>;
  return validatedBy(eventCatalog[detailType].schema, detail) as EventDetail<T>;
}

export type ParsedEvent = { [T in DetailType]: { detailType: T; source: string; detail: EventDetail<T> } }[DetailType];

/** Validates any contract event given its source, detail-type and detail (object or JSON text). */
export function parseEvent(source: unknown, detailType: unknown, detail: unknown): ParsedEvent {
  const definition =
    typeof source === 'string' && typeof detailType === 'string' ? findEventDefinition(source, detailType) : undefined;
  if (!definition) {
    // Name only contract values: the rejected source or detail-type could be anything, CR/LF included.
    throw new InvalidEventError([
      isDetailType(detailType)
        ? `source: must be ${eventCatalog[detailType].source} for ${detailType}`
        : 'detail-type: not in the contract',
    ]);
  }
  return {
    source: definition.source,
    detailType: definition.detailType,
    detail: parseDetail(definition.detailType, detailBody(detail)),
  } as ParsedEvent;
}
