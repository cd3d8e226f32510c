// Plain JavaScript on purpose: this runs in a fresh Node process per measurement, as Lambda's
// runtime does, and a TypeScript loader would add its own start-up work to every figure.
//
//   node invoke-bundle.mjs <bundle.mjs> <job.json> <result.json>
//
// Imports the bundle, invokes its handler with the job's first event (the cold start: import
// plus one invocation, what a patient waits for after a quiet hour), then with the remaining
// events one after another (warm latency). Writes timings and every handler result.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, jobFile, resultFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, 'utf8'));

const context = () => ({
  functionName: job.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${job.functionName}`,
  memoryLimitInMB: String(job.memoryMb),
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${job.functionName}`,
  logStreamName: `bench/${randomUUID()}`,
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
});

const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const results = [await module.handler(job.events[0], context())];
const coldDone = performance.now();
const rssAfterCold = process.memoryUsage().rss;

const warmMs = [];
for (const event of job.events.slice(1)) {
  const before = performance.now();
  results.push(await module.handler(event, context()));
  warmMs.push(performance.now() - before);
}

writeFileSync(
  resultFile,
  JSON.stringify({
    importMs: imported - started,
    firstInvocationMs: coldDone - imported,
    coldMs: coldDone - started,
    warmMs,
    rssAfterColdBytes: rssAfterCold,
    results,
  }),
);
// Keep-alive sockets would hold the process open; Lambda freezes it instead.
process.exit(0);
