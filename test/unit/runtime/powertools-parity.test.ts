import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JsonLogger, output, type LogExtra, type LoggerOptions } from '../../../shared/adapters/logger';
import {
  createMetricsRecorder,
  METRIC_DIMENSIONS,
  METRIC_NAMES,
  type MetricLines,
  type MetricName,
} from '../../../shared/adapters/metrics';
import { emfLines } from '../../../shared/adapters/metrics-emf';
import { powertoolsLines } from '../../../shared/adapters/metrics-powertools';

/**
 * CareLoop writes its log and EMF lines itself (docs/decisions/0010-own-logger-and-metrics.md);
 * the Logs Insights queries, dashboards and alarms read what Powertools writes. These tests make
 * the same calls on CareLoop's writers and on Powertools 2.35.0 (the version CareLoop used, kept
 * as a devDependency for this comparison and for the way back), and compare the lines, stream by
 * stream. The differences kept on purpose are named below; any other fails.
 */

const ENVIRONMENT = [
  'AWS_LAMBDA_LOG_LEVEL',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
  '_X_AMZN_TRACE_ID',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_DEV',
] as const;
type Setting = (typeof ENVIRONMENT)[number];
const saved = Object.fromEntries(ENVIRONMENT.map((key) => [key, process.env[key]]));

