import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../infra/bundling';
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
    const { file } = await bundle(entry, join(directory, 'validation'), PROJECT_ROOT);
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

  it('build no schema for a valid event, and an event’s own schema when one is refused', async () => {
    const entry = join(directory, 'lazy-entry.ts');
    writeFileSync(entry, `export { parseDetail } from ${JSON.stringify(join(PROJECT_ROOT, 'events/validation'))};\n`);
    const { file } = await bundle(entry, join(directory, 'lazy'), PROJECT_ROOT);
    const plan = {
      eventId: 'evt-1',
      occurredAt: '2027-03-01T09:00:00Z',
      clinicId: 'riverside',
      patientId: 'pt-1',
      plan: { planId: 'plan-1', goals: ['mobility'], plannedSessions: 6 },
    };
    const refusedPlan = { ...plan, plan: { ...plan.plan, goals: [] } };
    // zod calls its global postProcessor on every schema it constructs: a count of schemas built.
    const script = `globalThis.__zod_globalConfig = { postProcessor: () => { globalThis.built = (globalThis.built ?? 0) + 1; } };
const { parseDetail } = await import(${JSON.stringify(pathToFileURL(file).href)});
const counts = [globalThis.built ?? 0];
const steps = [['TreatmentPlanCreated', ${JSON.stringify(plan)}], ['TreatmentPlanCreated', ${JSON.stringify(refusedPlan)}], ['TreatmentPlanCreated', ${JSON.stringify(refusedPlan)}], ['BookingCreated', {}]];
for (const [type, detail] of steps) {
  try { parseDetail(type, detail); } catch {}
  counts.push(globalThis.built ?? 0);
}
console.log(JSON.stringify(counts));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const [imported, valid, firstRefusal, secondRefusal, booking] = JSON.parse(run.stdout) as number[];
    expect(imported).toBe(0);
    // The compiled parser answers a valid event: no schema is built.
    expect(valid).toBe(0);
    expect(firstRefusal).toBeGreaterThan(valid!);
    // The second refusal builds no schema, only the one error object zod constructs per refusal.
    expect(secondRefusal).toBe(firstRefusal! + 1);
    expect(booking).toBeGreaterThan(secondRefusal!);
  });

  it('read the wall clock right in a worker thread too, where switching TZ has no effect', async () => {
    const entry = join(directory, 'wall-clock-entry.ts');
    writeFileSync(
      entry,
      `export { wallClock, wallClockSource } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/time/wall-clock'))};\n`,
    );
    const { file } = await bundle(entry, join(directory, 'wall-clock'), PROJECT_ROOT);
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
    const plan = await bundle(
      join(PROJECT_ROOT, 'functions/treatment-plan-created/handler.ts'),
      join(directory, 'treatment-plan-created'),
      PROJECT_ROOT,
    );
    const code = everything(plan);
    // Middy's import of node:stream/web is swapped for the shim (infra/bundling.ts), which is there.
    expect(code).not.toMatch(/["']node:stream\/web["']/);
    expect(code).toContain('Symbol.hasInstance');
    expect(code).not.toContain('Chin tuck');
    expect(code).not.toContain('BEGIN:VCALENDAR');
    // ...while the function that sends follow-ups carries the library.
    const session = await bundle(
      join(PROJECT_ROOT, 'functions/session-completed/handler.ts'),
      join(directory, 'session-completed'),
      PROJECT_ROOT,
    );
    expect(everything(session)).toContain('Chin tuck');
  });

  it('are the same modules, byte for byte, wherever they land and whether their maps are kept (bench) or not (cdk synth)', () => {
    const entry = join(PROJECT_ROOT, 'functions/booking-cancelled/handler.ts');
    const withMaps = bundleFunction(entry, join(directory, 'deeper', 'with-maps'), PROJECT_ROOT, {
      keepSourceMaps: true,
    });
    const packaged = bundleFunction(entry, join(directory, 'packaged'), PROJECT_ROOT);
    const relative = (root: string, files: readonly string[]) => files.map((file) => file.slice(root.length)).sort();
    const modules = (built: typeof packaged) => [...built.startupFiles, ...built.lazyFiles];
    expect(relative(join(directory, 'packaged'), modules(packaged))).toEqual(
      relative(join(directory, 'deeper', 'with-maps'), modules(withMaps)),
    );
    for (const file of modules(packaged)) {
      const twin = file.replace(join(directory, 'packaged'), join(directory, 'deeper', 'with-maps'));
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(twin, 'utf8'));
      expect(existsSync(`${twin}.map`)).toBe(true);
      expect(existsSync(`${file}.map`)).toBe(false);
    }
  });

  it('leave out of a cold start what only a rare path needs, in chunks loaded when it runs', async () => {
    const preferences = await bundle(
      join(PROJECT_ROOT, 'functions/contact-preferences-updated/handler.ts'),
      join(directory, 'contact-preferences-updated'),
      PROJECT_ROOT,
    );
    // A change of contact details releases follow-ups only when one was waiting for an address.
    const atStart = startup(preferences);
    for (const rare of ['Chin tuck', 'List-Unsubscribe', '@aws-sdk/client-sesv2', '@aws-sdk/client-secrets-manager']) {
      expect(atStart).not.toContain(rare);
      expect(everything(preferences)).toContain(rare);
    }
    // A refused event is reported to the dead-letter queue through SQS: every function, rarely.
    expect(atStart).not.toContain('@aws-sdk/client-sqs');

    const cancelled = await bundle(
      join(PROJECT_ROOT, 'functions/booking-cancelled/handler.ts'),
      join(directory, 'booking-cancelled'),
      PROJECT_ROOT,
    );
    // The cancellation email and its calendar file are the common path; the self-care emails are not.
    expect(startup(cancelled)).toContain('BEGIN:VCALENDAR');
    expect(startup(cancelled)).not.toContain('Chin tuck');
  });
});

const read = (files: readonly string[]) => files.map((file) => readFileSync(file, 'utf8')).join('\n');
const startup = (built: { startupFiles: readonly string[] }) => read(built.startupFiles);
const everything = (built: { startupFiles: readonly string[]; lazyFiles: readonly string[] }) =>
  read([...built.startupFiles, ...built.lazyFiles]);
