import { detailTypes, eventCatalog, type DetailType } from './catalog';
import { sesFeedbackDetailSchema } from './ses-feedback-schema';

/**
 * The same parsers as events/event-parsers.generated.ts, answered by the zod schemas themselves:
 * the way back from the compiled parsers (events/parsers.ts), and what the tests hold them to.
 * Each schema is still built when its parser is first called.
 */

export const INVALID = Symbol('not accepted by the schema');

interface Schema {
  safeParse(input: unknown): { success: true; data: unknown } | { success: false };
}

const parsedBy =
  (schema: () => Schema) =>
  (input: unknown): unknown => {
    const result = schema().safeParse(input);
    return result.success ? result.data : INVALID;
  };

export const compiledParsers = Object.fromEntries(
  detailTypes.map((type) => [type, parsedBy(() => eventCatalog[type].schema)]),
) as { [T in DetailType]: (input: unknown) => unknown };

export const compiledSesFeedbackParser = parsedBy(sesFeedbackDetailSchema);
