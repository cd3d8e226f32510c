import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context } from 'aws-lambda';
import { careLoopFunctions } from '../../functions/catalog';
import { handlerEntry } from '../../infra/function-plan';
import { FUNCTION_RUNTIME_ENVIRONMENT } from '../../infra/bundling';
import { ENV } from '../../shared/config';
import { bundle, bundleReference, referenceSource, type Bundle } from './bundles';
import type { SdkCall } from './sdk-probe';
import { scenarios, type Scenario, type ScenarioContext } from './scenarios';
import { median, percentile, ratioOfMediansInterval } from './stats';

/**
 * Per function: the deployed bundle and its bare reference, their sizes, their cold starts
 * (fresh Node processes, alternating, median of the trials), and the function's warm latency
 * over many invocations, all against the local stack's emulators.
 */

export interface FunctionFigures {
  name: string;
  bundleBytes: number;
  referenceBundleBytes: number;
  /** Every SDK call of a cold invocation (what the bare reference replays). */
  sdkCalls: string[];
  /** Every SDK call of the next invocation in the same process: the common path. */
  warmSdkCalls: string[];
  coldMs: { function: number[]; reference: number[] };
  coldMedianMs: {
    function: number;
    reference: number;
    ratio: number;
    /** 90% paired-bootstrap interval of the ratio: how far it could move on another run of the same trials. */
    ratioInterval: [number, number];
  };
  importMedianMs: { function: number; reference: number };
  rssAfterColdMb: { function: number; reference: number };
  warm: { invocations: number; p50Ms: number; p99Ms: number; meanMs: number };
  logBytesPerWarmInvocation: number;
}

export interface FunctionPhaseOptions {
  projectRoot: string;
  workDirectory: string;
  /** The environment the local stack gives its handlers: endpoints, names, settings. */
  handlerEnvironment: Record<string, string>;
  memoryMb: number;
  coldTrials: number;
  /** Profile each cold trial (`node --cpu-prof`) into <work directory>/profiles. */
  cpuProfiles?: boolean;
  warmInvocations: number;
  context: ScenarioContext;
  /** Runs a function in the benchmark's own process (the local stack's handlers): for set-up. */
  invokeInProcess(functionName: string, event: unknown): Promise<unknown>;
  /** Holds the local stack's outbox reader until the returned release (Scenario.holdsOutbox). */
  holdOutbox(): Promise<() => void>;
  only?: string[];
  log(message: string): void;
}

let tokenCounter = 0;
const nextToken = (prefix: string) => `${prefix}${String(++tokenCounter).padStart(8 - prefix.length, '0')}`;

interface ChildResult {
  importMs: number;
  firstInvocationMs: number;
  coldMs: number;
  warmMs: number[];
  rssAfterColdBytes: number;
  results: unknown[];
  stdoutBytes: number;
}

function run(command: string, args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ stdoutBytes: number; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdoutBytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdoutBytes, stderr, code }));
  });
}

