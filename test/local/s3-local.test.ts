import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAwsChunked, startS3Local, type S3Local } from '../../infra/local/s3-local';

/**
 * The local S3 endpoint against the AWS SDK v3 client as CareLoop's code and an operator use it:
 * path-style (the endpoint is an IP address), local credentials, the SDK's default checksums.
 */

const EXPORTS = 'careloop-local-exports';
const KMS_KEY = 'arn:aws:kms:eu-central-1:000000000000:key/5f1c2e3a-1111-2222-3333-444455556666';
let s3: S3Local;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3Local({ port: 0, buckets: [EXPORTS] });
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

/** What the export function sends on AWS: a JSON document, encrypted with the stack's KMS key. */
const exportPut = (key: string, document: unknown) =>
  new PutObjectCommand({
    Bucket: EXPORTS,
    Key: key,
    Body: JSON.stringify(document),
    ContentType: 'application/json',
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: KMS_KEY,
    BucketKeyEnabled: true,
  });

describe('the local S3 endpoint', () => {
  it('keeps a JSON export put with SSE-KMS parameters, and answers it with its content type and encryption', async () => {
    const document = { patientId: 'pt-0001', name: 'Zoë Müller', sessions: [{ painBefore: 6, painAfter: 3 }] };
    const key = 'exports/riverside/pt-0001/export-1.json';

    const put = await client.send(exportPut(key, document));
    const got = await client.send(new GetObjectCommand({ Bucket: EXPORTS, Key: key }));
    const head = await client.send(new HeadObjectCommand({ Bucket: EXPORTS, Key: key }));

    expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY, BucketKeyEnabled: true });
    expect(JSON.parse(await got.Body!.transformToString())).toEqual(document);
    expect(got).toMatchObject({
      ContentType: 'application/json',
      ETag: put.ETag,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
      BucketKeyEnabled: true,
    });
    expect(head).toMatchObject({
      ContentType: 'application/json',
      ContentLength: Buffer.byteLength(JSON.stringify(document)),
      ETag: put.ETag,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
    });
  });

  it('answers a missing key with NoSuchKey, and HeadObject with NotFound as S3 does', async () => {
    await expect(
      client.send(new GetObjectCommand({ Bucket: EXPORTS, Key: 'exports/none.json' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(
      client.send(new HeadObjectCommand({ Bucket: EXPORTS, Key: 'exports/none.json' })),
    ).rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    await expect(client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'a.json' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('stores a streamed body as sent: the aws-chunked framing removed, its trailing checksum checked and answered', async () => {
    const content = Buffer.from(JSON.stringify({ note: 'x'.repeat(200_000) }));
    const halves = [content.subarray(0, 70_000), content.subarray(70_000)];

    const put = await client.send(
      new PutObjectCommand({
        Bucket: EXPORTS,
        Key: 'streamed.json',
        Body: Readable.from(halves),
        ContentLength: content.length,
        ContentType: 'application/json',
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: EXPORTS, Key: 'streamed.json' }));

    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(content)).toBe(true);
    // The SDK checked the body against this checksum before handing it over.
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    expect(got.ContentType).toBe('application/json');
  });

  it('refuses a body whose checksum does not match, as S3 does', async () => {
    await expect(
      client.send(
        new PutObjectCommand({ Bucket: EXPORTS, Key: 'damaged.json', Body: '{"a":1}', ChecksumCRC32: 'AAAAAA==' }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    await expect(client.send(new HeadObjectCommand({ Bucket: EXPORTS, Key: 'damaged.json' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('applies S3 default encryption (SSE-S3) to an object put without encryption parameters', async () => {
    await client.send(new PutObjectCommand({ Bucket: EXPORTS, Key: 'plain.txt', Body: 'hello' }));
    const head = await client.send(new HeadObjectCommand({ Bucket: EXPORTS, Key: 'plain.txt' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.SSEKMSKeyId).toBeUndefined();
  });

  it('refuses a KMS key without aws:kms encryption, and an encryption S3 does not know', async () => {
    await expect(
      client.send(new PutObjectCommand({ Bucket: EXPORTS, Key: 'a.json', Body: '{}', SSEKMSKeyId: KMS_KEY })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', message: expect.stringContaining('aws:kms') });
    await expect(
      client.send(
        new PutObjectCommand({
          Bucket: EXPORTS,
          Key: 'a.json',
          Body: '{}',
          ServerSideEncryption: 'rot13' as 'AES256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('lists keys by prefix in UTF-8 byte order, in pages, and by folder with a delimiter', async () => {
    const bucket = 'listing-bucket';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    // 'é' (U+00E9) sorts before '𝒳' (U+1D4B3) in UTF-8 bytes, but after it in JavaScript's UTF-16 order.
    const keys = ['c/1.json', 'c/2.json', 'a.json', 'b/x.json', 'b/é.json', 'b/𝒳.json', 'd.json'];
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));

    const b = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'b/' }));
    expect(b.Contents!.map((entry) => entry.Key)).toEqual(['b/x.json', 'b/é.json', 'b/𝒳.json']);
    expect(b.Contents![0]).toMatchObject({ Size: Buffer.byteLength('b/x.json'), StorageClass: 'STANDARD' });
    expect(b.KeyCount).toBe(3);

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 3, ContinuationToken: token }),
      );
      pages.push(page.Contents!.map((entry) => entry.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toEqual([['a.json', 'b/x.json', 'b/é.json'], ['b/𝒳.json', 'c/1.json', 'c/2.json'], ['d.json']]);

    const folders = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 2 }));
    expect(folders.Contents!.map((entry) => entry.Key)).toEqual(['a.json']);
    expect(folders.CommonPrefixes).toEqual([{ Prefix: 'b/' }]);
    const rest = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', ContinuationToken: folders.NextContinuationToken }),
    );
    expect(rest.CommonPrefixes).toEqual([{ Prefix: 'c/' }]);
    expect(rest.Contents!.map((entry) => entry.Key)).toEqual(['d.json']);
  });

  it('creates buckets as S3 does: the start-up bucket exists, a second create and an invalid name are refused', async () => {
    await expect(client.send(new HeadBucketCommand({ Bucket: EXPORTS }))).resolves.toBeDefined();
    await expect(client.send(new CreateBucketCommand({ Bucket: EXPORTS }))).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(client.send(new CreateBucketCommand({ Bucket: 'Patient_Exports' }))).rejects.toMatchObject({
      name: 'InvalidBucketName',
    });
    await expect(startS3Local({ port: 0, buckets: ['Patient_Exports'] })).rejects.toThrow(/Patient_Exports/);
  });

  it('refuses, naming what it answers, an operation CareLoop does not use, and an unsigned request', async () => {
    await expect(client.send(new DeleteObjectCommand({ Bucket: EXPORTS, Key: 'plain.txt' }))).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringContaining('PutObject, GetObject, HeadObject, ListObjectsV2'),
    });
    const unsigned = await fetch(`${s3.endpoint}/${EXPORTS}/plain.txt`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('lists its buckets and keys, and stops listening when stopped', async () => {
    const own = await startS3Local({ port: 0, buckets: ['one-bucket'] });
    const ownClient = new S3Client({
      endpoint: own.endpoint,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
    await ownClient.send(new PutObjectCommand({ Bucket: 'one-bucket', Key: 'k.json', Body: '{}' }));
    expect(own.listing()).toEqual([{ bucket: 'one-bucket', keys: ['k.json'] }]);

    await own.stop();
    ownClient.destroy();
    await expect(fetch(`${own.endpoint}/one-bucket`)).rejects.toThrow();
  });
});

describe('decodeAwsChunked', () => {
  it('reads signed chunks (SigV4 streaming) and trailers', () => {
    const body = Buffer.from(
      '5;chunk-signature=aaaa\r\nhello\r\n6;chunk-signature=bbbb\r\n world\r\n0;chunk-signature=cccc\r\n' +
        'x-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:dddd\r\n\r\n',
    );
    expect(decodeAwsChunked(body)).toEqual({
      payload: Buffer.from('hello world'),
      trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==', 'x-amz-trailer-signature': 'dddd' },
    });
  });

  it('refuses a body cut short', () => {
    expect(() => decodeAwsChunked(Buffer.from('a\r\nhello'))).toThrow(/not well formed/);
  });
});
