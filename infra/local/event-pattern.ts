/**
 * EventBridge event pattern matching for the local bus, following AWS's documentation
 * ("Amazon EventBridge event patterns", "Content filtering", "Arrays in event patterns",
 * "Matching null values and empty strings") and the semantics of aws/event-ruler, the
 * library EventBridge matches with:
 *
 * - Every field named in a pattern must match (AND); the values in a leaf array are
 *   alternatives (OR). Fields the pattern does not name are ignored.
 * - Exact values compare JSON type and value: `"5"` does not match `5`, `null` matches only
 *   `null`, `""` only the empty string.
 * - When the event value is an array, the field matches if any element matches; objects in
 *   an array are matched one element at a time (array-consistent, as `rulesForJSONEvent`).
 * - Filters: `prefix`, `suffix` (both also `{ "equals-ignore-case": … }`), `equals-ignore-case`,
 *   `wildcard` (`*` any run of characters, `\*` a literal star, `\\` a backslash),
 *   `anything-but` (a string, a number, a list of strings or of numbers, or `{prefix}`,
 *   `{suffix}`, `{equals-ignore-case}`, `{wildcard}`), `numeric` (`["=", 3]`,
 *   `[">", 0, "<=", 5]`, …), `exists` (true/false, on leaf values only: an object value
 *   counts as absent), `cidr` (IPv4 and IPv6) and `$or` (an array of two or more
 *   sub-patterns, at any level).
 * - String filters only match strings; `numeric` only JSON numbers. `anything-but` needs
 *   the field to be present; a value of another type is "anything but" a string filter.
 *
 * `validateEventPattern` reports what AWS refuses when a rule is created (non-array leaves,
 * empty arrays or objects, unknown operators, malformed operands), so the local stack can
 * fail at startup rather than silently never match.
 */

/** A value or filter in a leaf array. */
export type PatternLeaf = string | number | boolean | null | { readonly [operator: string]: unknown };

/** An EventBridge event pattern, as given to a rule's `EventPattern`. */
export interface EventPattern {
  readonly [field: string]: readonly PatternLeaf[] | EventPattern | readonly EventPattern[];
}

const OR = '$or';

// ---------------------------------------------------------------------------------------
// Matching

/** Whether `event` (a parsed JSON object, e.g. the EventBridge envelope) matches `pattern`. */
export function matchesEventPattern(pattern: EventPattern, event: object): boolean {
  return matchObject(pattern as Record<string, unknown>, event);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOrList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length >= 2 && value.every(isPlainObject);
}

/** `value` is the event node at this level: an object, or undefined when the path is absent. */
function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  const node = isPlainObject(value) ? value : undefined;
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === OR && isOrList(sub)) {
      if (!sub.some((alternative) => matchObject(alternative, node))) return false;
      continue;
    }
    const present = node !== undefined && Object.hasOwn(node, key);
    if (!matchField(sub, present ? node[key] : undefined, present)) return false;
  }
  return true;
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}

function matchField(sub: unknown, value: unknown, present: boolean): boolean {
  if (Array.isArray(sub)) return matchLeaf(sub, value, present);
  if (!isPlainObject(sub)) return false;
  if (Array.isArray(value)) {
    const objects = flatten(value).filter(isPlainObject);
    // No object below this array: the nested fields are all absent.
    if (objects.length === 0) return matchObject(sub, undefined);
    return objects.some((element) => matchObject(sub, element));
  }
  return matchObject(sub, value);
}

function matchLeaf(filters: readonly unknown[], value: unknown, present: boolean): boolean {
  // Only leaf values count: an object (or an array holding only objects) is not a leaf.
  const leaves = !present
    ? []
    : Array.isArray(value)
      ? flatten(value).filter((element) => !isPlainObject(element))
      : isPlainObject(value)
        ? []
        : [value];
  if (leaves.length === 0) return filters.some((filter) => isPlainObject(filter) && filter.exists === false);
  return filters.some((filter) => leaves.some((leaf) => matchFilter(filter, leaf)));
}

