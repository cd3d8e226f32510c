import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction, type FunctionBundle } from '../../infra/bundling';
import { ENV } from '../../shared/config';
import type { SdkCall } from './sdk-probe';

/**
 * Bundles a function exactly as the CDK stack does (infra/bundling.ts: ESM, minified, split,
 * the pinned SDK inside), and its bare reference with the same build, so that the sizes and
 * start-up times differ only by what the code itself imports and does.
 */

export interface Bundle extends FunctionBundle {
  /** The module to import (index.mjs in the bundle's folder). */
  file: string;
  /** What a cold start compiles: the entry and the chunks it imports statically. */
  bytes: number;
}

const CLIENT_PACKAGES: Record<string, string> = {
  DynamoDBClient: '@aws-sdk/client-dynamodb',
  SESv2Client: '@aws-sdk/client-sesv2',
  SchedulerClient: '@aws-sdk/client-scheduler',
  SQSClient: '@aws-sdk/client-sqs',
  SecretsManagerClient: '@aws-sdk/client-secrets-manager',
  S3Client: '@aws-sdk/client-s3',
  EventBridgeClient: '@aws-sdk/client-eventbridge',
};

/**
 * What a client is constructed with besides the defaults: S3's addressing, which the SDK reads
 * from no variable, is set from the one the function's adapter reads (path-style for the local stack).
 */
const CLIENT_SETTINGS: Record<string, string> = {
  S3Client: `{ forcePathStyle: process.env.${ENV.s3ForcePathStyle} === 'true' }`,
};

/**
 * The deployed build, into its own folder: the modules are byte for byte what `cdk synth`
 * packages, and each has its map beside it, to read a CPU profile or a production stack trace.
 */
export function bundle(entry: string, outdir: string, projectRoot: string): Promise<Bundle> {
  rmSync(outdir, { recursive: true, force: true });
  const built = bundleFunction(entry, outdir, projectRoot, { keepSourceMaps: true });
  return Promise.resolve({ ...built, file: built.entryFile, bytes: built.startupBytes });
}

/**
 * The bare reference for one function: the same SDK clients, constructed the plain way, sending
 * the very calls the function was recorded making, one after another, and nothing else: no
 * validation, no logging, no metrics, no rendering (the recorded emails are already rendered).
 * Ids in the recording carry `recordedToken`; the replay swaps in its own (`BENCH_TOKEN`) and
 * sends the Scheduler calls to a group of its own, so each replay writes fresh records as the
 * function would. Schedule names are hashes of the ids, so a replayed delete finds nothing in
 * that fresh group: "not found" is taken as done, as the function's own adapter does. Ids the
 * function derived from the token as hashes (`recordedDerivedIds`, the recording's) are swapped
 * for the replay's own, given in `BENCH_DERIVED_IDS` (a JSON list, in the same order), so that a
 * write made once per id finds its id free.
 */
export function referenceSource(
  calls: SdkCall[],
  substitutions: { recordedToken: string; groupVariable: string; recordedDerivedIds?: string[] },
): string {
  const byClient = new Map<string, Set<string>>();
  for (const call of calls) {
    if (!CLIENT_PACKAGES[call.client]) throw new Error(`no package known for ${call.client}`);
    byClient.set(call.client, (byClient.get(call.client) ?? new Set()).add(call.command));
  }
  const imports = [...byClient].map(
    ([client, commands]) => `import { ${client}, ${[...commands].join(', ')} } from '${CLIENT_PACKAGES[client]}';`,
  );
  const recorded = calls.map(({ client, command, input }) => ({ client, command, input }));
  return `${imports.join('\n')}
const clients = { ${[...byClient.keys()].map((client) => `${client}: new ${client}(${CLIENT_SETTINGS[client] ?? '{}'})`).join(', ')} };
const commands = { ${[...byClient.values()].flatMap((commands) => [...commands]).join(', ')} };
const recorded = ${JSON.stringify(JSON.stringify(recorded, bytesAsBase64))};
const recordedDerivedIds = ${JSON.stringify(substitutions.recordedDerivedIds ?? [])};
const revive = (_key, value) => (value && typeof value.$bytes === 'string' ? Buffer.from(value.$bytes, 'base64') : value);
export const handler = async () => {
  const derivedIds = JSON.parse(process.env.BENCH_DERIVED_IDS ?? '[]');
  const own = recordedDerivedIds.reduce(
    (text, id, index) => text.replaceAll(id, derivedIds[index]),
    recorded.replaceAll(${JSON.stringify(substitutions.recordedToken)}, process.env.BENCH_TOKEN),
  );
  const calls = JSON.parse(own, revive);
  for (const [index, { client, command, input }] of calls.entries()) {
    if (client === 'SchedulerClient' && 'GroupName' in input) input.GroupName = process.env.${substitutions.groupVariable};
    try {
      await clients[client].send(new commands[command](input));
    } catch (error) {
      if (error.name !== 'ResourceNotFoundException')
        throw new Error(\`call \${index + 1}, \${command}: \${error.name} \${JSON.stringify(input).slice(0, 600)}\`);
    }
  }
  return { status: 'processed', calls: calls.length };
};
`;
}

export async function bundleReference(source: string, directory: string, name: string, projectRoot: string) {
  mkdirSync(directory, { recursive: true });
  const entry = join(directory, `${name}.reference.mjs`);
  writeFileSync(entry, source);
  return bundle(entry, join(directory, `${name}.reference.bundle`), projectRoot);
}

/** SES raw messages are bytes: kept as base64 so the reference sends the very same ones. */
export function bytesAsBase64(_key: string, value: unknown) {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  const buffer = value as { type?: unknown; data?: unknown } | null;
  if (buffer && buffer.type === 'Buffer' && Array.isArray(buffer.data))
    return { $bytes: Buffer.from(buffer.data as number[]).toString('base64') };
  return value;
}
