import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { FUNCTION_SETTINGS } from '../function-plan';
import { acknowledge, REASONS } from '../nag';
import { StackSection } from './section';

/** How long an export can be read: the contract's "objects expire after 7 days". */
export const EXPORT_RETENTION_DAYS = 7;
/** How long the export bucket's server access logs are kept: as long as the functions' own logs. */
export const ACCESS_LOG_RETENTION_DAYS = FUNCTION_SETTINGS.logRetentionDays;
/** Where the export bucket's logs go in the access-log bucket, which could take other buckets' logs too. */
export const EXPORT_ACCESS_LOG_PREFIX = 'exports/';
/**
 * What reading an export's content takes (GetObject, and GetObjectVersion should versioning ever be
 * on), and the metadata calls beside them: denied to every principal but the readers.
 */
export const EXPORT_READ_ACTIONS = ['s3:GetObject*'];

/**
 * Where patient data exports are written (contract 1.1, PatientDataExportRequested): one JSON
 * document per request, encrypted with the stack's key, gone a week later. Only the functions that
 * wire the `exports` port may write one ({@link grantWrite}); only the roles and users the clinic
 * names in `exportReaders` may read one, and the bucket policy denies reading to every other
 * principal, whatever its own IAM policy allows. Every request is logged to a second bucket.
 */
export class ExportStorage extends StackSection {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  private readonly writers: iam.IRole[] = [];
  private writersClosed = false;
  private readonly key: kms.IKey;
  /** Only as S3 calls KMS for the caller, in the stack's region: no direct use of the key. */
  private readonly throughS3: Record<string, Record<string, string>>;

  constructor(scope: Construct, id: string, props: { key: kms.Key; readers: readonly string[] }) {
    super(scope, id);
    this.key = props.key;
    // Log delivery is granted by the log bucket's policy, not an ACL: ACLs are disabled on both
    // buckets (bucket owner enforced), and CDK grants with a policy only under this flag.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const stack = Stack.of(this);
    this.throughS3 = { StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` } };

    this.accessLogBucket = new s3.Bucket(this, 'ExportAccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // The only default encryption S3 supports for server access log delivery (REASONS.accessLogBucketEncryption).
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Who read which export is evidence the clinic may need after CareLoop is removed; the
      // lifecycle rule goes on deleting each log when its time is up.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.accessLogBucket, 'HIPAA.Security-S3DefaultEncryptionKMS', REASONS.accessLogBucketEncryption);
    acknowledge(this.accessLogBucket, 'HIPAA.Security-S3BucketVersioningEnabled', REASONS.accessLogsNotVersioned);
    acknowledge(this.accessLogBucket, 'HIPAA.Security-S3BucketReplicationEnabled', REASONS.accessLogsNotReplicated);

    this.bucket = new s3.Bucket(this, 'ExportBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per bucket and period rather than one KMS call per object.
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Not versioned: an overwritten or deleted export must be gone, not kept as a version
      // (REASONS.exportsNotVersioned).
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-exports',
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          // Should versioning ever be turned on outside CDK, what an expiry or overwrite leaves
          // behind goes a day later, and nothing outlives the week by more.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // S3 refuses this in the rule above (it cannot go with an expiration in days).
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: EXPORT_ACCESS_LOG_PREFIX,
      // CloudFormation cannot delete a bucket that holds objects; kept, the bucket is emptied by
      // its lifecycle rule within the week (docs/DEPLOY.md, removing the stack).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, 'HIPAA.Security-S3BucketVersioningEnabled', REASONS.exportsNotVersioned);
    acknowledge(this.bucket, 'HIPAA.Security-S3BucketReplicationEnabled', REASONS.exportsNotReplicated);

    const exports = this.bucket.arnForObjects('*');
    if (props.readers.length > 0) {
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ExportReadersRead',
          principals: props.readers.map((reader) => new iam.ArnPrincipal(reader)),
          actions: ['s3:GetObject'],
          resources: [exports],
        }),
      );
      // Through S3 only: the readers can decrypt nothing else the key protects (the table, the
      // queues, the logs). The bucket's ARN cannot be named here (the bucket's encryption names
      // the key: a circular dependency); no other bucket uses the key.
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ExportReadersDecryptThroughS3',
          principals: props.readers.map((reader) => new iam.ArnPrincipal(reader)),
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: this.throughS3,
        }),
      );
    }
    // Within the account, IAM allows what either the bucket policy or the principal's own policy
    // allows: without this Deny, any role whose IAM allows s3:GetObject could read every export.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyExportReadersRead',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: EXPORT_READ_ACTIONS,
        resources: [exports],
        ...(props.readers.length > 0 && { conditions: { ArnNotLike: { 'aws:PrincipalArn': [...props.readers] } } }),
      }),
    );
    // A retained bucket without its policy would be readable by any role whose IAM allows it.
    this.bucket.policy!.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.accessLogBucket.policy!.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.node.addValidation({
      validate: () =>
        this.writersClosed
          ? []
          : ['the export bucket lets anyone write: call allowOnlyGrantedWriters() once every writer is granted'],
    });
  }

  /**
   * Lets the role put exports, and have S3 encrypt them with the key: kms:GenerateDataKey through S3
   * only (S3 asks KMS for a data key with the writer's credentials; a single PutObject needs nothing
   * else of the key). Not reading: the bucket policy denies that to every principal but the readers.
   */
  grantWrite(role: iam.IRole): void {
    if (this.writersClosed) throw new Error('grantWrite() after allowOnlyGrantedWriters(): the writer would be denied');
    this.writers.push(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteExports',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptExportsThroughS3',
        actions: ['kms:GenerateDataKey'],
        resources: [this.key.keyArn],
        conditions: this.throughS3,
      }),
    );
  }

  /**
   * Denies putting an export to every principal but the roles granted to write one so far (none:
   * nobody). A reader trusts what it finds in the bucket: no role of the account, whatever its own
   * IAM allows, may put a document there for it. Called once, after every function is built.
   */
  allowOnlyGrantedWriters(): void {
    if (this.writersClosed) throw new Error('allowOnlyGrantedWriters() was called already');
    this.writersClosed = true;
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyExportWritersWrite',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        ...(this.writers.length > 0 && {
          conditions: { ArnNotLike: { 'aws:PrincipalArn': this.writers.map((role) => role.roleArn) } },
        }),
      }),
    );
  }
}
