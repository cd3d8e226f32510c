import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { handlerEnvironment } from '../../infra/local/functions';
import { startS3Local } from '../../infra/local/s3-local';
import { LOCAL_EXPORT_BUCKET } from '../../infra/local/stack';
import { loadRuntimeConfig } from '../../shared/config';

/**
 * A function reaches the local S3 endpoint through the environment the local stack gives it, as it
 * reaches DynamoDB and SES: `AWS_ENDPOINT_URL_S3` for where, `S3_FORCE_PATH_STYLE` for how (the SDK
 * reads no variable for path-style). The client is built as a deployed function will build it.
 */

const settings = {
  prefix: 'careloop-it',
  tableName: 'careloop-it-table',
  scheduleGroupName: 'careloop-it',
  senderAddress: 'appointments@riverside.example',
  eventBusName: 'careloop-it-bus',
};

/** The environment of the functions, with the run's S3 endpoint or the one given. */
function useFunctionEnvironment(s3: string) {
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
  );
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
}

/** What a function does with its configuration: the client of the S3 adapter it will have. */
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
