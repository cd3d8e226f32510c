import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { leaveIdleConnectionsToClients } from './idle-connections';

/**
 * The local stack's S3-compatible endpoint (contract LOCAL.md 1.1): path-style, in memory, in
 * this process, answering the operations CareLoop uses with the AWS SDK v3 as S3 answers them:
 * CreateBucket, HeadBucket, PutObject, GetObject, HeadObject and ListObjectsV2. Anything else is
 * refused with S3's own `NotImplemented`, so a new use shows up as an error rather than as a
 * silent difference. Why not s3rver or another package: docs/decisions/0024-own-s3-emulator.md.
 *
 * What S3 does that is kept: the SSE-KMS (or SSE-S3) parameters a PutObject sends are checked
 * and echoed on every later read, as a deployed bucket echoes them, so a test sees what a function
 * asked for; the SDK's checksums (a header, or the trailer of an `aws-chunked` body, which the SDK
 * sends for a stream) are verified and returned when asked, so the SDK checks what it reads; an
 * unsigned request is refused, the export bucket being private on AWS. Any credentials are
 * accepted (signatures are not checked), and nothing is encrypted, expired or versioned.
 */

export interface S3LocalOptions {
  port: number;
  host?: string;
  /** Buckets that exist from the start (the stack's export bucket), named as CreateBucket requires. */
  buckets?: readonly string[];
}

export interface S3Local {
  endpoint: string;
  /** The buckets and their keys, for tests and the local console. */
  listing(): { bucket: string; keys: string[] }[];
  /** Closes the server and its kept-alive connections; the objects go with it. */
  stop(): Promise<void>;
}

/** The operations answered here, named in every `NotImplemented` so a caller knows what exists. */
export const S3_LOCAL_OPERATIONS = [
  'CreateBucket',
  'HeadBucket',
  'PutObject',
  'GetObject',
  'HeadObject',
  'ListObjectsV2',
] as const;

/**
 * A guard for a laptop's memory, not S3's limit (5 GiB for one PutObject): an export is one
 * patient's JSON document.
 */
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** What every S3 bucket has applied to objects put without encryption parameters since 2023. */
const DEFAULT_ENCRYPTION = 'AES256';
const ENCRYPTIONS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);
/** Headers S3 keeps with an object and answers on every read (besides `x-amz-meta-*`). */
const KEPT_HEADERS = ['content-type', 'content-disposition', 'content-language', 'cache-control', 'expires'] as const;
const ENCRYPTION_HEADERS = [
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-context',
  'x-amz-server-side-encryption-bucket-key-enabled',
] as const;
/** The flexible checksums S3 accepts, with how to compute those Node computes without a library. */
const CHECKSUMS: Record<string, ((body: Buffer) => string) | undefined> = {
  crc32: (body) => {
    const value = Buffer.alloc(4);
    value.writeUInt32BE(crc32(body));
    return value.toString('base64');
  },
  sha1: (body) => createHash('sha1').update(body).digest('base64'),
  sha256: (body) => createHash('sha256').update(body).digest('base64'),
  // Kept and returned as given, not verified: Node has no CRC32C or CRC64NVME of its own.
  crc32c: undefined,
  crc64nvme: undefined,
};
/** Query parameters that say nothing about the operation: the SDK's `x-id`, a presigned URL's signature. */
const NEUTRAL_QUERY = /^(x-id|X-Amz-.+|AWSAccessKeyId|Signature|Expires)$/;
const LIST_QUERY = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
]);
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-language': 'content-language',
  'response-content-encoding': 'content-encoding',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
};

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  /** What is answered with the object on every read: content headers, metadata, encryption. */
  headers: Record<string, string>;
  checksum?: { algorithm: string; value: string };
}

class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

const notImplemented = (what: string) =>
  new S3Error(
    'NotImplemented',
    `${what} is not answered by the local S3 endpoint, which answers ${S3_LOCAL_OPERATIONS.join(', ')}`,
    501,
  );

