import { describe, expect, it } from 'vitest';
import type { BurstFigures } from '../../../scripts/bench/burst-phase';
import { renderMarkdown, summary, type BenchFigures } from '../../../scripts/bench/report';

const burst = (bookings: number, eventsPerSecond: number, p95: number): BurstFigures => ({
  bookings,
  publishSeconds: 0.1,
  secondsToAllConfirmations: bookings / eventsPerSecond,
  eventsPerSecond,
  latencyMs: { p50: p95 / 2, p95, p99: p95, max: p95 },
  confirmationsOnce: bookings,
  duplicates: 0,
  missing: 0,
  deadLetters: 0,
  cpuSeconds: { nodeProcess: 1 },
});

/** A full run's figures, as far as the report reads them: what differs is the bursts in workers. */
const figures = (workerBursts: BenchFigures['workerBursts']): BenchFigures =>
  ({
    options: { quick: false, coldTrials: 15, warmInvocations: 1000, burstBookings: 1000, smallBurstBookings: 100 },
    functions: [],
    burst: burst(1000, 120, 6000),
    smallBurst: burst(100, 110, 800),
    workerBursts,
    cost: {
      lifecycles: 50,
      perLifecycle: {},
      lines: [],
      usdPer1000: 0.43,
      floorUsdPer1000: 0.4,
      ratioToFloor: 1.075,
      invocationsByFunction: {},
      dynamoCallsPerLifecycle: {},
    },
  }) as unknown as BenchFigures;

describe('the bench report, on the busy minute in workers', () => {
  it('judges the burst on a stack just started, and shows the one on the warm stack beside it', () => {
    const run = figures({
      smallBurst: burst(100, 37, 2500),
      burst: burst(1000, 80, 11000),
      smallBurstOnWarmStack: burst(100, 68, 1400),
    });
    expect(summary(run)).toMatchObject({ smallBurstWithinTarget: false, smallBurstOnWarmStackWithinTarget: true });
    const text = renderMarkdown(run, '2027-01-01T00:00:00Z');
    expect(text).toMatch(
      /\| 100-booking burst \(functions in workers\): rate, p95 publish → email \|[^\n]*\| 37\/s, 2\.50 s \| \*\*not met\*\* \|/,
    );
    expect(text).toMatch(
      /\| the same burst once the stack is warm \(after the 1000\) \|[^\n]*\| 68\/s, 1\.40 s \| met \(not the judged run\) \|/,
    );
    expect(text).toContain('Then, on the stack now warm: 100 BookingCreated');
  });

  it('says nothing of a warm stack when the run had none (an older figures file)', () => {
    const run = figures({ smallBurst: burst(100, 37, 2500), burst: burst(1000, 80, 11000) });
    expect(summary(run)).not.toHaveProperty('smallBurstOnWarmStackWithinTarget');
    const text = renderMarkdown(run);
    expect(text).not.toContain('once the stack is warm');
    expect(text).not.toContain('on the stack now warm');
  });
});
