/**
 * The parsers a detail meets first (events/handler-parsing.ts, events/validation.ts,
 * events/ses-feedback.ts): each returns the detail as its schema would return it, or INVALID,
 * and zod then decides and names the problems.
 *
 * They are the parsers compiled from the schemas, so that a cold start with a valid event neither
 * loads zod nor builds a schema (docs/decisions/0019-compiled-parsers.md). The way back to zod
 * alone is this one line, with zod then among every function's start-up modules:
 *
 *   export { compiledParsers, compiledSesFeedbackParser, INVALID } from './zod-parsers';
 */
export { compiledParsers, compiledSesFeedbackParser, INVALID } from './event-parsers.generated';
