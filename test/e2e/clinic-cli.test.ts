import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { readClinicsFile } from '../../infra/clinics-file';
import type { LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { runClinic } from '../../scripts/clinic';
import { projectWithProbe } from '../support/new-function';
import { projectRoot } from '../support/examples';

/**
 * `npm run clinic -- --file … --local` against the local stack, as an operator runs it. No
 * function of this version stores clinic profiles yet, so a probe that the bus hands every
 * ClinicProfileUpdated to (as it would the function that stores them) shows what arrived.
 */

type ProfileEvent = EventBridgeEvent<'ClinicProfileUpdated', Record<string, unknown>>;

/** What the probe received: it runs in an execution environment of its own, and says so in its log. */
const seen: ProfileEvent[] = [];

const profileProbe: FunctionDescriptor = {
  name: 'profile-probe',
  description: 'CareLoop: a probe the bus hands every ClinicProfileUpdated to',
  trigger: { kind: 'bus', events: ['ClinicProfileUpdated'] },
  ports: [],
  table: [],
};

const PROBE_HANDLER = `export const wiring = {};

export const handler = async (event: unknown) => {
  console.log(JSON.stringify({ probeSaw: event }));
  return 'seen';
};
`;

const EXAMPLE_FILE = join(projectRoot, 'docs', 'clinics.example.json');

let root: string;
let stack: LocalStack;

beforeAll(async () => {
  root = projectWithProbe();
  mkdirSync(join(root, 'functions', profileProbe.name));
  writeFileSync(join(root, 'functions', profileProbe.name, 'handler.ts'), PROBE_HANDLER);
  stack = await startTestStack({
    functions: [...careLoopFunctions, profileProbe],
    projectRoot: root,
    onLog: ({ functionName, line }) => {
      if (functionName === profileProbe.name) seen.push((JSON.parse(line) as { probeSaw: ProfileEvent }).probeSaw);
    },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { print: (line: string) => void out.push(line), error: (line: string) => void err.push(line) },
  };
}

describe('npm run clinic against the local stack', () => {
  it('publishes each profile of a file to the bus as clinic.admin / ClinicProfileUpdated', async () => {
    const { io, out, err } = capture();
    const ok = await runClinic(
      { file: EXAMPLE_FILE, local: stack.endpoints.events, bus: 'clinic-events', help: false },
      io,
    );
    await stack.idle();
    expect(err).toEqual([]);
    expect(ok).toBe(true);
    const expected = readClinicsFile(EXAMPLE_FILE);
    // Delivered side by side, to environments of their own: in no particular order.
    const byEventId = (a: { eventId: unknown }, b: { eventId: unknown }) =>
      String(a.eventId).localeCompare(String(b.eventId));
    expect(
      seen
        .map((event) => ({ eventId: event.detail.eventId, event: [event.source, event['detail-type'], event.detail] }))
        .sort(byEventId),
    ).toEqual(
      expected
        .map((detail) => ({ eventId: detail.eventId, event: ['clinic.admin', 'ClinicProfileUpdated', detail] }))
        .sort(byEventId),
    );
    expect(out.slice(1)).toEqual(
      expected.map((detail) =>
        expect.stringMatching(
          new RegExp(`^  published clinic ${detail.clinicId} \\(.+\\), eventId ${detail.eventId} → EventBridge id `),
        ),
      ),
    );
    expect(stack.deadLetters).toEqual([]);
  });

  it('fails on a bus the stack does not have, and publishes nothing', async () => {
    const { io, err } = capture();
    const ok = await runClinic(
      { file: EXAMPLE_FILE, local: stack.endpoints.events, bus: 'no-such-bus', help: false },
      io,
    );
    await stack.idle();
    expect(ok).toBe(false);
    expect(err[0]).toContain('ResourceNotFoundException');
    expect(seen).toEqual([]);
  });

  it('runs as `npm run clinic`: exit 0 when published, 1 with the field named when the file is refused', async () => {
    const run = (...argv: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('npm', ['run', '--silent', 'clinic', '--', ...argv], {
          cwd: projectRoot,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (chunk) => (stdout += chunk));
        child.stderr!.on('data', (chunk) => (stderr += chunk));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });

    const single = join(root, 'riverside.json');
    const [riverside] = readClinicsFile(EXAMPLE_FILE);
    writeFileSync(single, JSON.stringify(riverside));
    const published = await run('--file', single, '--local', stack.endpoints.events);
    await stack.idle();
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toContain(
      `published clinic riverside ("Riverside Physical Therapy"), eventId ${riverside!.eventId}`,
    );
    expect(seen.map((event) => event.detail)).toEqual([riverside]);

    const broken = join(root, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...riverside, profile: { ...riverside!.profile, bookingUrl: 'http://x' } }));
    const refused = await run('--file', broken, '--local', stack.endpoints.events);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${broken}: profile.bookingUrl: must be an https URL`);
    expect(seen).toHaveLength(1);
  }, 60_000);
});
