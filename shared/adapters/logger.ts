import { writeSync } from 'node:fs';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * Structured logs: one JSON object per line, with the keys Powertools Logger writes (`level`,
 * `message`, `timestamp`, `service`, `cold_start`, `function_request_id`, `xray_trace_id`, …),
 * so Logs Insights queries written for either read both, and the level settings Powertools reads
 * (`AWS_LAMBDA_LOG_LEVEL`, then `POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL`; INFO by default).
 * test/unit/runtime/powertools-parity.test.ts holds the lines to Powertools' own, and lists
 * where they differ on purpose.
 *
 * Not Powertools itself: its Logger cost every cold start more than the handful of features
 * CareLoop uses is worth (docs/decisions/0010-own-logger-and-metrics.md, with the way back).
 * What is logged is still only ids, kinds, outcomes and counts: never a name, an address, a
 * note or a pain score.
 */

/** Powertools' thresholds; TRACE only as a setting (it lets DEBUG through), no line is written at it. */
const THRESHOLDS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Fields logged beside the message; an Error is written as `error` (name, message, stack), a string as `extra`. */
export type LogExtra = Readonly<Record<string, unknown>> | Error | string;

export interface LoggerOptions {
  serviceName: string;
  /** Where a line goes: by default stdout for DEBUG and INFO, stderr above, as Powertools' console does. */
  write?: (line: string, level: Level) => void;
}

/**
 * Where log and metric lines go: file descriptor 1 (stdout) or 2 (stderr), written at once.
 * Not through process.stdout: Node builds that stream at its first use, work in the cold start
 * that the bare reference, which never logs, does not do
 * (docs/decisions/0014-log-lines-to-descriptors.md). A descriptor that refuses a synchronous
 * write (one left non-blocking and full) gets the stream after all. Tests and the benchmark
 * replace `write` to capture what would be written.
 */
export const output = {
  write(descriptor: 1 | 2, text: string): void {
    let bytes = Buffer.from(text, 'utf8');
    try {
      while (bytes.length > 0) bytes = bytes.subarray(writeSync(descriptor, bytes));
    } catch {
      (descriptor === 2 ? process.stderr : process.stdout).write(bytes);
    }
  },
};

const writeToConsoleStreams = (line: string, level: Level) =>
  output.write(THRESHOLDS[level] >= THRESHOLDS.WARN ? 2 : 1, `${line}\n`);

const thresholdNamed = (name: string | undefined): number | undefined => {
  const upper = name?.trim().toUpperCase();
  return upper && Object.hasOwn(THRESHOLDS, upper) ? THRESHOLDS[upper as keyof typeof THRESHOLDS] : undefined;
};

/**
 * As Powertools decides it: Lambda's own setting when it names a level (its FATAL is CRITICAL),
 * else POWERTOOLS_LOG_LEVEL or, when that is empty, LOG_LEVEL; INFO when neither names one.
 * Unlike Powertools, any letter case is taken (`debug`).
 */
function thresholdFromEnvironment(): number {
  const lambda = process.env.AWS_LAMBDA_LOG_LEVEL?.trim().toUpperCase();
  return (
    thresholdNamed(lambda === 'FATAL' ? 'CRITICAL' : lambda) ??
    thresholdNamed(process.env.POWERTOOLS_LOG_LEVEL?.trim() || process.env.LOG_LEVEL) ??
    THRESHOLDS.INFO
  );
}

function describeError(error: Error): Record<string, unknown> {
  return { name: error.name, message: error.message, stack: error.stack };
}

/** Errors nested in fields are written as their name and message; bigints as strings. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** CareLoop's logger; `Logger` below, unless the way back to Powertools is taken. */
export class JsonLogger {
  private readonly service: string;
  private readonly write: (line: string, level: Level) => void;
  private readonly keys: Record<string, unknown> = {};
  private invocation: Record<string, unknown> = {};
  private coldStart = true;

  constructor(options: LoggerOptions) {
    this.service = options.serviceName;
    this.write = options.write ?? writeToConsoleStreams;
  }

  debug(message: string, extra?: LogExtra) {
    this.log('DEBUG', message, extra);
  }

  info(message: string, extra?: LogExtra) {
    this.log('INFO', message, extra);
  }

  warn(message: string, extra?: LogExtra) {
    this.log('WARN', message, extra);
  }

  error(message: string, extra?: LogExtra) {
    this.log('ERROR', message, extra);
  }

  /** Keys written with every line until removed. */
  appendKeys(keys: Readonly<Record<string, unknown>>) {
    Object.assign(this.keys, keys);
  }

  removeKeys(names: readonly string[]) {
    for (const name of names) delete this.keys[name];
  }

  /** The invocation's Lambda context, written with every line until the next invocation's. */
  addContext(context: Context) {
    this.invocation = {
      cold_start: this.coldStart,
      function_arn: context.invokedFunctionArn,
      // As Lambda gives it (a string), as Powertools writes it.
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.coldStart = false;
  }

  private log(level: Level, message: string, extra: LogExtra | undefined) {
    // Read on every line: cheap, and a level set after start-up (tests, the local stack) applies.
    if (THRESHOLDS[level] < thresholdFromEnvironment()) return;
    const traceId = process.env._X_AMZN_TRACE_ID?.match(/Root=([^;]+)/)?.[1];
    const entry: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      ...this.invocation,
      ...(traceId ? { xray_trace_id: traceId } : {}),
      ...this.keys,
    };
    if (extra instanceof Error) entry.error = describeError(extra);
    else if (typeof extra === 'string') entry.extra = extra;
    else if (extra) Object.assign(entry, extra);
    // Powertools leaves out a key whose value is empty or null (`message` included): so does this.
    for (const key of Object.keys(entry)) if (entry[key] === '' || entry[key] === null) delete entry[key];
    let line: string;
    try {
      line = JSON.stringify(entry, replacer);
    } catch {
      // A field JSON cannot write (a cycle) must not lose the line, nor throw from a log call.
      line = JSON.stringify({
        level,
        message,
        timestamp: entry.timestamp,
        service: this.service,
        unserializable: true,
      });
    }
    this.write(line, level);
  }
}

/**
 * The logger the functions use. The way back to Powertools Logger is this one line
 * (docs/decisions/0010-own-logger-and-metrics.md says what it costs and what changes):
 *
 *   export { Logger } from '@aws-lambda-powertools/logger';
 */
export { JsonLogger as Logger };

/** Middy middleware: each invocation's lines carry its request id, function and cold start. */
export const injectLambdaContext = (logger: {
  addContext(context: Context): void;
}): middy.MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: (request) => logger.addContext(request.context),
});
