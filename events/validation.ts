import type * as z from 'zod/mini';
import { eventCatalog, findEventDefinition, isDetailType, type DetailType, type EventDetail } from './catalog';
import { detailShapeProblem } from './detail-shape';
import { compiledParsers, INVALID } from './parsers';
import { InvalidEventError } from './invalid-event';

export { InvalidEventError };

/**
 * A field is missing when zod found `undefined` where it expected a type. Zod keeps the input on
 * an issue only when parsing with `reportInput: true` (as `parseDetail` does); without it, only
 * zod's default message ("… received undefined") tells.
 */
function isMissingField(issue: z.core.$ZodIssue): boolean {
  // invalid_value: an absent enum or literal field (e.g. cancelledBy).
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_value' && issue.code !== 'invalid_union') return false;
  if ('input' in issue) return issue.input === undefined;
  return issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
}

export function describeIssues(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const message = isMissingField(issue) ? 'is required' : issue.message;
    // A detail that is not an object at all fails at its root: name that too.
    return `${path || 'detail'}: ${message}`;
  });
}

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
  // reportInput lets describeIssues tell a missing field from a wrong one; the inputs stay inside
  // the discarded ZodError, never in the InvalidEventError's problems.
  const result = eventCatalog[detailType].schema.safeParse(detail, { reportInput: true });
  if (!result.success) throw new InvalidEventError(describeIssues(result.error));
  return result.data as EventDetail<T>;
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
  let body = detail;
  if (typeof detail === 'string') {
    try {
      body = JSON.parse(detail);
    } catch {
      throw new InvalidEventError(['detail: is not valid JSON']);
    }
  }
  // Before any schema: a detail far outside the contract's shape must not reach zod or a log.
  const shapeProblem = detailShapeProblem(body);
  if (shapeProblem) throw new InvalidEventError([shapeProblem]);
  return {
    source: definition.source,
    detailType: definition.detailType,
    detail: parseDetail(definition.detailType, body),
  } as ParsedEvent;
}
