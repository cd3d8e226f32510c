/** Nearest-rank percentile: a value that was measured, never an interpolation between two. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/**
 * How far a ratio of two medians could move on another run of the same trials: a paired
 * bootstrap. Trial i of the function and trial i of the reference ran one after the other, so
 * they are drawn together; `rounds` resamplings with a fixed seed, so the same trials always give
 * the same interval. Returns the `coverage` interval (0.9: the 5th to the 95th percentile).
 */
export function ratioOfMediansInterval(
  numerator: readonly number[],
  denominator: readonly number[],
  { coverage = 0.9, rounds = 2000, seed = 1 }: { coverage?: number; rounds?: number; seed?: number } = {},
): [number, number] {
  const trials = Math.min(numerator.length, denominator.length);
  if (trials === 0) return [Number.NaN, Number.NaN];
  const random = mulberry32(seed);
  const ratios: number[] = [];
  const top: number[] = new Array<number>(trials);
  const bottom: number[] = new Array<number>(trials);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < trials; i++) {
      const drawn = Math.floor(random() * trials);
      top[i] = numerator[drawn]!;
      bottom[i] = denominator[drawn]!;
    }
    ratios.push(median(top) / median(bottom));
  }
  const tail = ((1 - coverage) / 2) * 100;
  return [percentile(ratios, tail), percentile(ratios, 100 - tail)];
}

/** A small seeded generator (Mulberry32): reproducible resampling, not cryptography. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
