import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import { CareLoopStack, type CareLoopStackProps } from '../../infra/careloop-stack';
import { acknowledgementsOf, synthWithCompliancePacks } from '../../infra/compliance-report';
import {
  ACCESS_LOG_RETENTION_DAYS,
  EXPORT_ACCESS_LOG_PREFIX,
  EXPORT_RETENTION_DAYS,
  ExportStorage,
} from '../../infra/constructs/exports';
import { MAX_EXPORT_READERS } from '../../infra/export-readers';
import { REASONS } from '../../infra/nag';
import { resolveSettings, SettingsError } from '../../infra/settings';
import { ENV } from '../../shared/config';
import {
  arnOf,
  keyAllows,
  sameAccountAllows,
  type Environment,
  type Resources,
  type Statement,
} from './policy-evaluation';

/**
 * The patient data export's infrastructure (contract 1.1, PatientDataExportRequested): the bucket
 * an export is written to, its access logs, who may read an export (the clinic's `exportReaders`)
 * and who may write one, proven on the synthesized template with IAM's own rules
 * (test/infra/policy-evaluation.ts).
 */

type Json = Record<string, any>;

const EXPORT_FUNCTION = 'patient-data-export-requested';

const ENVIRONMENT: Environment = {
  account: '111122223333',
  region: 'eu-central-1',
  partition: 'aws',
  stackName: 'CareLoop-dev',
};

const CLINIC_ADMIN = 'arn:aws:iam::111122223333:role/clinic-admin';
const AUDITOR = 'arn:aws:iam::444455556666:user/records/auditor';

const readersOf = (value: unknown) =>
  resolveSettings((key) => (key === 'exportReaders' ? value : undefined), {}).exportReaders;

const errorOf = (value: unknown) => {
  try {
    resolveSettings((key) => (key === 'exportReaders' ? value : undefined), {});
  } catch (error) {
    return error as SettingsError;
  }
  throw new Error('expected resolveSettings to throw');
};

describe('the exportReaders setting', () => {
  it('takes role and user ARNs, from cdk.json (an array) or -c (its JSON text)', () => {
    expect(readersOf([CLINIC_ADMIN, AUDITOR])).toEqual([CLINIC_ADMIN, AUDITOR]);
    expect(readersOf(JSON.stringify([CLINIC_ADMIN]))).toEqual([CLINIC_ADMIN]);
    expect(readersOf([` ${CLINIC_ADMIN} `])).toEqual([CLINIC_ADMIN]);
  });

  it('leaves the readers out when none are given: nobody may read an export', () => {
    for (const none of [undefined, '', '[]', []]) expect(readersOf(none), JSON.stringify(none)).toBeUndefined();
  });

  it('refuses what would stand for more than one principal, naming the key and the entry', () => {
    const refused = [
      '111122223333',
      'arn:aws:iam::111122223333:root',
      '*',
      'arn:aws:iam::111122223333:role/*',
      'arn:aws:iam::111122223333:group/admins',
      'arn:aws:sts::111122223333:assumed-role/clinic-admin/session',
      'arn:aws:s3:::some-bucket',
      42,
    ];
    for (const reader of refused) {
      const error = errorOf([CLINIC_ADMIN, reader]);
      expect(error.problems, String(reader)).toEqual([
        { key: 'exportReaders', message: expect.stringMatching(/^\[1\]: must be an IAM role or user ARN/) },
      ]);
      expect(error.message).toContain('context key "exportReaders": [1]: must be an IAM role or user ARN');
      expect(error.message).toContain(JSON.stringify(reader));
    }
  });

  it('refuses a reader listed twice, and a value that is not a list', () => {
    expect(errorOf([CLINIC_ADMIN, CLINIC_ADMIN]).problems).toEqual([
      { key: 'exportReaders', message: '[1]: the same reader as [0]' },
    ]);
    expect(errorOf(CLINIC_ADMIN).message).toMatch(
      /context key "exportReaders": must be a JSON array of IAM role or user ARNs.*got text that is not JSON/,
    );
    expect(errorOf({ reader: CLINIC_ADMIN }).message).toMatch(
      /context key "exportReaders": must be a JSON array of IAM role or user ARNs/,
    );
  });

  it('refuses more readers than the key policy should carry', () => {
    const many = Array.from(
      { length: MAX_EXPORT_READERS + 1 },
      (_, index) => `arn:aws:iam::111122223333:role/reader-${index}`,
    );
    expect(errorOf(many).problems).toEqual([
      { key: 'exportReaders', message: expect.stringContaining(`at most ${MAX_EXPORT_READERS}`) },
    ]);
  });
});

