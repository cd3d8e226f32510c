import { describe, expect, it } from 'vitest';
import { referenceSource } from '../../../scripts/bench/bundles';
import type { SdkCall } from '../../../scripts/bench/sdk-probe';

const recorded: SdkCall[] = [
  {
    client: 'DynamoDBClient',
    command: 'GetItemCommand',
    input: { TableName: 't', Key: { pk: { S: 'C#c#B#bk-rec00001' } } },
    startedAt: 0,
    endedAt: 1,
  },
  {
    client: 'SESv2Client',
    command: 'SendEmailCommand',
    input: { Content: { Simple: { Attachments: [{ RawContent: new Uint8Array([104, 105]) }] } } },
    startedAt: 1,
    endedAt: 2,
  },
];

describe('the bare reference handler', () => {
  const source = referenceSource(recorded, { recordedToken: 'rec00001', groupVariable: 'SCHEDULE_GROUP_NAME' });

  it('imports only the clients and commands the function was recorded using', () => {
    expect(source).toContain("import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';");
    expect(source).toContain("import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';");
    expect(source).not.toMatch(/client-scheduler|client-sqs|zod|powertools|middy/);
  });

  it('replays the recorded inputs with its own ids, bytes intact', () => {
    expect(source).toContain('bk-rec00001');
    expect(source).toContain('replaceAll("rec00001", process.env.BENCH_TOKEN)');
    expect(source).toContain(Buffer.from('hi').toString('base64'));
  });

  it('swaps the ids derived from the token as hashes for the replay’s own, in the order given', () => {
    const withDerived = referenceSource(recorded, {
      recordedToken: 'rec00001',
      groupVariable: 'SCHEDULE_GROUP_NAME',
      recordedDerivedIds: ['email-bounced-0123abcd'],
    });
    expect(withDerived).toContain('const recordedDerivedIds = ["email-bounced-0123abcd"];');
    expect(withDerived).toContain("JSON.parse(process.env.BENCH_DERIVED_IDS ?? '[]')");
    expect(withDerived).toContain('text.replaceAll(id, derivedIds[index])');
    expect(source).toContain('const recordedDerivedIds = [];');
  });

  it('refuses a client it has no package for, rather than measuring something else', () => {
    expect(() =>
      referenceSource([{ ...recorded[0]!, client: 'KinesisClient' }], { recordedToken: 'x', groupVariable: 'G' }),
    ).toThrow(/KinesisClient/);
  });

  it('addresses S3 as the function does, from the variable its adapter reads', () => {
    const withS3 = referenceSource([{ ...recorded[0]!, client: 'S3Client', command: 'PutObjectCommand' }], {
      recordedToken: 'x',
      groupVariable: 'G',
    });
    expect(withS3).toContain("import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';");
    expect(withS3).toContain("new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' })");
  });
});