function matchFilter(filter: unknown, value: unknown): boolean {
  if (!isPlainObject(filter)) return filter === value;
  const entries = Object.entries(filter);
  if (entries.length !== 1) return false;
  const [operator, operand] = entries[0] as [string, unknown];
  switch (operator) {
    case 'exists':
      return operand === true;
    case 'prefix':
      return typeof value === 'string' && matchAffix(operand, value, (v, a) => v.startsWith(a));
    case 'suffix':
      return typeof value === 'string' && matchAffix(operand, value, (v, a) => v.endsWith(a));
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && foldCase(value) === foldCase(operand);
    case 'wildcard':
      return typeof value === 'string' && typeof operand === 'string' && wildcardRegExp(operand).test(value);
    case 'anything-but':
      return matchAnythingBut(operand, value);
    case 'numeric':
      return typeof value === 'number' && Array.isArray(operand) && matchNumeric(operand, value);
    case 'cidr':
      return typeof value === 'string' && typeof operand === 'string' && matchCidr(operand, value);
    default:
      return false;
  }
}

function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

function matchAffix(operand: unknown, value: string, test: (value: string, affix: string) => boolean): boolean {
  if (typeof operand === 'string') return test(value, operand);
  if (isPlainObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    return test(foldCase(value), foldCase(operand['equals-ignore-case']));
  }
  return false;
}

function asList(operand: unknown): unknown[] {
  return Array.isArray(operand) ? operand : [operand];
}

function matchAnythingBut(operand: unknown, value: unknown): boolean {
  if (!isPlainObject(operand)) return !asList(operand).some((excluded) => excluded === value);
  const entries = Object.entries(operand);
  if (entries.length !== 1) return false;
  const [operator, inner] = entries[0] as [string, unknown];
  // A value of another type than the string filter is "anything but" it.
  if (typeof value !== 'string') return true;
  switch (operator) {
    case 'prefix':
      return asList(inner).every((prefix) => typeof prefix === 'string' && !value.startsWith(prefix));
    case 'suffix':
      return asList(inner).every((suffix) => typeof suffix === 'string' && !value.endsWith(suffix));
    case 'equals-ignore-case':
      return asList(inner).every((text) => typeof text === 'string' && foldCase(text) !== foldCase(value));
    case 'wildcard':
      return asList(inner).every((glob) => typeof glob === 'string' && !wildcardRegExp(glob).test(value));
    default:
      return false;
  }
}

function matchNumeric(operand: readonly unknown[], value: number): boolean {
  for (let i = 0; i + 1 < operand.length; i += 2) {
    const bound = operand[i + 1];
    if (typeof bound !== 'number') return false;
    switch (operand[i]) {
      case '=':
        if (!(value === bound)) return false;
        break;
      case '<':
        if (!(value < bound)) return false;
        break;
      case '<=':
        if (!(value <= bound)) return false;
        break;
      case '>':
        if (!(value > bound)) return false;
        break;
      case '>=':
        if (!(value >= bound)) return false;
        break;
      default:
        return false;
    }
  }
  return operand.length >= 2;
}

// ---------------------------------------------------------------------------------------
// Wildcards

const wildcardCache = new Map<string, RegExp>();

/** Problems with a wildcard expression, or undefined when it is valid. */
function wildcardProblem(glob: string): string | undefined {
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '\\') {
      const next = glob[i + 1];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
      i++;
    } else if (char === '*' && glob[i + 1] === '*') {
      return 'consecutive wildcard characters are not allowed';
    }
  }
  return undefined;
}

function wildcardRegExp(glob: string): RegExp {
  let regExp = wildcardCache.get(glob);
  if (!regExp) {
    let source = '';
    for (let i = 0; i < glob.length; i++) {
      const char = glob[i] as string;
      if (char === '\\' && i + 1 < glob.length) {
        source += escapeRegExp(glob[++i] as string);
      } else if (char === '*') {
        source += '[\\s\\S]*';
      } else {
        source += escapeRegExp(char);
      }
    }
    regExp = new RegExp(`^${source}$`, 'u');
    wildcardCache.set(glob, regExp);
  }
  return regExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------
// IP addresses

interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefixLength: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let result = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    result = (result << 8n) | BigInt(Number(part));
  }
  return result;
}

