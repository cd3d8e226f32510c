import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchFigures, summary } from '../../scripts/bench/report';

/**
 * `npm run bench -- --quick` end to end, so the benchmark keeps working between full runs.
 * It asserts what the run found and counted, never how fast anything was.
 */

type Written = BenchFigures & { summary: ReturnType<typeof summary> };

const workDirectory = mkdtempSync(join(tmpdir(), 'careloop-bench-'));
let figures: Written;
let exitCode: number | null;
let stderr = '';

beforeAll(async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench/run.ts', '--quick', '--only=ses-feedback', `--work-dir=${workDirectory}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  exitCode = await new Promise((resolve) => child.on('close', resolve));
  if (exitCode !== 0) throw new Error(`npm run bench -- --quick failed:\n${stderr.slice(-3000)}`);
  figures = JSON.parse(readFileSync(join(workDirectory, 'figures.json'), 'utf8')) as Written;
}, 180_000);

afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('finishes without an error', () => {
    expect(exitCode, stderr.slice(-2000)).toBe(0);
  });

  it('compares the function with a bare reference that makes the same SDK calls', () => {
    const [sesFeedback] = figures.functions;
    expect(sesFeedback!.name).toBe('ses-feedback');
    // The bounce suppresses the address (the key it is stored under, then its write), reads the
    // patient's profile (nothing is reported of a patient erased since) and writes the EmailBounced
    // outbox entry with its marker, together: recorded and replayed.
    expect(sesFeedback!.sdkCalls).toEqual(['GetSecretValue', 'PutItem', 'GetItem', 'TransactWriteItems']);
    // The next invocation of the same process has the key already: the common path.
    expect(sesFeedback!.warmSdkCalls).toEqual(['PutItem', 'GetItem', 'TransactWriteItems']);
    expect(sesFeedback!.referenceBundleBytes).toBeLessThan(sesFeedback!.bundleBytes);
    expect(sesFeedback!.coldMs.function).toHaveLength(1);
    expect(sesFeedback!.coldMs.reference).toHaveLength(1);
    expect(sesFeedback!.warm.invocations).toBe(20);
  });

  it('sees every burst confirmation handed to SES exactly once', () => {
    expect(figures.burst).toMatchObject({
      bookings: 30,
      confirmationsOnce: 30,
      duplicates: 0,
      missing: 0,
      deadLetters: 0,
    });
    expect(figures.summary.burstEveryConfirmationOnce).toBe(true);
  });

  it('counts a lifecycle’s four emails and prices the rest above the SES floor', () => {
    const { cost } = figures;
    expect(cost.perLifecycle['SES messages']).toBe(4);
    expect(cost.perLifecycle['EventBridge PutEvents entries']).toBe(2);
    expect(cost.perLifecycle['Scheduler invocations']).toBe(2);
    expect(cost.invocationsByFunction).toMatchObject({ 'booking-created': 1, 'session-completed': 1 });
    expect(cost.floorUsdPer1000).toBeCloseTo(0.4, 10);
    expect(cost.usdPer1000).toBeGreaterThan(cost.floorUsdPer1000);
    expect(cost.lines.find((line) => line.item === 'DynamoDB writes')!.perLifecycle).toBeGreaterThan(0);
  });
});
