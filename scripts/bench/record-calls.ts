import { readFileSync, writeFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { bytesAsBase64 } from './bundles';
import { observeSdkCalls, type SdkCall } from './sdk-probe';

/**
 * Run in a fresh process by the benchmark (`tsx record-calls.ts <function> <job.json> <out.json>`):
 * invokes one function's handler, from source, with the job's first event, as a cold start
 * would, and writes down every AWS SDK call it made. The bare reference handler is generated
 * from that list, so it makes exactly the same calls. A second event, when the job has one, is
 * then handled by the same (now warm) process: its calls are the common path's, without what a
 * cold start reads once (the secrets).
 */

const [functionName, jobFile, outFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile!, 'utf8')) as { events: unknown[]; functionName: string };

async function main() {
  let calls: SdkCall[] = [];
  observeSdkCalls((call) => calls.push(call));
  const { handler } = (await import(`../../functions/${functionName}/handler.ts`)) as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  const invocations: { result: unknown; calls: SdkCall[] }[] = [];
  for (const [index, event] of job.events.entries()) {
    calls = [];
    const context = { functionName: job.functionName, awsRequestId: `record-${index}` } as Context;
    invocations.push({ result: await handler(event, context), calls });
  }
  const [cold, warm] = invocations;
  writeFileSync(outFile!, JSON.stringify({ ...cold, ...(warm && { warm }) }, bytesAsBase64));
  process.exit(0);
}

void main();
