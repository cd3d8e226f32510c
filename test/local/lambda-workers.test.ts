import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalClock } from '../../infra/local/clock';
import { lambdaContext } from '../../infra/local/functions';
import {
  lambdaRuntimeVariables,
  startLocalLambdas,
  type FunctionLogLine,
  type LocalLambdaOptions,
  type LocalLambdas,
} from '../../infra/local/lambda-workers';

/**
 * The local Lambda runtime on its own, with hand-written modules in place of bundles: what an
 * execution environment is given, how long it lives, and what reaches the stack from it.
 */

const directory = mkdtempSync(join(tmpdir(), 'careloop-lambda-workers-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const module = (name: string, source: string) => {
  const file = join(directory, `${name}.mjs`);
  writeFileSync(file, source);
  return file;
};

const PROBE = module(
  'probe',
  `import { writeSync } from 'node:fs';
let invocations = 0;
export const handler = async (event, context) => {
  invocations++;
  switch (event.action) {
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, event.ms));
      return { invocations };
    case 'hang':
      return new Promise(() => {});
    case 'throw':
      throw Object.assign(new Error('refused: ' + event.why), { name: 'ValidationFailure' });
    case 'crash':
      setTimeout(() => { throw new Error('thrown outside the invocation'); });
      return new Promise(() => {});
    case 'log':
      console.log('through console');
      process.stdout.write('through the stream\\n');
      writeSync(1, 'through the descriptor\\n');
      writeSync(2, Buffer.from('to stderr\\n'));
      return 'logged';
    case 'time':
      return {
        now: Date.now(),
        constructed: new Date().getTime(),
        called: Date.parse(Date()),
        given: new Date('2027-01-01T00:00:00Z').getTime(),
        isDate: new Date() instanceof Date,
        remainingMs: context.getRemainingTimeInMillis(),
      };
    default:
      return {
        invocations,
        context: { functionName: context.functionName, awsRequestId: context.awsRequestId, logStreamName: context.logStreamName },
        environment: { ...process.env },
      };
  }
};
`,
);

let lambdas: LocalLambdas | undefined;
const logged: FunctionLogLine[] = [];
afterEach(async () => {
  await lambdas?.close();
  lambdas = undefined;
  logged.length = 0;
});

function start(options: Partial<LocalLambdaOptions> & { entryFile?: string } = {}) {
  lambdas = startLocalLambdas({
    functions: [
      {
        name: 'probe',
        functionName: 'careloop-test-probe',
        entryFile: options.entryFile ?? PROBE,
        environment: { AWS_REGION: 'eu-central-1', TABLE_NAME: 'probe-table' },
      },
    ],
    clock: options.clock ?? new LocalClock(),
    onLog: (line) => void logged.push(line),
    ...options,
  });
  const probe = lambdas.handlers.get('probe')!;
  return (event: object, requestId?: string) => probe(event, lambdaContext('careloop-test-probe', requestId));
}

type Described = {
  invocations: number;
  context: { functionName: string; awsRequestId: string; logStreamName: string };
  environment: Record<string, string>;
};

describe('an execution environment', () => {
  it('has the variables it is given and Lambda’s own, nothing of this process, and the invocation’s context', async () => {
    process.env.CARELOOP_ONLY_HERE = 'yes';
    try {
      const invoke = start();
      const answer = (await invoke({}, 'request-1')) as Described;
      expect(answer.environment).toEqual({
        AWS_REGION: 'eu-central-1',
        TABLE_NAME: 'probe-table',
        ...lambdaRuntimeVariables({
          functionName: 'careloop-test-probe',
          logStream: answer.context.logStreamName,
          memoryMb: 256,
          region: 'eu-central-1',
          taskRoot: directory,
        }),
      });
      expect(answer.context).toMatchObject({ functionName: 'careloop-test-probe', awsRequestId: 'request-1' });
    } finally {
      delete process.env.CARELOOP_ONLY_HERE;
    }
  });

  it('is kept warm: the next invocation runs in it, its module state kept', async () => {
    const invoke = start();
    const first = (await invoke({})) as Described;
    const second = (await invoke({})) as Described;
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(second.context.logStreamName).toBe(first.context.logStreamName);
  });

  it('tells the time of the stack’s clock, as of each invocation, and leaves given dates alone', async () => {
    const clock = new LocalClock();
    clock.advance(86_400);
    const invoke = start({ clock, timeoutMs: 5000 });
    const first = (await invoke({ action: 'time' })) as Record<string, number | boolean>;
    const real = Date.now();
    for (const reading of [first.now, first.constructed]) {
      expect(reading as number).toBeGreaterThan(real + 86_400_000 - 5000);
      expect(reading as number).toBeLessThanOrEqual(real + 86_400_000);
    }
    // Date() answers a string to the second.
    expect(Math.abs((first.called as number) - (first.now as number))).toBeLessThan(2000);
    expect(first.given).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(first.isDate).toBe(true);
    expect(first.remainingMs).toBeGreaterThan(4000);
    expect(first.remainingMs).toBeLessThanOrEqual(5000);
    clock.advance(3600);
    const second = (await invoke({ action: 'time' })) as Record<string, number>;
    expect(second.now! - (first.now as number)).toBeGreaterThanOrEqual(3_600_000);
  });

  it('hands over what it writes to stdout and stderr, line by line, with the invocation it was running', async () => {
    const invoke = start();
    await invoke({ action: 'log' }, 'request-log');
    expect(
      logged.map(({ functionName, requestId, stream, line }) => ({ functionName, requestId, stream, line })),
    ).toEqual([
      { functionName: 'probe', requestId: 'request-log', stream: 'stdout', line: 'through console' },
      { functionName: 'probe', requestId: 'request-log', stream: 'stdout', line: 'through the stream' },
      { functionName: 'probe', requestId: 'request-log', stream: 'stdout', line: 'through the descriptor' },
      { functionName: 'probe', requestId: 'request-log', stream: 'stderr', line: 'to stderr' },
    ]);
  });

  it('fails an invocation with the handler’s error, by name and message, and stays warm', async () => {
    const invoke = start();
    await expect(invoke({ action: 'throw', why: 'no clinic' })).rejects.toMatchObject({
      name: 'ValidationFailure',
      message: 'refused: no clinic',
    });
    expect(((await invoke({})) as Described).invocations).toBe(2);
  });

  it('times an invocation out as Lambda does, and the next one starts in a fresh environment', async () => {
    const invoke = start({ timeoutMs: 300 });
    const warm = (await invoke({})) as Described;
    await expect(invoke({ action: 'hang' }, 'request-slow')).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'RequestId: request-slow Error: Task timed out after 0.30 seconds',
    });
    expect(logged.at(-1)).toMatchObject({ requestId: 'request-slow', stream: 'stderr' });
    expect(logged.at(-1)!.line).toMatch(/request-slow Task timed out after 0\.30 seconds$/);
    const fresh = (await invoke({})) as Described;
    expect(fresh.invocations).toBe(1);
    expect(fresh.context.logStreamName).not.toBe(warm.context.logStreamName);
  });

  it('ends when an exception escapes the handler, failing its invocation; the stack carries on', async () => {
    const invoke = start();
    await expect(invoke({ action: 'crash' })).rejects.toThrow('thrown outside the invocation');
    expect(((await invoke({})) as Described).invocations).toBe(1);
  });

  it('fails the invocation of a function that cannot start', async () => {
    const broken = module('broken', `throw new TypeError('cannot start');\n`);
    await expect(start({ entryFile: broken })({})).rejects.toMatchObject({
      name: 'TypeError',
      message: 'cannot start',
    });
    await lambdas!.close();
    const empty = module('empty', `export const notTheHandler = 1;\n`);
    await expect(start({ entryFile: empty })({})).rejects.toMatchObject({ name: 'Runtime.HandlerNotFound' });
  });
});

describe('a function’s environments', () => {
  it('run at most `concurrency` invocations at once; the others wait for one', async () => {
    const invoke = start({ concurrency: 2 });
    await Promise.all([invoke({}), invoke({})]);
    const started = performance.now();
    const answers = (await Promise.all(Array.from({ length: 4 }, () => invoke({ action: 'sleep', ms: 300 })))) as {
      invocations: number;
    }[];
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    // Two warm environments, two invocations each.
    expect(answers.map((answer) => answer.invocations).sort()).toEqual([2, 2, 3, 3]);
  });

  it('stop on close; an invocation after it fails', async () => {
    const invoke = start();
    await invoke({});
    const running = expect(invoke({ action: 'hang' })).rejects.toThrow('the local stack is stopping');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await lambdas!.close();
    await running;
    await expect(invoke({})).rejects.toThrow('the local stack is stopping');
  });
});
