import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/careloop-stack';
import { bundle } from '../../scripts/bench/bundles';

/**
 * What esbuild keeps and drops, bundling as the CDK stack does (infra/bundling.ts). package.json
 * declares which modules have side effects, so esbuild may drop any other module nothing uses:
 * these tests fail if that list misses one that matters, or if a function drags in code it
 * never calls.
 */

const directory = mkdtempSync(join(tmpdir(), 'careloop-bundles-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('function bundles', () => {
  it('keep zod’s English messages, loaded for their side effect', async () => {
    const entry = join(directory, 'validation-entry.ts');
    writeFileSync(entry, `export { parseDetail } from ${JSON.stringify(join(PROJECT_ROOT, 'events/validation'))};\n`);
    const { file } = await bundle(entry, join(directory, 'validation.mjs'), PROJECT_ROOT);
    // A fresh process: zod keeps its configuration on globalThis, and this one has loaded the messages already.
    const detail = {
      eventId: 'evt-1',
      occurredAt: '2027-03-01T09:00:00Z',
      clinicId: 'riverside',
      patientId: 'pt-1',
      plan: { planId: 'plan-1', goals: ['x'.repeat(501)], plannedSessions: 6 },
    };
    const script = `import { parseDetail } from ${JSON.stringify(pathToFileURL(file).href)};
try { parseDetail('TreatmentPlanCreated', ${JSON.stringify(detail)}); } catch (error) { console.log(error.message); }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('plan.goals.0: Too big: expected string to have <=500 characters');
  });

  it('build an event’s schema only when that event is validated', async () => {
    const entry = join(directory, 'lazy-entry.ts');
    writeFileSync(entry, `export { parseDetail } from ${JSON.stringify(join(PROJECT_ROOT, 'events/validation'))};\n`);
    const { file } = await bundle(entry, join(directory, 'lazy.mjs'), PROJECT_ROOT);
    const plan = {
      eventId: 'evt-1',
      occurredAt: '2027-03-01T09:00:00Z',
      clinicId: 'riverside',
      patientId: 'pt-1',
      plan: { planId: 'plan-1', goals: ['mobility'], plannedSessions: 6 },
    };
    // zod calls its global postProcessor on every schema it constructs: a count of schemas built.
    const script = `globalThis.__zod_globalConfig = { postProcessor: () => { globalThis.built = (globalThis.built ?? 0) + 1; } };
const { parseDetail } = await import(${JSON.stringify(pathToFileURL(file).href)});
const counts = [globalThis.built ?? 0];
const plan = ${JSON.stringify(plan)};
for (const [type, detail] of [['TreatmentPlanCreated', plan], ['TreatmentPlanCreated', plan], ['BookingCreated', {}]]) {
  try { parseDetail(type, detail); } catch {}
  counts.push(globalThis.built ?? 0);
}
console.log(JSON.stringify(counts));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const [imported, firstPlan, secondPlan, booking] = JSON.parse(run.stdout) as number[];
    expect(imported).toBe(0);
    expect(firstPlan).toBeGreaterThan(imported!);
    expect(secondPlan).toBe(firstPlan);
    expect(booking).toBeGreaterThan(secondPlan!);
  });

  it('read the wall clock right in a worker thread too, where switching TZ has no effect', async () => {
    const entry = join(directory, 'wall-clock-entry.ts');
    writeFileSync(
      entry,
      `export { wallClock, wallClockSource } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/time/wall-clock'))};\n`,
    );
    const { file } = await bundle(entry, join(directory, 'wall-clock.mjs'), PROJECT_ROOT);
    const script = `import { Worker } from 'node:worker_threads';
const source = \`import { parentPort } from 'node:worker_threads';
const { wallClock, wallClockSource } = await import(\${JSON.stringify(${JSON.stringify(pathToFileURL(file).href)})});
const clock = wallClock(new Date('2027-07-01T10:00:00Z'), 'Asia/Tokyo');
parentPort.postMessage({ source: wallClockSource('Asia/Tokyo'), hour: clock.hour, name: clock.englishZoneName });\`;
new Worker(source, { eval: true }).on('message', (message) => { console.log(JSON.stringify(message)); process.exit(0); });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual({ source: 'intl', hour: 19, name: 'Japan Standard Time' });
  });

  it('leave the self-care library and the email templates out of a function that sends no email', async () => {
    const { file } = await bundle(
      join(PROJECT_ROOT, 'functions/treatment-plan-created/handler.ts'),
      join(directory, 'treatment-plan-created.mjs'),
      PROJECT_ROOT,
    );
    const code = readFileSync(file, 'utf8');
    // Middy's import of node:stream/web is swapped for the shim (infra/bundling.ts), which is there.
    expect(code).not.toMatch(/["']node:stream\/web["']/);
    expect(code).toContain('Symbol.hasInstance');
    expect(code).not.toContain('Chin tuck');
    expect(code).not.toContain('BEGIN:VCALENDAR');
    // ...while a function that emails carries both.
    const { file: withEmail } = await bundle(
      join(PROJECT_ROOT, 'functions/session-completed/handler.ts'),
      join(directory, 'session-completed.mjs'),
      PROJECT_ROOT,
    );
    const emailing = readFileSync(withEmail, 'utf8');
    expect(emailing).toContain('Chin tuck');
    expect(emailing).toContain('BEGIN:VCALENDAR');
  });
});
