import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { handlerEnvironment } from '../../infra/local/functions';
import { startS3Local } from '../../infra/local/s3-local';
import { LOCAL_EXPORT_BUCKET, localFunctionSettings, localStackOptionsFromEnv } from '../../infra/local/stack';
import { ENV, loadRuntimeConfig } from '../../shared/config';
import { s3Exports } from '../../shared/runtime/wiring';

/**
 * A function reaches the local S3 endpoint through the environment the local stack gives it, as it
 * reaches DynamoDB and SES: `AWS_ENDPOINT_URL_S3` for where, `S3_FORCE_PATH_STYLE` for how (the SDK
 * reads no variable for path-style), and, for a function that wires `exports`, the bucket the
 * endpoint was started with. The client is built as the export store builds it.
 */

const settings = {
  prefix: 'careloop-it',
  tableName: 'careloop-it-table',
  scheduleGroupName: 'careloop-it',
  senderAddress: 'appointments@riverside.example',
  eventBusName: 'careloop-it-bus',
  exportBucketName: LOCAL_EXPORT_BUCKET,
};

/** The environment of the functions (the catalog's, or those given), with the run's S3 endpoint or the one given. */
function useFunctionEnvironment(s3: string, functions?: readonly FunctionDescriptor[]) {
  const environment = handlerEnvironment(
    {
      dynamodb: inject('dynamoEndpoint'),
      ses: inject('sesEndpoint'),
      scheduler: 'http://127.0.0.1:9',
      s3,
      sideServices: 'http://127.0.0.1:9',
      unsubscribe: 'http://127.0.0.1:9/unsubscribe/',
    },
    settings,
    functions,
  );
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  return environment;
}

/** What a function does with its configuration: the client shared/adapters/s3-export-store.ts builds. */
const functionS3Client = () => new S3Client({ forcePathStyle: loadRuntimeConfig().s3ForcePathStyle });

const exportPut = (key: string) =>
  new PutObjectCommand({
    Bucket: LOCAL_EXPORT_BUCKET,
    Key: key,
    Body: JSON.stringify({ patientId: 'pt-0002' }),
    ContentType: 'application/json',
    ServerSideEncryption: 'aws:kms',
  });

describe("a function's S3 client on the local stack", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("puts an export in the run's export bucket and reads it back", async () => {
    useFunctionEnvironment(inject('s3Endpoint'));
    const client = functionS3Client();

    await client.send(exportPut('exports/riverside/pt-0002.json'));
    const read = await client.send(
      new GetObjectCommand({ Bucket: LOCAL_EXPORT_BUCKET, Key: 'exports/riverside/pt-0002.json' }),
    );

    expect(JSON.parse(await read.Body!.transformToString())).toEqual({ patientId: 'pt-0002' });
    client.destroy();
  });

  it("tells a function that wires exports the run's export bucket, where its store puts each export", async () => {
    // The export function wires it (the catalog's environment is its functions' together).
    const environment = useFunctionEnvironment(inject('s3Endpoint'));
    expect(environment[ENV.exportBucketName]).toBe(LOCAL_EXPORT_BUCKET);
    const key = 'exports/riverside/pt-0003/req-1.json';
    await expect(
      s3Exports(loadRuntimeConfig()).put(key, JSON.stringify({ patientId: 'pt-0003' }), 'application/json'),
    ).resolves.toEqual({ bucket: LOCAL_EXPORT_BUCKET, key });

    const client = functionS3Client();
    const read = await client.send(new GetObjectCommand({ Bucket: LOCAL_EXPORT_BUCKET, Key: key }));
    expect(JSON.parse(await read.Body!.transformToString())).toEqual({ patientId: 'pt-0003' });
    expect([read.ServerSideEncryption, read.SSEKMSKeyId]).toEqual(['aws:kms', environment[ENV.exportKeyArn]]);
    client.destroy();
  });

  it("tells the functions of npm start the bucket it creates (CARELOOP_EXPORT_BUCKET, else the stack's own)", () => {
    vi.stubEnv('CARELOOP_EXPORT_BUCKET', undefined);
    expect(localFunctionSettings(localStackOptionsFromEnv([])).exportBucketName).toBe(LOCAL_EXPORT_BUCKET);
    vi.stubEnv('CARELOOP_EXPORT_BUCKET', 'riverside-exports');
    expect(localFunctionSettings(localStackOptionsFromEnv([])).exportBucketName).toBe('riverside-exports');
  });

  it('reaches a bucket on an endpoint named by host (CARELOOP_HOST=localhost) only by path, as S3_FORCE_PATH_STYLE says', async () => {
    const named = await startS3Local({ port: 0, host: 'localhost', buckets: [LOCAL_EXPORT_BUCKET] });
    try {
      useFunctionEnvironment(named.endpoint);
      const client = functionS3Client();
      await client.send(exportPut('exports/riverside/by-path.json'));
      expect(named.listing()).toEqual([{ bucket: LOCAL_EXPORT_BUCKET, keys: ['exports/riverside/by-path.json'] }]);
      client.destroy();

      // Without it the SDK asks careloop-local-exports.localhost, which no local endpoint answers.
      vi.stubEnv('S3_FORCE_PATH_STYLE', undefined);
      const byHost = functionS3Client();
      await expect(byHost.send(exportPut('exports/riverside/by-host.json'))).rejects.toThrow();
      byHost.destroy();
    } finally {
      await named.stop();
    }
  });
});
