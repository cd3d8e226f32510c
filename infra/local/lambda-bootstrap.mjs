// Plain JavaScript on purpose: this is the local Lambda runtime of one execution environment (a
// worker thread of the local stack, infra/local/lambda-workers.ts), and it runs before the
// function's bundle as Lambda's runtime does. A TypeScript loader would add its own start-up to
// every cold start and load modules no deployed function has.
//
// What it does for the function, so that the function's own code never asks where it runs:
// - time is the stack's clock (real time plus the advances asked for), as libfaketime would make it;
// - what the function writes to stdout and stderr is the environment's log, handed to the stack
//   in order with the invocation's result (Lambda sends both descriptors to CloudWatch Logs);
// - each invocation gets the Lambda context, its deadline included.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { entryFile, logStreamName } = workerData;

const RealDate = Date;
let clockOffsetMs = workerData.clockOffsetMs;

// A constructor function rather than a class: `Date()` called without `new` must still answer a
// string. Dates built from a value are the value; only "now" moves.
function StackDate(...args) {
  if (!new.target) return new RealDate(RealDate.now() + clockOffsetMs).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [RealDate.now() + clockOffsetMs] : args, new.target);
}
Object.setPrototypeOf(StackDate, RealDate);
StackDate.prototype = RealDate.prototype;
StackDate.now = () => RealDate.now() + clockOffsetMs;
Object.defineProperty(RealDate.prototype, 'constructor', { value: StackDate, writable: true, configurable: true });
globalThis.Date = StackDate;

const log = (fd, text) => parentPort.postMessage({ type: 'log', fd, text });

// The logger writes lines to descriptors 1 and 2 with fs.writeSync. In a worker those are the
// whole process's, shared with every other environment: taken here instead, in the order written.
const writeSync = fs.writeSync;
fs.writeSync = function writeToLog(fd, data, ...rest) {
  if (fd !== 1 && fd !== 2) return writeSync.call(this, fd, data, ...rest);
  if (typeof data === 'string') {
    log(fd, data);
    return Buffer.byteLength(data, typeof rest[1] === 'string' ? rest[1] : 'utf8');
  }
  const options = typeof rest[0] === 'object' && rest[0] !== null ? rest[0] : {};
  const offset = typeof rest[0] === 'number' ? rest[0] : (options.offset ?? 0);
  const length = typeof rest[1] === 'number' ? rest[1] : (options.length ?? data.byteLength - offset);
  log(fd, Buffer.from(data.buffer, data.byteOffset + offset, length).toString('utf8'));
  return length;
};
// The bundle imports writeSync from node:fs as an ES module: its binding must see the replacement.
syncBuiltinESMExports();
for (const [fd, stream] of [
  [1, process.stdout],
  [2, process.stderr],
]) {
  stream.write = (chunk, encoding, callback) => {
    log(fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  };
}

const describeError = (error) =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error) };

let handler;
try {
  ({ handler } = await import(pathToFileURL(entryFile).href));
  if (typeof handler !== 'function') {
    throw Object.assign(new Error('index.handler is undefined or not exported'), { name: 'Runtime.HandlerNotFound' });
  }
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'ready', error: describeError(error) });
}

parentPort.on('message', async (message) => {
  if (message.type === 'describe') {
    // The debug hook: what this environment was given, read here rather than in any handler.
    parentPort.postMessage({ type: 'described', id: message.id, environment: { ...process.env }, entryFile });
    return;
  }
  if (message.type !== 'invoke') return;
  clockOffsetMs = message.clockOffsetMs;
  const context = {
    ...message.context,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - RealDate.now()),
  };
  try {
    // As Lambda hands it over and takes the result back: JSON, not live objects.
    const result = await handler(JSON.parse(message.event), context);
    parentPort.postMessage({ type: 'result', id: message.id, payload: JSON.stringify(result ?? null) });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: message.id, error: describeError(error) });
  }
});