function synth(
  context: Record<string, unknown> = {},
  functions: Pick<CareLoopStackProps, 'functions' | 'projectRoot'> = {},
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings((key) => context[key], {});
  const stack = new CareLoopStack(app, ENVIRONMENT.stackName, {
    settings,
    env: { region: ENVIRONMENT.region, account: ENVIRONMENT.account },
    ...functions,
  });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Resources };
}

interface ExportIds {
  readonly bucketId: string;
  readonly logBucketId: string;
  readonly keyId: string;
}

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

const idsOf = (stack: CareLoopStack): ExportIds => ({
  bucketId: logicalIdOf(stack, stack.exportBucket),
  logBucketId: logicalIdOf(stack, stack.exportAccessLogBucket),
  keyId: logicalIdOf(stack, stack.key),
});

/** The template's view of the export bucket: its policies and key, the stack's roles, and IAM's answers about them. */
function exportsOf(resources: Resources, { bucketId, logBucketId, keyId }: ExportIds) {
  const policyOf = (bucket: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties!.Bucket.Ref === bucket)
      .flatMap((r) => r.Properties!.PolicyDocument.Statement as Statement[]);
  const bucketArn = arnOf(resources, bucketId, ENVIRONMENT);
  const anExport = `${bucketArn}/riverside/pt-0042/export-1.json`;
  const keyArn = arnOf(resources, keyId, ENVIRONMENT);
  const keyPolicy = resources[keyId]!.Properties!.KeyPolicy.Statement as Statement[];
  /** Every role of the stack, with its identity statements (inline and attached policies). */
  const roles = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([roleId, role]) => ({
      roleId,
      arn: arnOf(resources, roleId, ENVIRONMENT),
      identity: [
        ...((role.Properties!.Policies ?? []) as Json[]).flatMap((p) => p.PolicyDocument.Statement as Statement[]),
        ...Object.values(resources)
          .filter((r) => r.Type === 'AWS::IAM::Policy')
          .filter((r) => (r.Properties!.Roles as Json[]).some((ref) => ref.Ref === roleId))
          .flatMap((r) => r.Properties!.PolicyDocument.Statement as Statement[]),
      ],
    }));
  /** A request made over TLS by a role or user of ENVIRONMENT's account (or another), as S3 sees it. */
  const request = (principal: string, action: string, identity: readonly Statement[], secure = true) => ({
    principal: { arn: principal },
    action,
    resource: anExport,
    identity,
    context: { 'aws:PrincipalArn': principal, 'aws:SecureTransport': String(secure) },
  });
  const s3Allows = (principal: string, action: string, identity: readonly Statement[] = [], secure = true) =>
    sameAccountAllows(policyOf(bucketId), request(principal, action, identity, secure), resources, ENVIRONMENT);
  /** KMS as S3 calls it on the principal's behalf (`kms:ViaService`), or as the principal calls it directly. */
  const kmsAllows = (principal: string, action: string, identity: readonly Statement[] = [], viaS3 = true) =>
    keyAllows(
      keyPolicy,
      {
        principal: { arn: principal },
        action,
        resource: keyArn,
        identity,
        context: {
          'aws:PrincipalArn': principal,
          ...(viaS3 && { 'kms:ViaService': `s3.${ENVIRONMENT.region}.amazonaws.com` }),
        },
      },
      resources,
      ENVIRONMENT,
    );
  return { bucketId, logBucketId, keyId, bucketArn, policyOf, roles, s3Allows, kmsAllows };
}

function exportsOfStack(context: Record<string, unknown> = {}) {
  const { stack, resources } = synth(context);
  return exportsOf(resources, idsOf(stack));
}

/** A role of the account whose own IAM policy allows everything on S3 and KMS: an administrator. */
const ADMIN = 'arn:aws:iam::111122223333:role/administrator';
const EVERYTHING: Statement[] = [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }];

