import { spawn } from 'node:child_process';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, type DetailType } from '../../events/catalog';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import type { AcceptedEvent, LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { runPatient, type PatientArgs } from '../../scripts/patient';
import { projectRoot } from '../support/examples';
import { scenario } from '../support/scenario';

/**
 * `npm run patient -- export|erase --local` against the local stack, as an operator runs it: a
 * patient booked through PutEvents, their export asked for and read back from the stack's S3
 * endpoint where the command says it is, then their erasure, answered once on the bus.
 */

let stack: LocalStack;
let client: EventBridgeClient;
let s3: S3Client;

beforeAll(async () => {
  stack = await startTestStack();
  client = new EventBridgeClient({
    endpoint: stack.endpoints.events,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  s3 = new S3Client({
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  s3?.destroy();
  await stack?.stop();
});

async function put(detailType: DetailType, detail: unknown) {
  const answer = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: stack.frontEndEnvironment.CARELOOP_EVENT_BUS,
          Source: eventCatalog[detailType].source,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(answer.FailedEntryCount).toBe(0);
  await stack.idle();
}

async function accepted(detailType: string, patientId: string): Promise<AcceptedEvent[]> {
  await stack.idle();
  const response = await fetch(`${stack.endpoints.events}/_local/events?source=clinic.patients`);
  const requests = (await response.json()) as AcceptedEvent[];
  const answers = (await (
    await fetch(`${stack.endpoints.events}/_local/events?source=careloop.patients`)
  ).json()) as AcceptedEvent[];
  return [...requests, ...answers].filter(
    (event) => event.detailType === detailType && (event.detail as { patientId?: string }).patientId === patientId,
  );
}

function capture(answers: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  return {
    out,
    err,
    questions,
    io: {
      print: (line: string) => void out.push(line),
      error: (line: string) => void err.push(line),
      ask: async (question: string) => {
        questions.push(question);
        return answers.shift() ?? '';
      },
    },
  };
}

describe('npm run patient against the local stack', () => {
  it('exports a booked patient where it says, then erases them once they confirm', async () => {
    const { now } = (await (await fetch(`${stack.endpoints.events}/_local/clock`)).json()) as { now: string };
    const s = scenario({ startsAt: new Date(Date.parse(now) + 5 * 86_400_000).toISOString() });
    const created = s.created({ occurredAt: now });
    await put('BookingCreated', created);
    const base: PatientArgs = {
      clinic: created.clinicId,
      patient: s.patientId,
      local: stack.endpoints.events,
      bus: 'clinic-events',
      timeoutSeconds: 20,
      yes: false,
      help: false,
    };

    const exported = capture();
    expect(await runPatient({ ...base, action: 'export', request: `dsr-${s.tag}-export` }, exported.io)).toBe(true);
    expect(exported.err).toEqual([]);
    const ready = exported.out.find((line) => line.startsWith('Export ready: '));
    const [, bucket, key] = /^Export ready: bucket (\S+), key (\S+), until /.exec(ready ?? '') ?? [];
    expect(bucket).toBe(stack.exportBucket);
    expect(key).toBe(`exports/${created.clinicId}/${s.patientId}/dsr-${s.tag}-export.json`);
    expect(exported.out).toContain(
      `Read it (the local stack takes any credentials): aws s3 cp --endpoint-url ${stack.endpoints.s3} s3://${bucket}/${key} -`,
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const document = JSON.parse(await object.Body!.transformToString()) as Record<string, unknown>;
    expect(document).toMatchObject({ requestId: `dsr-${s.tag}-export`, patientId: s.patientId });
    expect(document.bookings).toEqual([expect.objectContaining({ bookingId: s.bookingId })]);
    // Ids and the export's place only: nothing the patient told the clinic.
    expect(exported.out.join('\n')).not.toContain(s.email);
    expect(exported.out.join('\n')).not.toContain(created.patient.firstName);

    // Asked again with the same request: no second export, and the first one's answer is told.
    const again = capture();
    expect(await runPatient({ ...base, action: 'export', request: `dsr-${s.tag}-export` }, again.io)).toBe(true);
    expect(again.out).toContain(ready);
    expect(await accepted('PatientDataExportReady', s.patientId)).toHaveLength(1);

    const refused = capture(['no']);
    expect(await runPatient({ ...base, action: 'erase', request: `dsr-${s.tag}-erase` }, refused.io)).toBe(false);
    expect(refused.questions).toHaveLength(1);
    expect(refused.err).toEqual(['Not erased: nothing was published.']);
    expect(await accepted('PatientErasureRequested', s.patientId)).toEqual([]);

    const erased = capture();
    expect(await runPatient({ ...base, action: 'erase', request: `dsr-${s.tag}-erase`, yes: true }, erased.io)).toBe(
      true,
    );
    expect(erased.err).toEqual([]);
    expect(erased.questions).toEqual([]);
    expect(erased.out.at(-1)).toMatch(/^Erased at \d{4}-\d\d-\d\dT[\d:.]+Z\.$/);
    expect((await accepted('PatientErased', s.patientId)).map((event) => event.detail)).toEqual([
      expect.objectContaining({ requestId: `dsr-${s.tag}-erase` }),
    ]);
    expect(stack.deadLetters).toEqual([]);
  }, 60_000);

  it('runs as `npm run patient`: exit 0 when answered, 1 when the erasure is not confirmed on stdin, 2 for a bad id', async () => {
    const run = (input: string, ...argv: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('npm', ['run', '--silent', 'patient', '--', ...argv], {
          cwd: projectRoot,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (chunk) => (stdout += chunk));
        child.stderr!.on('data', (chunk) => (stderr += chunk));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin!.end(input);
      });
    const s = scenario();
    const ids = ['--clinic', 'riverside', '--patient', s.patientId, '--local', stack.endpoints.events];

    const exported = await run('', 'export', ...ids);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/--request dsr-\d{4}-\d\d-\d\d-[0-9a-f]{8}: it does nothing new/);
    expect(exported.stdout).toContain(
      `Export ready: bucket ${stack.exportBucket}, key exports/riverside/${s.patientId}/`,
    );

    // Answered no, or not at all (stdin ends): either way nothing is erased.
    for (const input of ['no\n', '']) {
      const declined = await run(input, 'erase', ...ids);
      expect(declined.code).toBe(1);
      expect(declined.stderr).toContain(`Erase clinic riverside, patient ${s.patientId}, request dsr-`);
      expect(declined.stderr).toContain('Not erased: nothing was published.');
    }
    expect(await accepted('PatientErasureRequested', s.patientId)).toEqual([]);

    const badId = await run('', 'erase', '--yes', ...ids.slice(0, 2), '--patient', 'pt 42', ...ids.slice(4));
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('refused by the contract: --patient: patientId: must be');
    expect(await accepted('PatientErasureRequested', 'pt 42')).toEqual([]);
  }, 60_000);
});