export async function runFunctionPhase(options: FunctionPhaseOptions): Promise<FunctionFigures[]> {
  const { workDirectory, projectRoot } = options;
  mkdirSync(workDirectory, { recursive: true });
  const scheduler = new SchedulerClient({
    endpoint: options.handlerEnvironment.AWS_ENDPOINT_URL_SCHEDULER,
    region: options.handlerEnvironment.AWS_REGION,
    credentials: {
      accessKeyId: options.handlerEnvironment.AWS_ACCESS_KEY_ID!,
      secretAccessKey: options.handlerEnvironment.AWS_SECRET_ACCESS_KEY!,
    },
  });
  const baseEnvironment = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...options.handlerEnvironment,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
  };
  const functionEnvironment = (name: string) => ({
    ...baseEnvironment,
    ...FUNCTION_RUNTIME_ENVIRONMENT,
    // Deployed functions publish their metrics (EMF lines in their logs); so do these.
    POWERTOOLS_METRICS_DISABLED: 'false',
    AWS_LAMBDA_FUNCTION_NAME: `careloop-${name}`,
  });

  const setUp = async (scenario: Scenario, tokens: string[]) => {
    // Set-up runs a few at a time: it is preparation, not what is measured.
    const queue = [...tokens];
    const worker = async () => {
      for (let token = queue.shift(); token !== undefined; token = queue.shift()) {
        for (const step of scenario.setup(token, options.context))
          await options.invokeInProcess(step.functionName, step.event);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  };

  const invokeBundle = async (
    file: string,
    name: string,
    events: unknown[],
    env: Record<string, string>,
    profile = false,
  ): Promise<ChildResult> => {
    const jobFile = join(workDirectory, `${name}.job.json`);
    const resultFile = join(workDirectory, `${name}.result.json`);
    writeFileSync(jobFile, JSON.stringify({ functionName: `careloop-${name}`, memoryMb: options.memoryMb, events }));
    const outcome = await run(
      process.execPath,
      [
        ...(profile
          ? [
              '--cpu-prof',
              `--cpu-prof-dir=${join(workDirectory, 'profiles')}`,
              `--cpu-prof-name=${name}.${Date.now()}.cpuprofile`,
            ]
          : []),
        join(projectRoot, 'scripts/bench/invoke-bundle.mjs'),
        file,
        jobFile,
        resultFile,
      ],
      env,
      projectRoot,
    );
    if (outcome.code !== 0)
      throw new Error(`${name}: the bundle's process failed (${outcome.code}):\n${outcome.stderr.slice(-2000)}`);
    return { ...(JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult), stdoutBytes: outcome.stdoutBytes };
  };

  const callName = (call: SdkCall) => `${call.command.replace(/Command$/, '')}${call.error ? ` (${call.error})` : ''}`;
  const figures: FunctionFigures[] = [];
  for (const route of careLoopFunctions) {
    if (options.only && !options.only.includes(route.name)) continue;
    const scenario = scenarios.find((candidate) => candidate.functionName === route.name);
    if (!scenario) throw new Error(`no benchmark scenario for the function ${route.name}`);
    // The outbox's scenario hands it entries its set-up wrote: the stack's reader must not publish them first.
    const release = scenario.holdsOutbox ? await options.holdOutbox() : undefined;
    try {
      const name = route.name;
      // Each function records on ids of its own: set-up must start from nothing, as for every trial.
      const RECORDED_TOKEN = nextToken('rec');
      options.log(`${name}: bundling, recording its calls`);
      const functionBundle = await bundle(
        join(projectRoot, handlerEntry(route)),
        join(workDirectory, `${name}.bundle`),
        projectRoot,
      );

      // What a cold invocation calls, recorded from source in a fresh process.
      const WARM_TOKEN = nextToken('rew');
      await setUp(scenario, [RECORDED_TOKEN, WARM_TOKEN]);
      const recordJob = join(workDirectory, `${name}.record-job.json`);
      const recordOut = join(workDirectory, `${name}.calls.json`);
      writeFileSync(
        recordJob,
        JSON.stringify({
          functionName: `careloop-${name}`,
          events: [scenario.event(RECORDED_TOKEN, options.context), scenario.event(WARM_TOKEN, options.context)],
        }),
      );
      const recording = await run(
        process.execPath,
        ['--import', 'tsx', join(projectRoot, 'scripts/bench/record-calls.ts'), name, recordJob, recordOut],
        functionEnvironment(name),
        projectRoot,
      );
      if (recording.code !== 0) throw new Error(`${name}: recording failed:\n${recording.stderr}`);
      const recorded = JSON.parse(readFileSync(recordOut, 'utf8')) as {
        result: unknown;
        calls: SdkCall[];
        warm: { result: unknown; calls: SdkCall[] };
      };
      for (const result of [recorded.result, recorded.warm.result])
        if (!scenario.succeeded(result))
          throw new Error(`${name}: a recorded invocation did not succeed: ${JSON.stringify(result)}`);
      const failedCalls = recorded.calls.filter((call) => call.error);
      const referenceBundle: Bundle = await bundleReference(
        referenceSource(recorded.calls, {
          recordedToken: RECORDED_TOKEN,
          groupVariable: ENV.scheduleGroupName,
          recordedDerivedIds: scenario.derivedIds?.(RECORDED_TOKEN),
        }),
        workDirectory,
        name,
        projectRoot,
      );

      const cold = { function: [] as ChildResult[], reference: [] as ChildResult[] };
      // One untimed round first: the emulators (DynamoDB Local is a JVM) and the file cache warm
      // up on it, not on the first measured function's trials.
      for (let trial = -1; trial < options.coldTrials; trial++) {
        options.log(`${name}: cold start ${trial < 0 ? 'warm-up' : `${trial + 1}/${options.coldTrials}`}`);
        // Alternating, so that whatever else the machine does falls on both alike.
        const functionToken = nextToken('f');
        await setUp(scenario, [functionToken]);
        const measured = await invokeBundle(
          functionBundle.file,
          name,
          [scenario.event(functionToken, options.context)],
          functionEnvironment(name),
          options.cpuProfiles,
        );
        if (!scenario.succeeded(measured.results[0]))
          throw new Error(`${name}: the cold invocation did not succeed: ${JSON.stringify(measured.results[0])}`);
        if (trial >= 0) cold.function.push(measured);

        const referenceToken = nextToken('r');
        await setUp(scenario, [referenceToken]);
        const group = `bench-${referenceToken}`;
        await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
        const reference = await invokeBundle(
          referenceBundle.file,
          `${name}.reference`,
          [{}],
          {
            ...baseEnvironment,
            BENCH_TOKEN: referenceToken,
            BENCH_DERIVED_IDS: JSON.stringify(scenario.derivedIds?.(referenceToken) ?? []),
            [ENV.scheduleGroupName]: group,
          },
          options.cpuProfiles,
        );
        if (trial >= 0) cold.reference.push(reference);
      }

      options.log(`${name}: ${options.warmInvocations} warm invocations`);
      const warmTokens = Array.from({ length: options.warmInvocations + 1 }, () => nextToken('w'));
      await setUp(scenario, warmTokens);
      const warm = await invokeBundle(
        functionBundle.file,
        name,
        warmTokens.map((token) => scenario.event(token, options.context)),
        functionEnvironment(name),
      );
      const failures = warm.results.filter((result) => !scenario.succeeded(result)).length;
      if (failures > 0)
        throw new Error(`${name}: ${failures} of ${warm.results.length} warm invocations did not succeed`);

      const coldFunction = median(cold.function.map((r) => r.coldMs));
      const coldReference = median(cold.reference.map((r) => r.coldMs));
      figures.push({
        name,
        bundleBytes: functionBundle.bytes,
        referenceBundleBytes: referenceBundle.bytes,
        sdkCalls: recorded.calls.map(callName),
        warmSdkCalls: recorded.warm.calls.map(callName),
        coldMs: { function: cold.function.map((r) => r.coldMs), reference: cold.reference.map((r) => r.coldMs) },
        coldMedianMs: {
          function: coldFunction,
          reference: coldReference,
          ratio: coldFunction / coldReference,
          ratioInterval: ratioOfMediansInterval(
            cold.function.map((r) => r.coldMs),
            cold.reference.map((r) => r.coldMs),
          ),
        },
        importMedianMs: {
          function: median(cold.function.map((r) => r.importMs)),
          reference: median(cold.reference.map((r) => r.importMs)),
        },
        rssAfterColdMb: {
          function: median(cold.function.map((r) => r.rssAfterColdBytes)) / 2 ** 20,
          reference: median(cold.reference.map((r) => r.rssAfterColdBytes)) / 2 ** 20,
        },
        warm: {
          invocations: warm.warmMs.length,
          p50Ms: percentile(warm.warmMs, 50),
          p99Ms: percentile(warm.warmMs, 99),
          meanMs: warm.warmMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, warm.warmMs.length),
        },
        logBytesPerWarmInvocation: warm.stdoutBytes / warm.results.length,
      });
      if (failedCalls.length > 0)
        options.log(
          `${name}: recorded calls that failed (replayed alike): ${failedCalls.map((c) => c.command).join(', ')}`,
        );
    } finally {
      release?.();
    }
  }
  scheduler.destroy();
  return figures;
}

export type InProcessInvoke = (event: unknown, context: Context) => Promise<unknown>;