describe('the export bucket', () => {
  let synthesized: ReturnType<typeof synth>;
  let exports: ReturnType<typeof exportsOf>;
  beforeAll(() => {
    synthesized = synth({ exportReaders: [CLINIC_ADMIN] });
    exports = exportsOf(synthesized.resources, idsOf(synthesized.stack));
  });
  const bucket = () => synthesized.resources[exports.bucketId]!.Properties!;
  const logBucket = () => synthesized.resources[exports.logBucketId]!.Properties!;

  it("encrypts every export with the stack's key, one data key per bucket (S3 Bucket Key)", () => {
    expect(bucket().BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [exports.keyId, 'Arn'] },
          },
        },
      ],
    });
  });

  it('blocks public access in all four ways and disables ACLs (bucket owner enforced), the log bucket too', () => {
    for (const properties of [bucket(), logBucket()]) {
      expect(properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(properties.AccessControl).toBeUndefined();
    }
  });

  it('refuses every request without TLS, the named reader’s included, on both buckets', () => {
    expect(exports.s3Allows(CLINIC_ADMIN, 's3:GetObject', [], true)).toBe(true);
    expect(exports.s3Allows(CLINIC_ADMIN, 's3:GetObject', [], false)).toBe(false);
    for (const bucketId of [exports.bucketId, exports.logBucketId]) {
      expect(exports.policyOf(bucketId)).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it(`expires an export after ${EXPORT_RETENTION_DAYS} days, with what versioning or an unfinished upload would leave`, () => {
    expect(bucket().VersioningConfiguration).toBeUndefined();
    expect(bucket().LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-exports',
        Status: 'Enabled',
        ExpirationInDays: EXPORT_RETENTION_DAYS,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    // No rule is narrowed to a prefix or tag: every object in the bucket expires.
    for (const rule of bucket().LifecycleConfiguration.Rules) {
      expect(rule.Prefix ?? rule.Filter ?? rule.TagFilters).toBeUndefined();
    }
  });

  it('logs every request to the access-log bucket, which S3 may write for this bucket only', () => {
    expect(bucket().LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: exports.logBucketId },
      LogFilePrefix: EXPORT_ACCESS_LOG_PREFIX,
    });
    const delivery = exports.policyOf(exports.logBucketId).filter((statement) => statement.Effect === 'Allow');
    expect(delivery).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [exports.logBucketId, 'Arn'] }, `/${EXPORT_ACCESS_LOG_PREFIX}*`]],
        },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [exports.bucketId, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': ENVIRONMENT.account },
        },
      },
    ]);
  });

  it(`keeps access logs ${ACCESS_LOG_RETENTION_DAYS} days, under SSE-S3 (what S3 supports for log delivery)`, () => {
    expect(logBucket().BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(logBucket().LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-access-logs',
        Status: 'Enabled',
        ExpirationInDays: ACCESS_LOG_RETENTION_DAYS,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    expect(logBucket().LoggingConfiguration).toBeUndefined();
    // The acknowledgements quote the figures: they must stay true of the code.
    expect(REASONS.accessLogBucketEncryption).toContain(`${ACCESS_LOG_RETENTION_DAYS} days`);
    expect(REASONS.exportsNotVersioned).toContain(`${EXPORT_RETENTION_DAYS} days`);
  });

  it('keeps both buckets and their policies when the stack is deleted', () => {
    const buckets = [exports.bucketId, exports.logBucketId];
    const policies = Object.entries(synthesized.resources)
      .filter(([, r]) => r.Type === 'AWS::S3::BucketPolicy' && buckets.includes(r.Properties!.Bucket.Ref))
      .map(([logicalId]) => logicalId);
    expect(policies).toHaveLength(2);
    const template = synthesized.template.toJSON().Resources as Record<string, Json>;
    for (const logicalId of [...buckets, ...policies]) {
      expect(template[logicalId], logicalId).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('names the bucket in the stack outputs', () => {
    synthesized.template.hasOutput('ExportBucketName', { Value: { Ref: exports.bucketId } });
  });

  it('is left clean by the compliance packs with readers named (each acknowledgement in docs/SECURITY.md)', () => {
    const checked = synthWithCompliancePacks({ exportReaders: [CLINIC_ADMIN, AUDITOR] });
    expect(checked.findings).toEqual([]);
    expect(checked.annotations).toEqual([]);
  });
});

describe('who may read and write an export', () => {
  it('lets a named reader read an export over TLS, decrypting through S3 only, with no IAM policy of its own', () => {
    const { s3Allows, kmsAllows } = exportsOfStack({ exportReaders: [CLINIC_ADMIN] });
    expect(s3Allows(CLINIC_ADMIN, 's3:GetObject')).toBe(true);
    expect(kmsAllows(CLINIC_ADMIN, 'kms:Decrypt')).toBe(true);
    // The key itself, called directly, for anything else it protects (the table, the queues): no.
    expect(kmsAllows(CLINIC_ADMIN, 'kms:Decrypt', [], false)).toBe(false);
    // Reading is all: no writing, no listing beyond what S3 itself answers, no encrypting.
    expect(s3Allows(CLINIC_ADMIN, 's3:PutObject')).toBe(false);
    expect(s3Allows(CLINIC_ADMIN, 's3:DeleteObject')).toBe(false);
    expect(kmsAllows(CLINIC_ADMIN, 'kms:GenerateDataKey')).toBe(false);
  });

  it('lets a reader of another account read, as far as this account decides (its own IAM must allow too)', () => {
    const { s3Allows, kmsAllows } = exportsOfStack({ exportReaders: [AUDITOR] });
    expect(s3Allows(AUDITOR, 's3:GetObject')).toBe(true);
    expect(kmsAllows(AUDITOR, 'kms:Decrypt')).toBe(true);
  });

  it('denies every other principal of the account, even one whose own IAM allows s3:* and kms:*', () => {
    const { s3Allows, kmsAllows } = exportsOfStack({ exportReaders: [CLINIC_ADMIN] });
    // Its IAM policy gets it the key (the key policy lets IAM decide), but S3 refuses the object.
    expect(kmsAllows(ADMIN, 'kms:Decrypt', EVERYTHING)).toBe(true);
    for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']) {
      expect(s3Allows(ADMIN, action, EVERYTHING), action).toBe(false);
    }
    // A reader's name on another path, or a user of the same name, is another principal.
    expect(s3Allows('arn:aws:iam::111122223333:role/other/clinic-admin', 's3:GetObject', EVERYTHING)).toBe(false);
    expect(s3Allows('arn:aws:iam::111122223333:user/clinic-admin', 's3:GetObject', EVERYTHING)).toBe(false);
  });

  it('lets nobody read an export when no reader is named', () => {
    const { s3Allows, policyOf, bucketId } = exportsOfStack();
    expect(s3Allows(CLINIC_ADMIN, 's3:GetObject', EVERYTHING)).toBe(false);
    expect(s3Allows(ADMIN, 's3:GetObject', EVERYTHING)).toBe(false);
    expect(policyOf(bucketId).filter((statement) => statement.Effect === 'Allow')).toEqual([]);
  });

  it('lets a role granted write put an export and have S3 encrypt it, and nothing more', () => {
    const stack = new Stack(new App(), ENVIRONMENT.stackName, {
      env: { region: ENVIRONMENT.region, account: ENVIRONMENT.account },
    });
    const key = new kms.Key(stack, 'DataKey');
    const storage = new ExportStorage(stack, 'Exports', { key, readers: [CLINIC_ADMIN] });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const bystander = new iam.Role(stack, 'Bystander', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    storage.grantWrite(writer);
    storage.allowOnlyGrantedWriters();
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const view = exportsOf(resources, {
      bucketId: logicalIdOf(stack, storage.bucket),
      logBucketId: logicalIdOf(stack, storage.accessLogBucket),
      keyId: logicalIdOf(stack, key),
    });
    const roleOf = (role: iam.Role) => view.roles.find(({ roleId }) => roleId === logicalIdOf(stack, role))!;
    const w = roleOf(writer);
    expect(view.s3Allows(w.arn, 's3:PutObject', w.identity)).toBe(true);
    expect(view.kmsAllows(w.arn, 'kms:GenerateDataKey', w.identity)).toBe(true);
    // Not the key outside S3, not reading back what it wrote.
    expect(view.kmsAllows(w.arn, 'kms:GenerateDataKey', w.identity, false)).toBe(false);
    expect(view.s3Allows(w.arn, 's3:GetObject', w.identity)).toBe(false);
    expect(view.kmsAllows(w.arn, 'kms:Decrypt', w.identity)).toBe(false);
    // A role given s3:PutObject on everything by its own IAM is still refused the bucket.
    const b = roleOf(bystander);
    expect(view.s3Allows(b.arn, 's3:PutObject', [...b.identity, ...EVERYTHING])).toBe(false);
  });

  it('refuses to synthesize a bucket anyone may write, and a writer granted too late', () => {
    const stack = new Stack(new App(), 'Unsealed', { env: { region: ENVIRONMENT.region } });
    const storage = new ExportStorage(stack, 'Exports', { key: new kms.Key(stack, 'DataKey'), readers: [] });
    expect(() => Template.fromStack(stack)).toThrow(/call allowOnlyGrantedWriters\(\)/);
    storage.allowOnlyGrantedWriters();
    const late = new iam.Role(stack, 'Late', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => storage.grantWrite(late)).toThrow(/after allowOnlyGrantedWriters/);
    expect(() => storage.allowOnlyGrantedWriters()).toThrow(/called already/);
  });
});

describe('the export function, the one that wires the exports port', () => {
  let synthesized: ReturnType<typeof synth>;
  let exports: ReturnType<typeof exportsOf>;
  let writer: { roleId: string; arn: string; identity: Statement[] };
  beforeAll(() => {
    synthesized = synth({ exportReaders: [CLINIC_ADMIN] });
    exports = exportsOf(synthesized.resources, idsOf(synthesized.stack));
    const fn =
      synthesized.resources[logicalIdOf(synthesized.stack, synthesized.stack.functions.get(EXPORT_FUNCTION)!)]!;
    const roleId = (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    writer = exports.roles.find((role) => role.roleId === roleId)!;
  });
  it("is told the bucket and the stack's key to put with, and the functions that do not wire it are not", () => {
    const variablesOf = (name: string) =>
      synthesized.resources[logicalIdOf(synthesized.stack, synthesized.stack.functions.get(name)!)]!.Properties!
        .Environment.Variables as Json;
    expect(careLoopFunctions.filter(({ ports }) => ports.includes('exports')).map(({ name }) => name)).toEqual([
      EXPORT_FUNCTION,
    ]);
    expect(variablesOf(EXPORT_FUNCTION)).toMatchObject({
      [ENV.exportBucketName]: { Ref: exports.bucketId },
      [ENV.exportKeyArn]: { 'Fn::GetAtt': [exports.keyId, 'Arn'] },
    });
    for (const { name } of careLoopFunctions.filter(({ name }) => name !== EXPORT_FUNCTION)) {
      expect(variablesOf(name), name).not.toHaveProperty(ENV.exportBucketName);
      expect(variablesOf(name), name).not.toHaveProperty(ENV.exportKeyArn);
    }
  });

  it("may put an export, S3 encrypting it with the stack's key, and may not read one", () => {
    expect(exports.s3Allows(writer.arn, 's3:PutObject', writer.identity)).toBe(true);
    expect(exports.kmsAllows(writer.arn, 'kms:GenerateDataKey', writer.identity)).toBe(true);
    expect(exports.s3Allows(writer.arn, 's3:GetObject', writer.identity)).toBe(false);
    expect(exports.s3Allows(writer.arn, 's3:GetObject', [...writer.identity, ...EVERYTHING])).toBe(false);
    expect(writer.identity).toEqual(
      expect.arrayContaining([
        {
          Sid: 'WriteExports',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [exports.bucketId, 'Arn'] }, '/*']] },
        },
        {
          Sid: 'EncryptExportsThroughS3',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: { 'Fn::GetAtt': [exports.keyId, 'Arn'] },
          Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
        },
      ]),
    );
  });

  it('is the only role that may write: the bucket policy names it, and no other role of the stack gets in', () => {
    const denyWrites = exports
      .policyOf(exports.bucketId)
      .find((statement) => statement.Sid === 'OnlyExportWritersWrite');
    expect(denyWrites?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [writer.roleId, 'Arn'] }] },
    });
    const others = exports.roles.filter(({ roleId }) => roleId !== writer.roleId);
    expect(
      others.filter(({ arn, identity }) => exports.s3Allows(arn, 's3:PutObject', identity)).map(({ roleId }) => roleId),
    ).toEqual([]);
    expect(exports.s3Allows(ADMIN, 's3:PutObject', EVERYTHING)).toBe(false);
  });

  it('leaves reading to the exportReaders: no role of the stack, the writer included, may get an export', () => {
    expect(exports.roles.length).toBeGreaterThan(10);
    const reading = exports.roles.filter(({ arn, identity }) =>
      ['s3:GetObject', 's3:GetObjectVersion'].some((action) => exports.s3Allows(arn, action, identity)),
    );
    expect(reading.map(({ roleId }) => roleId)).toEqual([]);
    expect(exports.s3Allows(CLINIC_ADMIN, 's3:GetObject')).toBe(true);
  });

  it("leaves the compliance packs clean, its one wildcard (the bucket's objects) acknowledged", () => {
    const checked = synthWithCompliancePacks({ exportReaders: [CLINIC_ADMIN] });
    expect(checked.findings).toEqual([]);
    expect(checked.annotations).toEqual([]);
    expect(
      acknowledgementsOf(checked.stack)
        .filter((ack) => ack.reason === REASONS.exportObjects)
        .map((ack) => [ack.path, ack.id]),
    ).toEqual([
      [
        'PatientDataExportRequested/PatientDataExportRequestedRole',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ExportBucket\w+\.Arn>\/\*\]$/),
      ],
    ]);
  });
});
