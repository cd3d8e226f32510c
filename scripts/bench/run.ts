import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FUNCTION_DEFAULTS } from '../../infra/careloop-stack';
import { output } from '../../shared/adapters/logger';
import { handlerEnvironment, lambdaContext, LOCAL_UNSUBSCRIBE_SECRET_ID } from '../../infra/local/functions';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { LOCAL_PREFIX, LOCAL_TABLE, startLocalStackOnFreePorts, type LocalStack } from '../../infra/local/stack';
import { confirmationLines, runBurstPhase, sdkObserver } from './burst-phase';
import { runCostPhase, type CostObservation } from './cost-phase';
import { runFunctionPhase } from './functions-phase';
import { parseArguments, projectRoot, type BenchOptions } from './options';
import { renderReport, writeFigures } from './report';
import { observeSdkCalls, type SdkCall } from './sdk-probe';

/**
 * `npm run bench`: the figures in docs/PERFORMANCE.md. Starts the local stack on free ports,
 * then measures the functions (bundles, cold starts against a bare reference, warm latency),
 * the stack end to end (bursts of bookings, in this process and again on a stack whose functions
 * run in workers as npm start runs them), and what one booking lifecycle bills.
 *
 *   npm run bench                  full run (a few minutes), rewrites docs/PERFORMANCE.md's figures
 *   npm run bench -- --quick       a small run that checks the benchmark itself works; writes nothing to docs/
 *   npm run bench -- --quick --only=booking-created,due-jobs --cold-trials=9
 *                                some functions only, more or fewer trials (also --warm, --burst,
 *                                --small-burst, --lifecycles, and --work-dir=<folder> instead of .bench/)
 */

export async function startBenchStack(
  onInvocation?: (functionName: string, durationMs: number) => void,
): Promise<LocalStack> {
  // Deployed functions publish EMF metrics in their logs; the log volume counted must include them.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // In this process, not in workers: the cost and burst phases count the functions' SDK calls by
  // wrapping the SDK here (sdk-probe.ts), and the set-up invokes handlers here with their environment.
  return startLocalStackOnFreePorts({ onInvocation, inProcessFunctions: true });
}

/**
 * The handlers running in this process log to stdout as on Lambda; those lines are counted
 * (CloudWatch bills their bytes) and dropped. The benchmark's own report is printed with `print`.
 */
export function captureStdout() {
  const write = process.stdout.write.bind(process.stdout);
  const counter = { bytes: 0 };
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  // The handlers' logger and metrics write to the descriptors directly: count those too (both
  // streams reach CloudWatch Logs on AWS).
  output.write = (_descriptor, text) => {
    counter.bytes += Buffer.byteLength(text);
  };
  return { counter, print: (text: string) => write(`${text}\n`) };
}

/**
 * The same bursts against a stack as `npm start` runs it: each function from its bundle, in worker
 * threads of its own. A confirmation is seen by booking-created's line, since the SDK calls are
 * made in the workers.
 */
async function burstsInWorkers(options: BenchOptions, log: (message: string) => void) {
  log('starting a second local stack, its functions in workers as npm start runs them');
  const confirmations = confirmationLines();
  const stack = await startLocalStackOnFreePorts({ onLog: confirmations.onLog });
  try {
    const burstOf = (bookings: number, tokenPrefix: string) =>
      runBurstPhase({ stack, bookings, tokenPrefix, observe: confirmations.observe, log });
    const small = options.smallBurstBookings > 0 ? await burstOf(options.smallBurstBookings, 'ws') : undefined;
    const big = await burstOf(options.burstBookings, 'wu');
    // The busy minute again, now that the JVM and the environments have run: a stack that has
    // been up a while, as against one that has just started (the first burst).
    const again = small && (await burstOf(options.smallBurstBookings, 'wa'));
    return { ...(small && { smallBurst: small }), burst: big, ...(again && { smallBurstOnWarmStack: again }) };
  } finally {
    await stack.stop();
  }
}