/** S3's rules for a new bucket's name (general purpose buckets). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return 'must be lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit';
  if (name.includes('..')) return 'must not hold two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  return undefined;
}

export async function startS3Local(options: S3LocalOptions): Promise<S3Local> {
  const host = options.host ?? '127.0.0.1';
  const buckets = new Map<string, Map<string, StoredObject>>();
  for (const name of options.buckets ?? []) {
    const problem = bucketNameProblem(name);
    if (problem) throw new Error(`the S3 bucket name "${name}" ${problem}`);
    buckets.set(name, new Map());
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    res.setHeader('x-amz-request-id', requestId);
    handle(req, res).catch((error: unknown) => {
      const s3Error =
        error instanceof S3Error
          ? error
          : new S3Error('InternalError', error instanceof Error ? error.message : String(error), 500);
      if (res.headersSent) return void res.destroy();
      res.writeHead(s3Error.status, { 'content-type': 'application/xml' });
      // A HEAD answer has no body: the SDK names the error from the status alone, as with S3.
      if (req.method === 'HEAD') return void res.end();
      res.end(
        xmlDocument(
          'Error',
          [
            ['Code', s3Error.code],
            ['Message', s3Error.message],
            ...Object.entries(s3Error.details),
            ['RequestId', requestId],
          ],
          false,
        ),
      );
    });
  });
  leaveIdleConnectionsToClients(server);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
    const query = new URLSearchParams(rawQuery);
    if (!signed(req, query)) {
      throw new S3Error('AccessDenied', 'Access Denied: sign the request (any credentials are accepted here)', 403);
    }
    // Path-style: /bucket/key. Split by hand: URL parsing would resolve `.` and `..` inside keys.
    const slash = rawPath.indexOf('/', 1);
    const bucket = decodeURIComponent(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash));
    const key = slash === -1 ? '' : decodeURIComponent(rawPath.slice(slash + 1));
    const method = req.method ?? 'GET';
    if (bucket === '') throw notImplemented(`${method} / (ListBuckets)`);
    const unknownParameter = (allowed: (name: string) => boolean) =>
      [...query.keys()].find((name) => !NEUTRAL_QUERY.test(name) && !allowed(name));

    if (key === '') {
      const extra = unknownParameter((name) => method === 'GET' && LIST_QUERY.has(name));
      if (extra !== undefined) throw notImplemented(`${method} /${bucket}?${extra}`);
      if (method === 'PUT') return createBucket(bucket, res);
      if (method === 'HEAD') return headBucket(bucket, res);
      if (method === 'GET' && query.get('list-type') === '2') return listObjectsV2(bucket, query, res);
      throw notImplemented(`${method} /${bucket}${method === 'GET' ? ' (ListObjects version 1)' : ''}`);
    }

    const objects = buckets.get(bucket);
    const extra = unknownParameter((name) => method === 'GET' && name in RESPONSE_OVERRIDES);
    if (extra !== undefined) throw notImplemented(`${method} /${bucket}/…?${extra}`);
    if (method === 'PUT') {
      if (req.headers['x-amz-copy-source']) throw notImplemented('CopyObject');
      if (!objects) throw noSuchBucket(bucket);
      return putObject(objects, key, req, body, res);
    }
    if (method === 'GET' || method === 'HEAD') {
      const unanswered = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'].find(
        (name) => req.headers[name] !== undefined,
      );
      if (unanswered) throw notImplemented(`${method} with ${unanswered}`);
      if (!objects) throw noSuchBucket(bucket);
      const object = objects.get(key);
      if (!object) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
      return readObject(object, req, query, res);
    }
    throw notImplemented(`${method} /${bucket}/…`);
  };

  const createBucket = (bucket: string, res: ServerResponse) => {
    const problem = bucketNameProblem(bucket);
    if (problem) throw new S3Error('InvalidBucketName', `The specified bucket is not valid: it ${problem}`, 400);
    if (buckets.has(bucket)) {
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        { BucketName: bucket },
      );
    }
    buckets.set(bucket, new Map());
    res.writeHead(200, { location: `/${bucket}` }).end();
  };

  const headBucket = (bucket: string, res: ServerResponse) => {
    if (!buckets.has(bucket)) throw noSuchBucket(bucket);
    res.writeHead(200).end();
  };

  const putObject = (
    objects: Map<string, StoredObject>,
    key: string,
    req: IncomingMessage,
    received: Buffer,
    res: ServerResponse,
  ) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const encryption = encryptionOf(header);
    const contentSha256 = header('x-amz-content-sha256') ?? '';
    const encodings = (header('content-encoding') ?? '').split(',').map((value) => value.trim());
    const chunked = encodings.includes('aws-chunked') || contentSha256.startsWith('STREAMING-');
    const { payload, trailers } = chunked ? decodeAwsChunked(received) : { payload: received, trailers: {} };
    const decodedLength = header('x-amz-decoded-content-length');
    if (chunked && decodedLength !== undefined && Number(decodedLength) !== payload.length) {
      throw new S3Error(
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header',
        400,
      );
    }
    if (/^[0-9a-f]{64}$/.test(contentSha256) && createHash('sha256').update(payload).digest('hex') !== contentSha256) {
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
      );
    }
    const md5 = createHash('md5').update(payload);
    const contentMd5 = header('content-md5');
    if (contentMd5 !== undefined && md5.copy().digest('base64') !== contentMd5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    }
    const checksum = checksumOf({ ...trailers, ...req.headers } as Record<string, string | undefined>, payload);

    const headers: Record<string, string> = { ...encryption };
    for (const name of KEPT_HEADERS) {
      const value = header(name);
      if (value !== undefined) headers[name] = value;
    }
    headers['content-type'] ??= 'binary/octet-stream';
    const contentEncoding = encodings.filter((value) => value !== '' && value !== 'aws-chunked').join(',');
    if (contentEncoding !== '') headers['content-encoding'] = contentEncoding;
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-amz-meta-') && value !== undefined) headers[name] = String(value);
    }
    const object: StoredObject = {
      body: payload,
      etag: `"${md5.digest('hex')}"`,
      lastModified: new Date(),
      headers,
      checksum,
    };
    objects.set(key, object);
    res
      .writeHead(200, {
        etag: object.etag,
        ...encryption,
        ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {}),
      })
      .end();
  };

  const readObject = (object: StoredObject, req: IncomingMessage, query: URLSearchParams, res: ServerResponse) => {
    const overrides = Object.fromEntries(
      Object.entries(RESPONSE_OVERRIDES).flatMap(([parameter, name]) => {
        const value = query.get(parameter);
        return value === null ? [] : [[name, value]];
      }),
    );
    const checksumWanted = String(req.headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED';
    res.writeHead(200, {
      ...object.headers,
      ...overrides,
      'content-length': String(object.body.length),
      etag: object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      ...(checksumWanted && object.checksum
        ? {
            [`x-amz-checksum-${object.checksum.algorithm}`]: object.checksum.value,
            'x-amz-checksum-type': 'FULL_OBJECT',
          }
        : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : object.body);
  };

  const listObjectsV2 = (bucket: string, query: URLSearchParams, res: ServerResponse) => {
    const objects = buckets.get(bucket);
    if (!objects) throw noSuchBucket(bucket);
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const startAfter = query.get('start-after') ?? '';
    const rawMaxKeys = query.get('max-keys') ?? '1000';
    if (!/^\d+$/.test(rawMaxKeys)) {
      throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
        ArgumentName: 'max-keys',
        ArgumentValue: rawMaxKeys,
      });
    }
    // S3 answers at most 1,000 entries a page, whatever more is asked for.
    const maxKeys = Math.min(Number(rawMaxKeys), 1000);
    const continuationToken = query.get('continuation-token');
    const resumeAfter = continuationToken === null ? undefined : parseContinuationToken(continuationToken);
    const encode = query.get('encoding-type') === 'url' ? encodeListingValue : (value: string) => value;

    // S3 lists keys in the order of their UTF-8 bytes, which is not JavaScript's string order.
    const keys = [...objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const after = (key: string, marker: string) => Buffer.compare(Buffer.from(key), Buffer.from(marker)) > 0;
    const contents: string[] = [];
    const commonPrefixes: string[] = [];
    let last: { after: string; commonPrefix: boolean } | undefined;
    let truncated = false;
    for (const key of keys) {
      if (startAfter !== '' && !after(key, startAfter)) continue;
      if (resumeAfter) {
        if (!after(key, resumeAfter.after)) continue;
        if (resumeAfter.commonPrefix && key.startsWith(resumeAfter.after)) continue;
      }
      const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
      const commonPrefix = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
      if (commonPrefix !== undefined && commonPrefix === commonPrefixes.at(-1)) continue;
      if (contents.length + commonPrefixes.length === maxKeys) {
        truncated = true;
        break;
      }
      if (commonPrefix !== undefined) {
        commonPrefixes.push(commonPrefix);
        last = { after: commonPrefix, commonPrefix: true };
      } else {
        contents.push(key);
        last = { after: key, commonPrefix: false };
      }
    }

    const entries: XmlEntry[] = [
      ['Name', bucket],
      ['Prefix', encode(prefix)],
      ...(delimiter === '' ? [] : [['Delimiter', encode(delimiter)] as XmlEntry]),
      ...(startAfter === '' ? [] : [['StartAfter', encode(startAfter)] as XmlEntry]),
      ...(continuationToken === null ? [] : [['ContinuationToken', continuationToken] as XmlEntry]),
      ['KeyCount', String(contents.length + commonPrefixes.length)],
      ['MaxKeys', String(maxKeys)],
      ...(query.get('encoding-type') === 'url' ? [['EncodingType', 'url'] as XmlEntry] : []),
      ['IsTruncated', String(truncated)],
      ...(truncated && last
        ? [['NextContinuationToken', Buffer.from(JSON.stringify(last)).toString('base64url')] as XmlEntry]
        : []),
      ...contents.map((key): XmlEntry => {
        const object = objects.get(key)!;
        return [
          'Contents',
          [
            ['Key', encode(key)],
            ['LastModified', object.lastModified.toISOString()],
            ['ETag', object.etag],
            ...(object.checksum ? [['ChecksumAlgorithm', object.checksum.algorithm.toUpperCase()] as XmlEntry] : []),
            ['Size', String(object.body.length)],
            ['StorageClass', 'STANDARD'],
          ],
        ];
      }),
      ...commonPrefixes.map((value): XmlEntry => ['CommonPrefixes', [['Prefix', encode(value)]]]),
    ];
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(xmlDocument('ListBucketResult', entries, true));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    listing: () => [...buckets].map(([bucket, objects]) => ({ bucket, keys: [...objects.keys()].sort() })),
    stop: () =>
      new Promise<void>((resolve) => {
        // The SDK keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
        buckets.clear();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_OBJECT_BYTES) {
      throw new S3Error(
        'EntityTooLarge',
        `Your proposed upload exceeds the maximum allowed size of the local S3 endpoint (${MAX_OBJECT_BYTES} bytes)`,
        400,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Signed by header (SigV4 or V2) or by a presigned URL's query; the signature itself is not checked. */
