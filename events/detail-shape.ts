/**
 * The outer bounds of a detail, checked before any schema runs. The contract's deepest field is
 * four levels down and EventBridge refuses an entry over 256 KB, so a detail nested far deeper or
 * holding far more is an attack or a broken producer, never an event: it is refused by its shape,
 * without a recursive walk, so nothing downstream (zod, JSON.stringify, a log line) meets it.
 */

/** Far deeper than any contract field (`booking.therapist.name`), far shallower than a stack. */
export const MAX_DETAIL_DEPTH = 32;
/** EventBridge's limit for a whole PutEvents entry: no detail it delivers is larger. */
export const MAX_DETAIL_BYTES = 256 * 1024;

/**
 * What is wrong with the detail's shape, or undefined when it is within bounds. Counts the
 * characters of every string and key as one byte each, a lower bound of their UTF-8 size:
 * enough to refuse what EventBridge could never have delivered, without encoding anything.
 */
export function detailShapeProblem(detail: unknown): string | undefined {
  if (typeof detail === 'string') {
    return detail.length > MAX_DETAIL_BYTES ? `detail: must be at most ${MAX_DETAIL_BYTES} bytes` : undefined;
  }
  const pending: { value: unknown; depth: number }[] = [{ value: detail, depth: 0 }];
  let size = 0;
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value === 'string') size += value.length + 2;
    else if (typeof value !== 'object' || value === null) size += 8;
    else {
      if (depth >= MAX_DETAIL_DEPTH) return `detail: must not be nested deeper than ${MAX_DETAIL_DEPTH} levels`;
      if (Array.isArray(value)) {
        size += 2 + value.length;
        for (const item of value) pending.push({ value: item, depth: depth + 1 });
      } else {
        size += 2;
        for (const [key, item] of Object.entries(value)) {
          size += key.length + 4;
          pending.push({ value: item, depth: depth + 1 });
        }
      }
    }
    if (size > MAX_DETAIL_BYTES) return `detail: must be at most ${MAX_DETAIL_BYTES} bytes`;
  }
  return undefined;
}
