import { describe, expect, it } from 'vitest';
import { median, ratioOfMediansInterval } from '../../../scripts/bench/stats';

describe('the interval of a ratio of medians', () => {
  it('is a single point when every pair has the same ratio', () => {
    const reference = [100, 120, 90, 150, 110];
    const [low, high] = ratioOfMediansInterval(
      reference.map((value) => value * 1.2),
      reference,
    );
    expect(low).toBeCloseTo(1.2, 10);
    expect(high).toBeCloseTo(1.2, 10);
  });

  it('holds the measured ratio, widens with the spread of the trials and narrows with their number', () => {
    const noisy = (trials: number, spread: number) => {
      const reference = Array.from({ length: trials }, (_, i) => 100 + spread * Math.sin(i * 2.1));
      const measured = Array.from({ length: trials }, (_, i) => 120 + spread * Math.cos(i * 1.7));
      return { measured, reference, ratio: median(measured) / median(reference) };
    };
    const width = ([low, high]: [number, number]) => high - low;

    const few = noisy(15, 20);
    const interval = ratioOfMediansInterval(few.measured, few.reference);
    expect(interval[0]).toBeLessThanOrEqual(few.ratio);
    expect(interval[1]).toBeGreaterThanOrEqual(few.ratio);

    const calmer = noisy(15, 5);
    expect(width(ratioOfMediansInterval(calmer.measured, calmer.reference))).toBeLessThan(width(interval));
    const more = noisy(60, 20);
    expect(width(ratioOfMediansInterval(more.measured, more.reference))).toBeLessThan(width(interval));
  });

  it('gives the same interval for the same trials', () => {
    const measured = [210, 250, 190, 230, 270, 205];
    const reference = [180, 200, 170, 215, 190, 175];
    expect(ratioOfMediansInterval(measured, reference)).toEqual(ratioOfMediansInterval(measured, reference));
  });
});
