import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { NODE_TARGET } from '../bundling';
import { FUNCTION_SETTINGS } from '../function-plan';
import type { LocalHandler } from './functions';

/**
 * The local stack's Lambda: each function runs from its bundle in execution environments of its
 * own, one worker thread each (./lambda-bootstrap.mjs is the runtime inside). An environment
 * runs one invocation at a time and is kept warm for the function's next; up to `concurrency`
 * run at once and further invocations wait for one, as Lambda queues asynchronous invocations.
 * An invocation that outlives the timeout fails as Lambda's does and its environment is
 * discarded, so the next invocation starts cold. Each environment's process.env is exactly what
 * it is given: the stack's own variables never reach a function.
 */

/** Environments per function: enough for the bus's deliveries to overlap, few enough for a laptop. */
export const LOCAL_FUNCTION_CONCURRENCY = 8;

/** Lambda's limit on an environment's start-up (the init phase), apart from the invocation's timeout. */
const INIT_TIMEOUT_MS = 10_000;

const BOOTSTRAP = fileURLToPath(new URL('./lambda-bootstrap.mjs', import.meta.url));

/** One line a function wrote, to stdout or stderr: what CloudWatch Logs keeps of it on AWS. */
export interface FunctionLogLine {
  /** The function's name in the catalog. */
  functionName: string;
  /** The invocation its environment was running; absent for what it wrote starting up. */
  requestId?: string;
  /** The environment that wrote it, named as Lambda names its log stream. */
  logStream: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface LambdaFunctionOptions {
  /** The function's name in the catalog (the key of `handlers`). */
  name: string;
  /** Its deployed name, as the context and the variables Lambda sets give it. */
  functionName: string;
  /** The bundle's entry module (index.mjs). */
  entryFile: string;
  /** The variables its deployment gives it. */
  environment: Readonly<Record<string, string>>;
}

export interface LocalLambdaOptions {
  functions: readonly LambdaFunctionOptions[];
  /** The time the functions see: the stack's clock. */
  clock: { now(): Date };
  /** FUNCTION_SETTINGS' timeout unless a test needs a short one. */
  timeoutMs?: number;
  concurrency?: number;
  memoryMb?: number;
  /** Lambda's log-level setting of the functions (AWS_LAMBDA_LOG_LEVEL), when one is chosen. */
  logLevel?: string;
  /** Each line the functions write; written to this process's stdout and stderr when absent. */
  onLog?: (line: FunctionLogLine) => void;
}

export interface EnvironmentDescription {
  /** The worker's process.env, as its bootstrap reads it. */
  environment: Record<string, string>;
  /** The module it imported: the function's bundle. */
  entryFile: string;
  logStream: string;
}

export interface LocalLambdas {
  /** Invokes each function by its catalog name in one of its environments. */
  handlers: Map<string, LocalHandler>;
  /** A debug hook answered by an environment's bootstrap, not by the function's code. */
  describe(name: string): Promise<EnvironmentDescription>;
  /** Terminates every environment; invocations still running fail. */
  close(): Promise<void>;
}

/** An error as Lambda reports it: its type as the name, its message. */
export class LambdaInvocationError extends Error {
  constructor(name: string, message: string, stack?: string) {
    super(message);
    this.name = name;
    if (stack) this.stack = stack;
  }
}

/** What Lambda sets in every function's environment, besides what its deployment gives. */
export function lambdaRuntimeVariables(options: {
  functionName: string;
  logStream: string;
  memoryMb: number;
  region: string | undefined;
  taskRoot: string;
  logLevel?: string;
}): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: options.logStream,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${NODE_TARGET.replace('node', '')}.x`,
    LAMBDA_TASK_ROOT: options.taskRoot,
    _HANDLER: 'index.handler',
    ...(options.region !== undefined && { AWS_DEFAULT_REGION: options.region }),
    ...(options.logLevel !== undefined && { AWS_LAMBDA_LOG_LEVEL: options.logLevel }),
  };
}

export function startLocalLambdas(options: LocalLambdaOptions): LocalLambdas {
  const pools = new Map(options.functions.map((fn) => [fn.name, new FunctionPool(fn, options)]));
  const poolOf = (name: string) => {
    const pool = pools.get(name);
    if (!pool) throw new Error(`no local function is named ${name}`);
    return pool;
  };
  return {
    handlers: new Map(
      [...pools].map(([name, pool]) => [name, (event: unknown, context: Context) => pool.invoke(event, context)]),
    ),
    describe: (name) => poolOf(name).describe(),
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

type Pending = {
  resolve(value: unknown): void;
  reject(error: Error): void;
  requestId?: string;
};

/** One execution environment: a worker running the bootstrap, and what it is doing. */
class ExecutionEnvironment {
  readonly worker: Worker;
  readonly logStream: string;
  readonly ready: Promise<void>;
  alive = true;
  #current: (Pending & { id: number }) | undefined;
  #nextId = 0;
  readonly #partial: Record<1 | 2, string> = { 1: '', 2: '' };
  readonly #emit: (stream: 'stdout' | 'stderr', line: string, requestId?: string) => void;

  constructor(
    fn: LambdaFunctionOptions,
    settings: { memoryMb: number; logLevel?: string; clockOffsetMs: number },
    emit: (line: FunctionLogLine) => void,
    onDeath: (environment: ExecutionEnvironment) => void,
  ) {
    const now = new Date();
    // As Lambda names an environment's stream: its day, the version, and an id of its own.
    this.logStream = `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    this.#emit = (stream, line, requestId) =>
      emit({ functionName: fn.name, logStream: this.logStream, stream, line, ...(requestId && { requestId }) });
    this.worker = new Worker(BOOTSTRAP, {
      workerData: { entryFile: fn.entryFile, logStreamName: this.logStream, clockOffsetMs: settings.clockOffsetMs },
      env: {
        ...fn.environment,
        ...lambdaRuntimeVariables({
          functionName: fn.functionName,
          logStream: this.logStream,
          memoryMb: settings.memoryMb,
          region: fn.environment.AWS_REGION,
          taskRoot: path.dirname(fn.entryFile),
          logLevel: settings.logLevel,
        }),
      },
      // Plain Node, as on Lambda: not the loaders (tsx) this process may run with.
      execArgv: [],
      argv: [],
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
    });
    let started!: { resolve(): void; reject(error: Error): void };
    this.ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
    // Nothing waits on it when an invocation's own promise reports the failure.
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') return this.#log(message.fd, message.text);
      if (message.type === 'ready') {
        if (!message.error) return started.resolve();
        started.reject(new LambdaInvocationError(message.error.name, message.error.message, message.error.stack));
        return void this.terminate();
      }
      const current = this.#current;
      if (!current || message.id !== current.id) return;
      this.#current = undefined;
      if (message.type === 'described') return current.resolve(message);
      if (message.error) {
        current.reject(new LambdaInvocationError(message.error.name, message.error.message, message.error.stack));
      } else current.resolve(JSON.parse(message.payload) as unknown);
    });
    // An exception nothing caught, or a rejection nothing handled, ends the environment, as it
    // ends Lambda's runtime: the invocation it was running fails with it.
    this.worker.on('error', (error) => {
      started.reject(error);
      this.#die(error);
    });
    this.worker.on('exit', (code) => {
      for (const fd of [1, 2] as const) if (this.#partial[fd]) this.#log(fd, '\n');
      const exited = new LambdaInvocationError('Runtime.ExitError', `the runtime exited with status ${code}`);
      started.reject(exited);
      this.#die(exited);
      onDeath(this);
    });
  }

  /** Runs one request in the environment (it must be idle): an invocation, or the debug hook's. */
  request(message: Record<string, unknown>, requestId?: string): Promise<unknown> {
    if (!this.alive) return Promise.reject(new Error('the execution environment has stopped'));
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#current = { id, resolve, reject, requestId };
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Ends it; what it was running fails with `error`. */
  terminate(error?: Error): Promise<unknown> {
    if (error) this.#die(error);
    this.alive = false;
    return this.worker.terminate();
  }

  #die(error: Error) {
    this.alive = false;
    const current = this.#current;
    this.#current = undefined;
    current?.reject(error);
  }

  #log(fd: 1 | 2, text: string) {
    const lines = (this.#partial[fd] + text).split('\n');
    this.#partial[fd] = lines.pop()!;
    for (const line of lines) this.#emit(fd === 1 ? 'stdout' : 'stderr', line, this.#current?.requestId);
  }

  logPlatform(line: string, requestId: string) {
    this.#emit('stderr', line, requestId);
  }
}

