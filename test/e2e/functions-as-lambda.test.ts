import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, type DetailType } from '../../events/catalog';
import { careLoopFunctions } from '../../functions/catalog';
import { PROJECT_ROOT } from '../../infra/careloop-stack';
import { functionCode } from '../../infra/constructs/careloop-function';
import { handlerEntry } from '../../infra/function-plan';
import { eventBridgeEnvelope, localFunctionEnvironment } from '../../infra/local/functions';
import { lambdaRuntimeVariables, type FunctionLogLine } from '../../infra/local/lambda-workers';
import type { LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { ENV } from '../../shared/config';
import { scenario } from '../support/scenario';

/**
 * The local stack runs each function as Lambda does: from the bundle `cdk synth` packages, in
 * execution environments of its own (a worker thread each), with only its own variables, and
 * one invocation at a time per environment, so each log line is its own invocation's.
 */

let stack: LocalStack;
let client: EventBridgeClient;
const lines: FunctionLogLine[] = [];
/** Set in this process before the stack starts: no function may see it. */
const MARKER = 'CARELOOP_TEST_PROCESS_ONLY';

beforeAll(async () => {
  process.env[MARKER] = 'set in the test process';
  stack = await startTestStack({ onLog: (line) => void lines.push(line) });
  client = new EventBridgeClient({
    endpoint: stack.endpoints.events,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 90_000);

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
  delete process.env[MARKER];
});

const put = async (entries: { detailType: DetailType; detail: unknown }[]) => {
  const answer = await client.send(
    new PutEventsCommand({
      Entries: entries.map(({ detailType, detail }) => ({
        EventBusName: stack.frontEndEnvironment.CARELOOP_EVENT_BUS,
        Source: eventCatalog[detailType].source,
        DetailType: detailType,
        Detail: JSON.stringify(detail),
      })),
    }),
  );
  expect(answer.FailedEntryCount).toBe(0);
  await stack.idle();
};

const json = (line: FunctionLogLine) => JSON.parse(line.line) as Record<string, unknown>;
const linesOf = (name: string) => lines.filter((line) => line.functionName === name);

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Every file under a folder, by its path from there. */
function filesUnder(root: string, folder = root): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(root, join(folder, entry.name)) : [relative(root, join(folder, entry.name))],
    )
    .sort();
}

