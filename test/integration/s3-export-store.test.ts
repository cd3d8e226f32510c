import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { startS3Local, type S3Local } from '../../infra/local/s3-local';
import { ENV, loadRuntimeConfig } from '../../shared/config';
import type { ExportStore } from '../../shared/domain/ports';
import { s3Exports } from '../../shared/runtime/wiring';

/**
 * The export store against the local S3 endpoint, as a function that wires `exports` gets it
 * (shared/runtime/wiring.ts): from its environment, the endpoint being the SDK's own AWS_ENDPOINT_URL_S3. The endpoint is named by host
 * (localhost), where the SDK would put the bucket in the host name unless S3_FORCE_PATH_STYLE says
 * otherwise, so these tests also show the store reads that setting. Each object is read back with
 * GetObject, with what S3 answers about its encryption.
 */

const BUCKET = 'careloop-it-exports';
const KEY_ARN = 'arn:aws:kms:eu-central-1:000000000000:key/careloop-it-exports';
const document = JSON.stringify({ clinicId: 'riverside', patientId: 'pt-0042', bookings: [{ bookingId: 'bk-1' }] });

let s3: S3Local;
let reader: S3Client;

beforeAll(async () => {
  s3 = await startS3Local({ port: 0, host: 'localhost', buckets: [BUCKET] });
  reader = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  reader?.destroy();
  await s3?.stop();
});
afterEach(() => vi.unstubAllEnvs());

/** The port a function wires, given its environment on the local stack (as far as the store reads it). */
function storeFromEnvironment(overrides: Record<string, string | undefined> = {}): ExportStore {
  const environment: Record<string, string | undefined> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    [ENV.tableName]: 'careloop-it-table',
    [ENV.s3ForcePathStyle]: 'true',
    [ENV.exportBucketName]: BUCKET,
    [ENV.exportKeyArn]: KEY_ARN,
    ...overrides,
  };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  return s3Exports(loadRuntimeConfig());
}

const read = (key: string) => reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));

describe('the S3 export store', () => {
  it("puts the document where it says, encrypted with the stack's key, and it reads back as written", async () => {
    const store = storeFromEnvironment();
    const key = 'exports/riverside/pt-0042/req-1.json';

    await expect(store.put(key, document, 'application/json')).resolves.toEqual({ bucket: BUCKET, key });

    const object = await read(key);
    expect(await object.Body!.transformToString()).toBe(document);
    expect(object.ContentType).toBe('application/json');
    // The key named, not left to S3: `aws:kms` alone would mean S3's own key (aws/s3).
    expect(object.ServerSideEncryption).toBe('aws:kms');
    expect(object.SSEKMSKeyId).toBe(KEY_ARN);
    // The bucket's S3 Bucket Key setting is left to apply.
    expect(object.BucketKeyEnabled).toBeUndefined();
  });

  it('replaces an export put again under the same key', async () => {
    const store = storeFromEnvironment();
    const key = 'exports/riverside/pt-0042/req-2.json';
    await store.put(key, JSON.stringify({ version: 1 }), 'application/json');
    await store.put(key, JSON.stringify({ version: 2 }), 'application/json');

    expect(JSON.parse(await (await read(key)).Body!.transformToString())).toEqual({ version: 2 });
    expect(s3.listing().find((listed) => listed.bucket === BUCKET)!.keys).toContain(key);
  });

  it('throws with S3’s error when the export was not stored', async () => {
    const store = storeFromEnvironment({ [ENV.exportBucketName]: 'careloop-it-no-such-bucket' });
    await expect(store.put('exports/riverside/pt-0042/req-3.json', document, 'application/json')).rejects.toThrow(
      expect.objectContaining({ name: 'NoSuchBucket' }),
    );
  });

  it('reaches the bucket by path only because S3_FORCE_PATH_STYLE says so', async () => {
    const store = storeFromEnvironment({ [ENV.s3ForcePathStyle]: undefined });
    // The SDK asks careloop-it-exports.localhost, which nothing answers.
    await expect(store.put('exports/riverside/pt-0042/req-4.json', document, 'application/json')).rejects.toThrow();
    expect(s3.listing().find((listed) => listed.bucket === BUCKET)!.keys).not.toContain(
      'exports/riverside/pt-0042/req-4.json',
    );
  });

  it('names what it lacks on its first put, not at cold start', async () => {
    const store = storeFromEnvironment({ [ENV.exportKeyArn]: undefined });
    await expect(store.put('exports/riverside/pt-0042/req-5.json', document, 'application/json')).rejects.toThrow(
      'EXPORT_KEY_ARN is required by the export store',
    );
  });
});
