import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { requireSetting, type RuntimeConfig } from '../config';
import type { ExportStore } from '../domain/ports';

/** Where exports go and the key S3 encrypts them with. */
export interface ExportTarget {
  readonly bucket: string;
  /** The stack's KMS key, the bucket's default: named on every put, see {@link createS3ExportStore}. */
  readonly keyArn: string;
}

/**
 * Patient data exports as objects of the export bucket. Each put names the key: S3 takes
 * `aws:kms` without one to mean its AWS managed key (aws/s3), not the bucket's default, and an
 * export under aws/s3 escapes the key policy that limits decrypting to the exportReaders through
 * S3 (nor can a reader of another account use aws/s3 at all). A put S3 refuses throws, with S3's
 * error; nothing is retried here beyond the SDK's own attempts.
 */
export function createS3ExportStore(client: S3Client, { bucket, keyArn }: ExportTarget): ExportStore {
  return {
    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: keyArn,
          // No BucketKeyEnabled: a put that leaves it out gets the bucket's S3 Bucket Key setting.
        }),
      );
      return { bucket, key };
    },
  };
}

/**
 * The deployed store. Where S3 is comes from the SDK's own configuration (AWS_ENDPOINT_URL_S3 on
 * the local stack), how buckets are addressed from S3_FORCE_PATH_STYLE, which the SDK does not read.
 */
export function s3ExportStoreFor(config: RuntimeConfig): ExportStore {
  return createS3ExportStore(new S3Client({ forcePathStyle: config.s3ForcePathStyle }), {
    bucket: requireSetting(config, 'exportBucketName', 'the export store'),
    keyArn: requireSetting(config, 'exportKeyArn', 'the export store'),
  });
}