function signed(req: IncomingMessage, query: URLSearchParams): boolean {
  const authorization = req.headers.authorization ?? '';
  return /^(AWS4-HMAC-SHA256|AWS) /.test(authorization) || query.has('X-Amz-Signature') || query.has('Signature');
}

function encryptionOf(header: (name: string) => string | undefined): Record<string, string> {
  const algorithm = header('x-amz-server-side-encryption');
  if (algorithm !== undefined && !ENCRYPTIONS.has(algorithm)) {
    throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', 400, {
      ArgumentName: 'x-amz-server-side-encryption',
      ArgumentValue: algorithm,
    });
  }
  const kms = algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse';
  const kmsOnly = ENCRYPTION_HEADERS.slice(1).find((name) => header(name) !== undefined);
  if (kmsOnly && !kms) {
    throw new S3Error(
      'InvalidArgument',
      'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      400,
      { ArgumentName: kmsOnly },
    );
  }
  const encryption: Record<string, string> = { 'x-amz-server-side-encryption': algorithm ?? DEFAULT_ENCRYPTION };
  for (const name of ENCRYPTION_HEADERS.slice(1)) {
    const value = header(name);
    if (value !== undefined) encryption[name] = value;
  }
  return encryption;
}

function checksumOf(
  headers: Record<string, string | undefined>,
  payload: Buffer,
): StoredObject['checksum'] | undefined {
  for (const [algorithm, compute] of Object.entries(CHECKSUMS)) {
    const value = headers[`x-amz-checksum-${algorithm}`];
    if (value === undefined) continue;
    if (compute && compute(payload) !== value) {
      throw new S3Error(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
        400,
      );
    }
    return { algorithm, value };
  }
  return undefined;
}