export async function main(argv = process.argv.slice(2)) {
  const options = parseArguments(argv);
  const stdout = captureStdout();
  const log = (message: string) => console.error(`[bench] ${message}`);
  const { workDirectory } = options;
  // Files are overwritten, never the folder removed: --work-dir may name any folder.
  mkdirSync(workDirectory, { recursive: true });
  log('starting the local stack');
  let invocations: CostObservation['invocations'] | undefined;
  const stack = await startBenchStack((functionName, durationMs) => invocations?.push({ functionName, durationMs }));
  try {
    const environment = handlerEnvironment(
      {
        dynamodb: stack.endpoints.dynamodb,
        ses: stack.endpoints.ses,
        scheduler: stack.endpoints.scheduler,
        s3: stack.endpoints.s3,
        sideServices: stack.endpoints.events,
        unsubscribe: `${stack.endpoints.events}/unsubscribe/`,
      },
      {
        prefix: LOCAL_PREFIX,
        tableName: LOCAL_TABLE,
        scheduleGroupName: LOCAL_PREFIX,
        senderAddress: 'appointments@careloop.local',
        quietHours: 'off',
        eventBusName: stack.frontEndEnvironment.CARELOOP_EVENT_BUS!,
        exportBucketName: stack.exportBucket,
      },
    );
    const secrets = new SecretsManagerClient({
      endpoint: stack.endpoints.events,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const unsubscribeKey = (await secrets.send(new GetSecretValueCommand({ SecretId: LOCAL_UNSUBSCRIBE_SECRET_ID })))
      .SecretString!;
    const handlers = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
    const invokeInProcess = async (functionName: string, event: unknown) => {
      if (!handlers.has(functionName)) {
        const module = (await import(`../../functions/${functionName}/handler.ts`)) as {
          handler: (event: unknown, context: unknown) => Promise<unknown>;
        };
        handlers.set(functionName, module.handler);
      }
      return handlers.get(functionName)!(event, lambdaContext(`${LOCAL_PREFIX}-${functionName}`));
    };
    // The lifecycles first, on an empty stack: the clock moves days ahead, and nothing else may fire meanwhile.
    const cost = await runCostPhase({
      stack,
      lifecycles: options.lifecycles,
      observe: () => {
        const sdkCalls: SdkCall[] = [];
        const stop = observeSdkCalls((call) => sdkCalls.push(call), { consumedCapacity: true });
        invocations = [];
        const logBytesBefore = stdout.counter.bytes;
        return () => {
          stop();
          const observed = {
            sdkCalls,
            invocations: invocations ?? [],
            handlerLogBytes: stdout.counter.bytes - logBytesBefore,
          };
          invocations = undefined;
          return observed;
        };
      },
      log,
    });
    const context = { now: stack.clock.now(), unsubscribeKey };
    const functions = await runFunctionPhase({
      projectRoot,
      workDirectory,
      handlerEnvironment: environment,
      memoryMb: FUNCTION_DEFAULTS.memorySize,
      coldTrials: options.coldTrials,
      cpuProfiles: options.cpuProfiles,
      warmInvocations: options.warmInvocations,
      context,
      invokeInProcess,
      holdOutbox: () => stack.holdOutbox(),
      only: options.only,
      log,
    });
    const burstOf = (bookings: number, tokenPrefix: string) =>
      runBurstPhase({ stack, bookings, tokenPrefix, observe: sdkObserver(observeSdkCalls), log });
    const smallBurst = options.smallBurstBookings > 0 ? await burstOf(options.smallBurstBookings, 'bs') : undefined;
    const burst = await burstOf(options.burstBookings, 'bu');
    const workerBursts = options.quick ? undefined : await burstsInWorkers(options, log);
    const { workDirectory: _where, ...settings } = options;
    const figures = {
      options: settings,
      functions,
      burst,
      ...(smallBurst && { smallBurst }),
      ...(workerBursts && { workerBursts }),
      cost,
    };
    const written = await writeFigures(figures, { quick: options.quick, workDirectory });
    stdout.print(renderReport(figures));
    stdout.print(`\nFigures written to ${written.join(', ')}`);
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
