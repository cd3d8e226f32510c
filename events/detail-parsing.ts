import type * as z from 'zod/mini';
import { detailShapeProblem } from './detail-shape';
import { InvalidEventError } from './invalid-event';

/**
 * What validating any detail shares, whichever catalog it is in (the events CareLoop accepts,
 * events/validation.ts; those it publishes, events/published.ts): the detail's text read, its
 * shape bounded, and zod's issues told as `<field>: <rule>`, never with a value.
 */

/**
 * A field is missing when zod found `undefined` where it expected a type. Zod keeps the input on
 * an issue only when parsing with `reportInput: true` (as `validatedBy` does); without it, only
 * zod's default message ("… received undefined") tells.
 */
function isMissingField(issue: z.core.$ZodIssue): boolean {
  // invalid_value: an absent enum or literal field (e.g. cancelledBy).
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_value' && issue.code !== 'invalid_union') return false;
  // A discriminated union reports its discriminator on the object that lacks it, with that object as input.
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && 'input' in issue) {
    const input = issue.input as Record<string, unknown> | undefined;
    return input?.[issue.discriminator] === undefined;
  }
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
 * The detail as a value: JSON text parsed, and refused by its shape before any schema sees it,
 * so that a detail far outside the contract reaches neither zod nor a log.
 */
export function detailBody(detail: unknown): unknown {
  let body = detail;
  if (typeof detail === 'string') {
    try {
      body = JSON.parse(detail);
    } catch {
      throw new InvalidEventError(['detail: is not valid JSON']);
    }
  }
  const shapeProblem = detailShapeProblem(body);
  if (shapeProblem) throw new InvalidEventError([shapeProblem]);
  return body;
}

/** The detail as `schema` returns it, or an InvalidEventError naming each problem. */
export function validatedBy<Schema extends z.ZodMiniType>(schema: Schema, detail: unknown): z.output<Schema> {
  // reportInput lets describeIssues tell a missing field from a wrong one; the inputs stay inside
  // the discarded ZodError, never in the InvalidEventError's problems.
  const result = schema.safeParse(detail, { reportInput: true });
  if (!result.success) throw new InvalidEventError(describeIssues(result.error));
  return result.data;
}