/**
 * The body of an `aws-chunked` upload: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` chunks, a
 * zero-size chunk, then trailer lines (the SDK's checksum of a streamed body) and a blank line.
 */
export function decodeAwsChunked(body: Buffer): { payload: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  const malformed = () => new S3Error('IncompleteBody', 'The aws-chunked body of the request is not well formed.', 400);
  let offset = 0;
  const line = () => {
    const end = body.indexOf('\r\n', offset);
    if (end === -1) throw malformed();
    const text = body.subarray(offset, end).toString('latin1');
    offset = end + 2;
    return text;
  };
  for (;;) {
    const size = Number.parseInt(line().split(';', 1)[0]!, 16);
    if (!Number.isInteger(size) || size < 0) throw malformed();
    if (size === 0) break;
    if (offset + size + 2 > body.length) throw malformed();
    chunks.push(body.subarray(offset, offset + size));
    offset += size;
    if (line() !== '') throw malformed();
  }
  while (offset < body.length) {
    const trailer = line();
    if (trailer === '') break;
    const colon = trailer.indexOf(':');
    if (colon === -1) throw malformed();
    trailers[trailer.slice(0, colon).trim().toLowerCase()] = trailer.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(chunks), trailers };
}

interface ContinuationMarker {
  after: string;
  commonPrefix: boolean;
}

function parseContinuationToken(token: string): ContinuationMarker {
  try {
    const marker = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinuationMarker>;
    if (typeof marker.after === 'string' && typeof marker.commonPrefix === 'boolean')
      return marker as ContinuationMarker;
  } catch {
    // Answered below, as any token S3 did not hand out.
  }
  throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, {
    ArgumentName: 'continuation-token',
  });
}

/** S3's `encoding-type=url`: keys as in a form, spaces as `+`. */
const encodeListingValue = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

type XmlEntry = [name: string, value: string | XmlEntry[]];

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);

function xmlDocument(root: string, entries: XmlEntry[], namespaced: boolean): string {
  const render = (list: XmlEntry[]): string =>
    list
      .map(([name, value]) => `<${name}>${typeof value === 'string' ? escapeXml(value) : render(value)}</${name}>`)
      .join('');
  const open = namespaced ? `<${root} xmlns="${S3_NAMESPACE}">` : `<${root}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${open}${render(entries)}</${root}>`;
}
