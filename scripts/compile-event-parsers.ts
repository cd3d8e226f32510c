/**
 * Writes events/event-parsers.generated.ts: each event's schema (and SES's delivery, bounce and complaint
 * record's) compiled to plain JavaScript by
 * zod's own code generator, so that a cold start parses a valid event without building the schema.
 *
 *   npm run parsers
 *
 * Building a schema and running it the first time is the dear part of parsing in a cold start
 * (zod's constructors and parse paths run cold, once); the compiled parser is plain code
 * (docs/decisions/0019-compiled-parsers.md). It only ever accepts: on anything it does not
 * accept, events/validation.ts builds the schema and lets zod decide, with zod's messages. A test
 * fails when this file is stale, and the tests and the reliability fuzz hold every answer the
 * compiled parsers give to zod's own, both ways (events/zod-parsers.ts, which is also the way
 * back: events/parsers.ts). What to do on a zod upgrade: docs/UPGRADING.md.
 *
 * zod 4.6's `compileFn` writes the code (zod uses it for `z.compile`, at run time, through
 * `new Function`). The code refers to constants by name (c0, c1, …): regular expressions, the
 * enum's set, and functions. This script catches their values as zod hands them to the function
 * it builds, and writes each as source: a regular expression or a set as a literal, a function
 * as the import of the same function from events/field-rules.ts. A constant it cannot name stops
 * the script, so a zod upgrade that hands over something new cannot slip through.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { compileFn, util } from 'zod/v4/core';
import { detailTypes, eventCatalog } from '../events/catalog';
import * as rules from '../events/field-rules';
import { sesFeedbackDetailSchema } from '../events/ses-feedback-schema';

const OUTPUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../events/event-parsers.generated.ts');

/** The functions a compiled parser may call, by the name it imports them under. */
const namedFunctions = new Map<unknown, string>([
  [rules.trimText, 'trimText'],
  [rules.hasNoControlCharacters, 'hasNoControlCharacters'],
  [rules.hasNoDisguisingCharacters, 'hasNoDisguisingCharacters'],
  [rules.isHttpsUrl, 'isHttpsUrl'],
  [rules.isRealDateTime, 'isRealDateTime'],
  [rules.isRealDate, 'isRealDate'],
  [rules.isIanaTimeZone, 'isIanaTimeZone'],
  [rules.isLanguageTag, 'isLanguageTag'],
  [util.codePointLength, 'codePointLength'],
]);

function sourceOf(value: unknown, detailType: string): string {
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (value instanceof Set && [...value].every((item) => ['string', 'number', 'boolean'].includes(typeof item)))
    return `new Set(${JSON.stringify([...value])})`;
  if (typeof value === 'function') {
    const name = namedFunctions.get(value);
    if (name) return name;
    // zod's own, for a refinement that answers with a promise; not exported, so known by name.
    if (value.name === 'throwAsync') return 'throwOnAsyncRule';
  }
  throw new Error(
    `${detailType}: zod's generated parser uses a constant this script cannot write as source ` +
      `(${typeof value}: ${String(value).slice(0, 80)}); name it in events/field-rules.ts`,
  );
}

interface Compiled {
  code: string;
  constants: { name: string; value: unknown }[];
}

/** Runs zod's code generator on one schema and catches the code and the constants' values. */
function compileSchema(schema: Parameters<typeof compileFn>[0]): Compiled {
  const RealFunction = globalThis.Function;
  let caught: Compiled | undefined;
  // compileFn builds `new Function(...names, body)` and calls the result with the values.
  globalThis.Function = function (...parameters: string[]) {
    const body = parameters.pop()!;
    const factory = RealFunction(...parameters, body) as (...values: unknown[]) => unknown;
    return (...values: unknown[]) => {
      caught = { code: body, constants: parameters.map((name, index) => ({ name, value: values[index] })) };
      return factory(...values);
    };
  } as unknown as FunctionConstructor;
  try {
    compileFn(schema);
  } finally {
    globalThis.Function = RealFunction;
  }
  if (!caught) throw new Error('zod built no function');
  return caught;
}

export async function generateEventParsers(): Promise<string> {
  const used = new Set<string>();
  /** The parser as an expression: zod's code, its constants bound as the parameters it names. */
  const parserOf = (schema: Parameters<typeof compileFn>[0], label: string) => {
    const { code, constants } = compileSchema(schema);
    const [invalid, ...rest] = constants;
    if (invalid?.name !== 'INVALID') throw new Error(`${label}: zod's first constant is not INVALID`);
    const values = rest.map(({ value }) => sourceOf(value, label));
    for (const value of values) if (/^[A-Za-z]+$/.test(value)) used.add(value);
    const names = ['INVALID', ...rest.map(({ name }) => name)];
    return `((${names.join(', ')}) => {\n${code}\n})(${['INVALID', ...values].join(', ')})`;
  };
  const parsers = detailTypes.map(
    (detailType) => `  ${detailType}: ${parserOf(eventCatalog[detailType].schema, detailType)},`,
  );
  const sesFeedback = parserOf(sesFeedbackDetailSchema(), 'SES feedback');
  const source = `// Generated by scripts/compile-event-parsers.ts (npm run parsers) from events/schemas.ts: do not edit.
/* eslint-disable -- zod writes this code */
// @ts-nocheck: zod writes JavaScript; events/validation.ts types what it returns.
import { ${[...used].sort().join(', ')} } from './field-rules';

/** What a compiled parser returns for an event it does not accept; zod then decides. */
export const INVALID = Symbol('not accepted by the compiled parser');

/** One parser per detail-type: the parsed detail, as zod's schema returns it, or INVALID. */
export const compiledParsers = {
${parsers.join('\n')}
};

/** SES's delivery, bounce and complaint records (events/ses-feedback.ts). */
export const compiledSesFeedbackParser = ${sesFeedback};
`;
  return format(source, { ...(await resolveConfig(OUTPUT)), filepath: OUTPUT });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  writeFileSync(OUTPUT, await generateEventParsers());
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}