type WorkerMessage =
  | { type: 'log'; fd: 1 | 2; text: string }
  | { type: 'ready'; error?: { name: string; message: string; stack?: string } }
  | { type: 'described'; id: number; environment: Record<string, string>; entryFile: string }
  | { type: 'result'; id: number; payload: string; error?: undefined }
  | { type: 'result'; id: number; error: { name: string; message: string; stack?: string } };

/** A function's environments: warm ones reused, new ones started up to the concurrency, then a queue. */
class FunctionPool {
  readonly #fn: LambdaFunctionOptions;
  readonly #options: LocalLambdaOptions;
  readonly #idle: ExecutionEnvironment[] = [];
  readonly #all = new Set<ExecutionEnvironment>();
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(fn: LambdaFunctionOptions, options: LocalLambdaOptions) {
    this.#fn = fn;
    this.#options = options;
  }

  get #timeoutMs() {
    return this.#options.timeoutMs ?? FUNCTION_SETTINGS.timeoutSeconds * 1000;
  }

  async invoke(event: unknown, context: Context): Promise<unknown> {
    const environment = await this.#acquire();
    const timeoutMs = this.#timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      const invocation = environment.request(
        {
          type: 'invoke',
          event: JSON.stringify(event),
          context: {
            functionName: context.functionName,
            functionVersion: context.functionVersion,
            invokedFunctionArn: context.invokedFunctionArn,
            memoryLimitInMB: context.memoryLimitInMB,
            awsRequestId: context.awsRequestId,
            logGroupName: context.logGroupName,
            callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
          },
          clockOffsetMs: this.#clockOffsetMs(),
          deadline: Date.now() + timeoutMs,
        },
        context.awsRequestId,
      );
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const message = `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
          environment.logPlatform(
            `${new Date().toISOString()} ${context.awsRequestId} ${message}`,
            context.awsRequestId,
          );
          const error = new LambdaInvocationError(
            'Sandbox.Timedout',
            `RequestId: ${context.awsRequestId} Error: ${message}`,
          );
          void environment.terminate(error);
          reject(error);
        }, timeoutMs);
      });
      return await Promise.race([invocation, timedOut]);
    } finally {
      clearTimeout(timer);
      this.#release(environment);
    }
  }

  async describe(): Promise<EnvironmentDescription> {
    const environment = await this.#acquire();
    try {
      const described = (await environment.request({ type: 'describe' })) as EnvironmentDescription;
      return { environment: described.environment, entryFile: described.entryFile, logStream: environment.logStream };
    } finally {
      this.#release(environment);
    }
  }

  async close() {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();
    await Promise.all(
      [...this.#all].map((environment) => environment.terminate(new Error('the local stack is stopping'))),
    );
  }

  #clockOffsetMs() {
    return this.#options.clock.now().getTime() - Date.now();
  }

  async #acquire(): Promise<ExecutionEnvironment> {
    for (;;) {
      if (this.#closed) throw new Error('the local stack is stopping');
      const warm = this.#idle.pop();
      if (warm) return warm;
      if (this.#all.size < (this.#options.concurrency ?? LOCAL_FUNCTION_CONCURRENCY)) return this.#start();
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  async #start(): Promise<ExecutionEnvironment> {
    const environment = new ExecutionEnvironment(
      this.#fn,
      {
        memoryMb: this.#options.memoryMb ?? FUNCTION_SETTINGS.memorySize,
        logLevel: this.#options.logLevel,
        clockOffsetMs: this.#clockOffsetMs(),
      },
      this.#options.onLog ?? printLine,
      (ended) => {
        this.#all.delete(ended);
        const idle = this.#idle.indexOf(ended);
        if (idle >= 0) this.#idle.splice(idle, 1);
        this.#waiting.shift()?.();
      },
    );
    this.#all.add(environment);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        environment.ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new LambdaInvocationError('Runtime.InitTimeout', `init did not finish in ${INIT_TIMEOUT_MS} ms`)),
            INIT_TIMEOUT_MS,
          );
        }),
      ]);
      return environment;
    } catch (error) {
      // A function that fails to start fails the invocation; the next one starts afresh.
      void environment.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  #release(environment: ExecutionEnvironment) {
    if (!environment.alive || this.#closed) return;
    this.#idle.push(environment);
    this.#waiting.shift()?.();
  }
}

function printLine({ stream, line }: FunctionLogLine) {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`);
}