function parseIpv6(text: string): bigint | undefined {
  let address = text;
  // An embedded IPv4 tail (::ffff:10.0.0.1) stands for the last two groups.
  if (address.includes('.')) {
    const lastColon = address.lastIndexOf(':');
    const v4 = lastColon < 0 ? undefined : parseIpv4(address.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    address = `${address.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string) => (half === '' ? [] : half.split(':'));
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  const groupCount = head.length + rest.length;
  if (halves.length === 1 ? groupCount !== 8 : groupCount > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - groupCount).fill('0'), ...rest];
  let result = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    result = (result << 16n) | BigInt(parseInt(group, 16));
  }
  return result;
}

function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

function parseCidr(text: string): Cidr | undefined {
  const [address, length, ...extra] = text.split('/');
  if (address === undefined || extra.length > 0) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  const prefixLength = length === undefined ? bits : /^\d{1,3}$/.test(length) ? Number(length) : NaN;
  if (!(prefixLength >= 0 && prefixLength <= bits)) return undefined;
  const shift = BigInt(bits - prefixLength);
  return { version: ip.version, network: (ip.value >> shift) << shift, prefixLength };
}

function matchCidr(cidrText: string, value: string): boolean {
  const cidr = parseCidr(cidrText);
  const ip = parseIp(value);
  if (!cidr || !ip || ip.version !== cidr.version) return false;
  const shift = BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefixLength);
  return (ip.value >> shift) << shift === cidr.network;
}

// ---------------------------------------------------------------------------------------
// Validation

const NUMERIC_LOWER = new Set(['>', '>=']);
const NUMERIC_UPPER = new Set(['<', '<=']);

/**
 * Problems that would make AWS refuse `pattern` (PutRule's InvalidEventPatternException),
 * each naming the path of the offending field; an empty array means the pattern is valid.
 */
export function validateEventPattern(pattern: unknown): string[] {
  const problems: string[] = [];
  if (!isPlainObject(pattern)) {
    problems.push('event pattern must be a JSON object');
    return problems;
  }
  validateObject(pattern, '', problems);
  return problems;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function validateObject(pattern: Record<string, unknown>, path: string, problems: string[]): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    problems.push(`${path || 'event pattern'}: empty objects are not allowed`);
    return;
  }
  for (const key of keys) {
    const value = pattern[key];
    const here = join(path, key);
    if (key === OR && Array.isArray(value) && value.some(isPlainObject)) {
      if (!isOrList(value)) {
        problems.push(`${here}: "$or" needs an array of at least two objects`);
        continue;
      }
      value.forEach((alternative, index) => validateObject(alternative, `${here}[${index}]`, problems));
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) problems.push(`${here}: empty arrays are not allowed`);
      value.forEach((leaf) => validateLeaf(leaf, here, problems));
    } else if (isPlainObject(value)) {
      validateObject(value, here, problems);
    } else {
      problems.push(`${here}: match value must be put inside a JSON array (got ${JSON.stringify(value)})`);
    }
  }
}

function validateLeaf(leaf: unknown, path: string, problems: string[]): void {
  if (leaf === null || ['string', 'number', 'boolean'].includes(typeof leaf)) return;
  if (Array.isArray(leaf)) {
    problems.push(`${path}: arrays are not allowed inside a match list`);
    return;
  }
  if (!isPlainObject(leaf)) {
    problems.push(`${path}: unsupported value ${String(leaf)}`);
    return;
  }
  const entries = Object.entries(leaf);
  if (entries.length !== 1) {
    problems.push(`${path}: a match expression must have exactly one operator, got ${JSON.stringify(leaf)}`);
    return;
  }
  const [operator, operand] = entries[0] as [string, unknown];
  const problem = operandProblem(operator, operand);
  if (problem) problems.push(`${path}: ${problem}`);
}

function ignoreCaseString(operand: unknown): boolean {
  if (!isPlainObject(operand)) return false;
  const keys = Object.keys(operand);
  return keys.length === 1 && keys[0] === 'equals-ignore-case' && typeof operand['equals-ignore-case'] === 'string';
}

function operandProblem(operator: string, operand: unknown): string | undefined {
  switch (operator) {
    case 'exists':
      return typeof operand === 'boolean' ? undefined : 'exists match pattern must be either true or false';
    case 'prefix':
    case 'suffix':
      return typeof operand === 'string' || ignoreCaseString(operand)
        ? undefined
        : `${operator} match pattern must be a string or {"equals-ignore-case": string}`;
    case 'equals-ignore-case':
      return typeof operand === 'string' ? undefined : 'equals-ignore-case match pattern must be a string';
    case 'wildcard':
      if (typeof operand !== 'string') return 'wildcard match pattern must be a string';
      return wildcardProblem(operand) && `wildcard "${operand}": ${wildcardProblem(operand)}`;
    case 'cidr':
      return typeof operand === 'string' && parseCidr(operand)
        ? undefined
        : `cidr match pattern must be an IP address range, got ${JSON.stringify(operand)}`;
    case 'numeric':
      return numericProblem(operand);
    case 'anything-but':
      return anythingButProblem(operand);
    default:
      return `unrecognized match type "${operator}"`;
  }
}

function numericProblem(operand: unknown): string | undefined {
  if (!Array.isArray(operand) || operand.length === 0) return 'numeric match pattern must be a non-empty array';
  if (operand.length % 2 !== 0) return 'numeric match pattern must alternate operators and numbers';
  for (let i = 0; i < operand.length; i += 2) {
    const [op, bound] = [operand[i], operand[i + 1]];
    if (!['=', '<', '<=', '>', '>='].includes(op as string)) return `unrecognized numeric range operator ${String(op)}`;
    if (typeof bound !== 'number' || !Number.isFinite(bound)) return `value of ${String(op)} must be numeric`;
  }
  if (operand[0] === '=') return operand.length === 2 ? undefined : '"=" cannot be combined with other operators';
  if (operand.length === 2) return undefined;
  if (operand.length > 4 || !NUMERIC_LOWER.has(operand[0] as string) || !NUMERIC_UPPER.has(operand[2] as string)) {
    return 'a numeric range must be a lower bound (">" or ">=") followed by an upper bound ("<" or "<=")';
  }
  return (operand[1] as number) < (operand[3] as number) ? undefined : 'bottom must be less than top';
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) return undefined;
  if (Array.isArray(operand)) {
    if (operand.length === 0) return 'anything-but list must not be empty';
    const allStrings = operand.every((value) => typeof value === 'string');
    const allNumbers = operand.every((value) => typeof value === 'number' && Number.isFinite(value));
    return allStrings || allNumbers
      ? undefined
      : 'inside anything-but list, only all strings or all numbers are allowed';
  }
  if (!isPlainObject(operand)) return 'anything-but must be a string, a number, a list, or an object';
  const entries = Object.entries(operand);
  if (entries.length !== 1) return 'anything-but object must have exactly one operator';
  const [operator, inner] = entries[0] as [string, unknown];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return typeof inner === 'string' && inner !== ''
        ? undefined
        : `value of anything-but ${operator} must be a non-empty string`;
    case 'equals-ignore-case':
    case 'wildcard': {
      const values = asList(inner);
      if (values.length === 0 || !values.every((value) => typeof value === 'string')) {
        return `value of anything-but ${operator} must be a string or a list of strings`;
      }
      if (operator === 'wildcard') {
        const bad = (values as string[]).find((glob) => wildcardProblem(glob));
        if (bad !== undefined) return `wildcard "${bad}": ${wildcardProblem(bad)}`;
      }
      return undefined;
    }
    default:
      return `unsupported anything-but operator "${operator}"`;
  }
}