function setEnvironment(settings: Partial<Record<Setting, string | undefined>>) {
  for (const key of ENVIRONMENT) {
    const value = Object.hasOwn(settings, key) ? settings[key] : undefined;
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

beforeEach(() => {
  // Both write the time they read: the same time for both.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2027-03-02T18:30:00.125Z'));
});

afterEach(() => {
  vi.useRealTimers();
  setEnvironment(saved);
});

/** A line as a reader of the logs sees it: its stream and its JSON (the order of keys is not kept). */
interface Written {
  stream: 'stdout' | 'stderr';
  entry: Record<string, unknown>;
}

const linesOf = (stream: Written['stream'], text: string): Written[] =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => ({ stream, entry: JSON.parse(line) as Record<string, unknown> }));

/** What CareLoop writes: it goes through `output.write`, to descriptor 1 or 2. */
function writtenByCareLoop(run: () => void): Written[] {
  const written: Written[] = [];
  const original = output.write;
  output.write = (descriptor, text) => written.push(...linesOf(descriptor === 2 ? 'stderr' : 'stdout', text));
  try {
    run();
  } finally {
    output.write = original;
  }
  return written;
}

/** What Powertools writes: through a console of its own on process.stdout and process.stderr. */
function writtenByPowertools(run: () => void): Written[] {
  const written: Written[] = [];
  const capture = (name: Written['stream']) =>
    vi.spyOn(process[name], 'write').mockImplementation((chunk: unknown) => {
      written.push(...linesOf(name, String(chunk)));
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written;
}

describe('log lines, CareLoop’s and Powertools’', () => {
  /** The calls the functions make on their logger (shared/runtime, functions/*): at most one extra. */
  type Extra = [] | [Error | string] | [Readonly<Record<string, unknown>>];
  interface LoggerCalls {
    debug(message: string, ...extra: Extra): void;
    info(message: string, ...extra: Extra): void;
    warn(message: string, ...extra: Extra): void;
    error(message: string, ...extra: Extra): void;
    appendKeys(keys: Readonly<Record<string, unknown>>): void;
    removeKeys(names: string[]): void;
    addContext(context: Context): void;
  }
  // The way back is one line in shared/adapters/logger.ts: Powertools' Logger takes the same
  // options and the same calls, or this does not compile.
  const powertools = (options: LoggerOptions): LoggerCalls => new PowertoolsLogger(options);
  const careLoop = (options: LoggerOptions): LoggerCalls => new JsonLogger(options);

  type Step =
    | { call: 'debug' | 'info' | 'warn' | 'error'; message: string; extra?: LogExtra }
    | { call: 'appendKeys'; keys: Record<string, unknown> }
    | { call: 'removeKeys'; names: string[] }
    | { call: 'addContext'; requestId: string };

  const context = (requestId: string) =>
    ({
      functionName: 'careloop-booking-created',
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-booking-created',
      awsRequestId: requestId,
    }) as Context;

  function play(logger: LoggerCalls, steps: readonly Step[]) {
    for (const step of steps) {
      if (step.call === 'appendKeys') logger.appendKeys(step.keys);
      else if (step.call === 'removeKeys') logger.removeKeys(step.names);
      else if (step.call === 'addContext') logger.addContext(context(step.requestId));
      else if (step.extra === undefined) logger[step.call](step.message);
      else if (typeof step.extra === 'string' || step.extra instanceof Error)
        logger[step.call](step.message, step.extra);
      else logger[step.call](step.message, step.extra);
    }
  }

  /**
   * Powertools' line without what CareLoop leaves out on purpose: `sampling_rate` (always 0:
   * CareLoop never samples debug lines), and an error's `location` (the file and line Powertools
   * reads off the stack, which CareLoop writes whole).
   */
  function withoutKnownDifferences({ stream, entry: { sampling_rate: _samplingRate, ...entry } }: Written): Written {
    if (entry.error && typeof entry.error === 'object' && 'location' in entry.error) {
      const { location: _location, ...error } = entry.error as Record<string, unknown>;
      entry.error = error;
    }
    return { stream, entry };
  }

  // The ids, kinds and outcomes the functions log, and keys Powertools writes itself.
  const key = fc.constantFrom(
    'eventId',
    'detailType',
    'clinicId',
    'outcome',
    'kind',
    'problems',
    'error',
    'extra',
    'cold_start',
    'function_name',
    'xray_trace_id',
  );
  // Powertools skips keys named __proto__ or constructor at any depth; no CareLoop field has one.
  const value = fc
    .jsonValue({ maxDepth: 2 })
    .filter((json) => !/"(__proto__|constructor)":/.test(JSON.stringify(json)));
  const fields = fc.dictionary(key, value, { maxKeys: 4 });
  // Appended keys are ids and kinds: Powertools merges an appended object or array into the one
  // it replaces, CareLoop replaces it.
  const flatFields = fc.dictionary(
    key,
    fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null)),
    {
      maxKeys: 4,
    },
  );
  const errors = [new Error('boom'), new TypeError('not a function'), new RangeError('Invalid time zone')];
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        call: fc.constantFrom('debug', 'info', 'warn', 'error'),
        message: fc.string({ unit: 'grapheme', maxLength: 40 }),
        extra: fc.option(fc.oneof(fields, fc.string({ maxLength: 20 }), fc.constantFrom(...errors)), {
          nil: undefined,
        }),
      }),
    },
    fc.record({ call: fc.constant('appendKeys'), keys: flatFields }),
    fc.record({ call: fc.constant('removeKeys'), names: fc.uniqueArray(key, { maxLength: 3 }) }),
    fc.record({ call: fc.constant('addContext'), requestId: fc.uuid() }),
  );
  // As Lambda and the stack set them (upper case), with spaces, empty, and names no level has.
  const level = fc.option(
    fc.constantFrom('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT', 'FATAL', '', ' WARN ', 'LOUD'),
    { nil: undefined },
  );
  const environment = fc.record({
    AWS_LAMBDA_LOG_LEVEL: level,
    POWERTOOLS_LOG_LEVEL: level,
    LOG_LEVEL: level,
    _X_AMZN_TRACE_ID: fc.option(
      fc.constant('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'),
      {
        nil: undefined,
      },
    ),
  });

  it('are the same lines on the same streams, for any calls under any level settings', () => {
    let lines = 0;
    fc.assert(
      fc.property(environment, fc.array(step, { minLength: 1, maxLength: 12 }), (settings, steps) => {
        // Lambda says an execution environment started on demand; Powertools reads that for cold_start.
        setEnvironment({ ...settings, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
        const ours = writtenByCareLoop(() => play(careLoop({ serviceName: 'careloop' }), steps));
        const theirs = writtenByPowertools(() => play(powertools({ serviceName: 'careloop' }), steps));
        expect(ours).toEqual(theirs.map(withoutKnownDifferences));
        lines += ours.length;
      }),
      { numRuns: 300 },
    );
    // Enough lines were written for the comparison to mean something.
    expect(lines).toBeGreaterThan(250);
  });

  describe('differ on purpose', () => {
    const line = (written: Written[]) => written[0]!.entry;

    it('Powertools writes sampling_rate and an error’s location; CareLoop does not', () => {
      const error = new Error('boom');
      const ours = line(writtenByCareLoop(() => careLoop({ serviceName: 'careloop' }).error('failed', error)));
      const theirs = line(writtenByPowertools(() => powertools({ serviceName: 'careloop' }).error('failed', error)));
      expect(theirs.sampling_rate).toBe(0);
      expect(theirs.error).toHaveProperty('location');
      expect(ours).not.toHaveProperty('sampling_rate');
      expect(ours.error).not.toHaveProperty('location');
    });

    it('an error inside a field: Powertools writes it whole, CareLoop its name and message', () => {
      const fields = { cause: new TypeError('bad') };
      const ours = line(writtenByCareLoop(() => careLoop({ serviceName: 'careloop' }).warn('x', fields)));
      const theirs = line(writtenByPowertools(() => powertools({ serviceName: 'careloop' }).warn('x', fields)));
      expect(ours.cause).toEqual({ name: 'TypeError', message: 'bad' });
      expect(theirs.cause).toMatchObject({ name: 'TypeError', message: 'bad', stack: expect.any(String) });
    });

    it('a field named like one of the keys every line has: Powertools drops it with a warning, CareLoop writes it', () => {
      const ours = writtenByCareLoop(() => careLoop({ serviceName: 'careloop' }).info('x', { service: 'other' }));
      const theirs = writtenByPowertools(() => powertools({ serviceName: 'careloop' }).info('x', { service: 'other' }));
      expect(line(ours).service).toBe('other');
      expect(theirs.map((written) => written.entry.service)).toEqual(['careloop', 'careloop']);
    });

    it('a level named in lower case: CareLoop takes it, Powertools ignores it', () => {
      setEnvironment({ POWERTOOLS_LOG_LEVEL: 'debug' });
      expect(writtenByCareLoop(() => careLoop({ serviceName: 'careloop' }).debug('x'))).toHaveLength(1);
      expect(writtenByPowertools(() => powertools({ serviceName: 'careloop' }).debug('x'))).toHaveLength(0);
    });

    it('cold_start where Lambda does not say the environment started on demand: CareLoop says true, Powertools false', () => {
      setEnvironment({ AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });
      const first = (logger: LoggerCalls) => {
        logger.addContext(context('req-1'));
        logger.info('x');
      };
      expect(line(writtenByCareLoop(() => first(careLoop({ serviceName: 'careloop' })))).cold_start).toBe(true);
      expect(line(writtenByPowertools(() => first(powertools({ serviceName: 'careloop' })))).cold_start).toBe(false);
    });
  });
});