describe('functions run as Lambda runs them', () => {
  it('logs each concurrent invocation with its own function, request id and event', async () => {
    const bookings = [scenario(), scenario(), scenario()];
    const clinic = scenario({ clinicId: `clinic-${randomUUID().slice(0, 8)}` });
    const created = bookings.map((s) => s.created());
    const profile = clinic.clinicProfile();
    const from = lines.length;
    // One request: the bus hands all four to their functions at once, three of them to one function.
    await put([
      ...created.map((detail) => ({ detailType: 'BookingCreated' as const, detail })),
      { detailType: 'ClinicProfileUpdated', detail: profile },
    ]);
    const written = lines.slice(from);
    const ofFunction = (name: string) => written.filter((line) => line.functionName === name);
    const [booking, profileLines] = [ofFunction('booking-created'), ofFunction('clinic-profile-updated')];
    expect(booking.length).toBeGreaterThanOrEqual(created.length);
    expect(profileLines.length).toBeGreaterThan(0);
    // The three bookings ran side by side, each in an environment of its own.
    expect(new Set(booking.map((line) => line.logStream)).size).toBeGreaterThanOrEqual(2);

    for (const name of ['booking-created', 'clinic-profile-updated']) {
      const byRequest = groupBy(ofFunction(name), (line) => line.requestId);
      expect(byRequest.has(undefined), `${name} wrote outside an invocation`).toBe(false);
      for (const [requestId, requestLines] of byRequest) {
        const entries = requestLines.map(json);
        for (const entry of entries) {
          expect(entry.function_name).toBe(`careloop-local-${name}`);
          expect(entry.function_request_id).toBe(requestId);
        }
        // Every line of an invocation names the one event it handled, or none.
        expect(new Set(entries.map((entry) => entry.eventId).filter(Boolean)).size, requestId).toBe(1);
      }
    }
    const eventIdsOf = (name: string) =>
      [...groupBy(ofFunction(name), (line) => line.requestId).values()].map(
        (requestLines) => requestLines.map(json).find((entry) => entry.eventId)?.eventId,
      );
    expect(eventIdsOf('booking-created').sort()).toEqual(created.map((detail) => detail.eventId).sort());
    expect(eventIdsOf('clinic-profile-updated')).toEqual([profile.eventId]);
  });

  it('gives each function exactly the variables its deployment gives it, and Lambda’s own', async () => {
    // Which variables a function is given follows from its descriptor alone; their values, from the stack.
    const settings = {
      prefix: 'careloop-local',
      tableName: stack.tableName,
      scheduleGroupName: 'careloop-local',
      senderAddress: 'appointments@careloop.local',
      eventBusName: 'clinic-events',
      exportBucketName: stack.exportBucket,
    };
    for (const name of ['clinic-profile-updated', 'booking-created']) {
      const descriptor = careLoopFunctions.find((candidate) => candidate.name === name)!;
      const { environment, entryFile, logStream } = await stack.lambda.describe(name);
      const deployed = localFunctionEnvironment(
        descriptor,
        { dynamodb: '', ses: '', scheduler: '', s3: '', sideServices: '', unsubscribe: '' },
        settings,
      );
      const lambda = lambdaRuntimeVariables({
        functionName: `careloop-local-${name}`,
        logStream,
        memoryMb: 256,
        region: 'eu-central-1',
        taskRoot: stack.lambda.bundles.get(name)!.directory,
        // A level set for this process (to quieten a run) is the functions' Lambda log level.
        logLevel: process.env.AWS_LAMBDA_LOG_LEVEL || process.env.POWERTOOLS_LOG_LEVEL || undefined,
      });
      expect(Object.keys(environment).sort()).toEqual(Object.keys({ ...deployed, ...lambda }).sort());
      expect(environment).toMatchObject(lambda);
      expect(environment[ENV.tableName]).toBe(deployed[ENV.tableName]);
      expect(entryFile).toBe(stack.lambda.bundles.get(name)!.entryFile);
      expect(environment).not.toHaveProperty(MARKER);
      expect(environment).not.toHaveProperty('PATH');
    }
    const profile = (await stack.lambda.describe('clinic-profile-updated')).environment;
    const booking = (await stack.lambda.describe('booking-created')).environment;
    for (const variable of [ENV.senderAddress, ENV.scheduleGroupName, ENV.unsubscribeBaseUrl]) {
      expect(profile, variable).not.toHaveProperty(variable);
      expect(booking, variable).toHaveProperty(variable);
    }
    // Nor does the stack set the functions' variables on its own process any more.
    expect(process.env).not.toHaveProperty(ENV.senderAddress);
  });

  it('logs cold_start true on an environment’s first invocation and false on the next in it', async () => {
    const s = scenario();
    expect(linesOf('treatment-plan-created'), 'no environment of this function has run yet').toEqual([]);
    for (let invocation = 0; invocation < 2; invocation++) {
      await stack.lambda.invoke('treatment-plan-created', eventBridgeEnvelope('TreatmentPlanCreated', s.planCreated()));
    }
    const [first, second] = [...groupBy(linesOf('treatment-plan-created'), (line) => line.requestId).values()];
    expect(first!.length).toBeGreaterThan(0);
    expect(second!.length).toBeGreaterThan(0);
    expect(second![0]!.logStream).toBe(first![0]!.logStream);
    expect(first!.map((line) => json(line).cold_start)).toEqual(first!.map(() => true));
    expect(second!.map((line) => json(line).cold_start)).toEqual(second!.map(() => false));
    // Across everything this file ran: an environment's first invocation, and only that, was cold.
    const contextLines = lines.filter((line) => line.line.includes('"cold_start":'));
    for (const streamLines of groupBy(contextLines, (line) => line.logStream).values()) {
      const invocations = [...groupBy(streamLines, (line) => line.requestId).values()];
      invocations.forEach((invocationLines, index) => {
        for (const line of invocationLines) expect(json(line).cold_start, line.line).toBe(index === 0);
      });
    }
  });

  it('runs the very bundles cdk synth packages, byte for byte', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'careloop-synth-'));
    try {
      const app = new App({ outdir });
      for (const descriptor of careLoopFunctions) {
        // What CareLoopFunction gives lambda.Function: CDK stages (bundles) it when it is bound.
        const code = functionCode(PROJECT_ROOT, handlerEntry(descriptor), undefined);
        const { s3Location } = code.bind(new Stack(app, descriptor.name));
        const staged = join(outdir, `asset.${s3Location!.objectKey.replace(/\.zip$/, '')}`);
        const running = stack.lambda.bundles.get(descriptor.name)!.directory;
        expect(filesUnder(running), descriptor.name).toEqual(filesUnder(staged));
        for (const file of filesUnder(staged)) {
          expect(readFileSync(join(running, file)).equals(readFileSync(join(staged, file))), file).toBe(true);
        }
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