describe('EMF lines, CareLoop’s and Powertools’', () => {
  const metricNames = Object.values(METRIC_NAMES) as MetricName[];
  // Values the code chooses, and some it would never choose (written as `other`).
  const dimensionValue = fc.constantFrom('confirmation', 'reminder', 'BookingCreated', 'sent', 'skipped', 'a b', '');
  const count = fc.constantFrom(...metricNames).chain((name) =>
    fc.record({
      name: fc.constant(name),
      dimensions: fc
        .subarray([...METRIC_DIMENSIONS[name]])
        .chain((keys) =>
          fc
            .tuple(...keys.map((dimension) => fc.tuple(fc.constant(dimension), dimensionValue)))
            .map(Object.fromEntries),
        ),
      value: fc.oneof(fc.constant(1), fc.nat(1_000)),
    }),
  );

  function flushed(
    lines: MetricLines,
    counts: { name: MetricName; dimensions: Record<string, string>; value: number }[],
  ) {
    const run = (write?: (line: string) => void) => {
      const errors: unknown[] = [];
      const recorder = createMetricsRecorder({ write, onError: (error) => errors.push(error) }, lines);
      for (const { name, dimensions, value } of counts) recorder.count(name, dimensions, value);
      recorder.flush();
      expect(errors).toEqual([]);
    };
    if (lines === emfLines) {
      const written: Written[] = [];
      run((line) => written.push(...linesOf('stdout', line)));
      return written;
    }
    return writtenByPowertools(() => run());
  }

  it('are the same lines for any counts in a flush', () => {
    setEnvironment({ POWERTOOLS_METRICS_DISABLED: 'false' });
    let lines = 0;
    fc.assert(
      fc.property(fc.array(count, { minLength: 1, maxLength: 12 }), (counts) => {
        const ours = flushed(emfLines, counts);
        expect(ours).toEqual(flushed(powertoolsLines, counts));
        lines += ours.length;
      }),
      { numRuns: 300 },
    );
    expect(lines).toBeGreaterThan(600);
  });

  it('are written by neither when POWERTOOLS_METRICS_DISABLED is true', () => {
    setEnvironment({ POWERTOOLS_METRICS_DISABLED: 'true' });
    const counts = [{ name: METRIC_NAMES.emailsSent, dimensions: { kind: 'reminder' }, value: 1 }];
    const ours = writtenByCareLoop(() => {
      const recorder = createMetricsRecorder();
      recorder.count(counts[0]!.name, counts[0]!.dimensions);
      recorder.flush();
    });
    expect(ours).toEqual([]);
    expect(flushed(powertoolsLines, counts)).toEqual([]);
  });
});
