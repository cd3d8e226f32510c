import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgementsOf,
  acknowledgementTable,
  SECURITY_DOC,
  synthWithCompliancePacks,
  withAcknowledgementTable,
  type ComplianceSynth,
} from '../../infra/compliance-report';
import { PROJECT_ROOT } from '../../infra/careloop-stack';
import { COMPLIANCE_PACKS } from '../../infra/nag';

/**
 * The AwsSolutions, HIPAA Security and Serverless packs (cdk-nag 3) run over the stack as
 * `cdk synth` runs them (infra/nag.ts applyCompliancePacks). Every finding must be fixed or
 * acknowledged with a reason; a new resource or grant that trips a rule fails here.
 */

const describeFinding = (f: { severity: string; rule: string; path: string }) => `${f.severity} ${f.rule} at ${f.path}`;

/**
 * Which acknowledgements a finding actually needed, as `path|id`. cdk-nag asks its (private)
 * isAcknowledged only for a non-compliant resource, so recording the hits shows which
 * acknowledgements still silence a real finding.
 */
const usedAcknowledgements = new Set<string>();
type IsAcknowledged = (resource: IConstruct, ruleId: string) => boolean;
const nagPrototype = NagPack.prototype as unknown as { isAcknowledged: IsAcknowledged };
const originalIsAcknowledged = nagPrototype.isAcknowledged;

function recordingIsAcknowledged(this: unknown, resource: IConstruct, ruleId: string): boolean {
  const acknowledged = originalIsAcknowledged.call(this, resource, ruleId);
  if (acknowledged) {
    for (let scope: IConstruct | undefined = resource; scope; scope = scope.node.scope) {
      const ids = scope.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data)
        .flatMap((entry) => Object.keys(entry.data as object).map((key) => key.replace(/^annotation::/i, '')));
      if (ids.includes(ruleId)) {
        const stackPath = Stack.of(resource).node.path;
        usedAcknowledgements.add(`${scope.node.path.slice(stackPath.length + 1)}|${ruleId}`);
        break;
      }
    }
  }
  return acknowledged;
}

describe('compliance packs (AwsSolutions, HIPAA.Security, Serverless)', () => {
  let synth: ComplianceSynth;
  beforeAll(() => {
    nagPrototype.isAcknowledged = recordingIsAcknowledged;
    synth = synthWithCompliancePacks();
  });
  afterAll(() => {
    nagPrototype.isAcknowledged = originalIsAcknowledged;
  });

  it('leaves no error or warning unacknowledged in the stack with default settings', () => {
    expect(synth.findings.map(describeFinding)).toEqual([]);
  });

  it('leaves no CDK error or warning annotation on any construct', () => {
    expect(synth.annotations).toEqual([]);
  });

  it('leaves nothing unacknowledged with custom settings (verified domain, two reminders, prod stage)', () => {
    const custom = synthWithCompliancePacks({
      stage: 'prod',
      busName: 'clinic-events-prod',
      senderDomain: 'mail.example.org',
      senderAddress: 'care@mail.example.org',
      reminderOffsetsHours: '24,2',
    });
    expect(custom.findings.map(describeFinding)).toEqual([]);
    expect(custom.annotations).toEqual([]);
  });

  it('acknowledges pass-through tracing (the default) on each function, and needs nothing with tracing=active', () => {
    const tracingAcknowledgements = (stack: IConstruct) =>
      acknowledgementsOf(stack).filter((ack) => ack.id === 'Serverless-LambdaTracing');
    expect(tracingAcknowledgements(synth.stack)).toHaveLength(synth.stack.functions.size);
    const active = synthWithCompliancePacks({ tracing: 'active' });
    expect(active.findings.map(describeFinding)).toEqual([]);
    expect(active.annotations).toEqual([]);
    expect(tracingAcknowledgements(active.stack)).toEqual([]);
  });

  it('leaves nothing unacknowledged with a clinic seed, and each of its acknowledgements silences a finding', () => {
    const seeded = synthWithCompliancePacks({ clinicsFile: join(PROJECT_ROOT, 'docs', 'clinics.example.json') });
    expect(seeded.findings.map(describeFinding)).toEqual([]);
    expect(seeded.annotations).toEqual([]);
    const seed = seeded.stack.clinicSeed!;
    const acknowledgements = acknowledgementsOf(seed).map((ack) => `${ack.path}|${ack.id}`);
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(acknowledgements.filter((ack) => !usedAcknowledgements.has(ack))).toEqual([]);
  });

  it('acknowledges only findings that exist: each acknowledgement silences at least one', () => {
    const acknowledgements = acknowledgementsOf(synth.stack).map((ack) => `${ack.path}|${ack.id}`);
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(acknowledgements.filter((ack) => !usedAcknowledgements.has(ack))).toEqual([]);
  });

  it('gives every acknowledgement a reason of its own', () => {
    for (const ack of acknowledgementsOf(synth.stack)) {
      expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThan(60);
    }
  });

  it('reports a new finding from each pack: a function added with CDK defaults', () => {
    const withFunction = synthWithCompliancePacks({}, (stack) => {
      new lambda.Function(stack, 'UnreviewedFunction', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('export const handler = async () => {};'),
      });
    });
    expect(withFunction.findings.length).toBeGreaterThan(0);
    expect(withFunction.findings.filter((f) => !f.path.includes('/UnreviewedFunction/'))).toEqual([]);
    expect(new Set(withFunction.findings.map((f) => f.pack))).toEqual(new Set(COMPLIANCE_PACKS));
    expect(withFunction.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['HIPAA.Security-LambdaDLQ', 'Serverless-LambdaTracing']),
    );
  });

  // cdk-nag's DynamoDB rules inspect AWS::DynamoDB::Table only; TableV2 synthesizes a GlobalTable.
  it('backs the table up where the packs cannot see it: PITR on, and a daily AWS Backup into a CMK vault', () => {
    const template = Template.fromJSON(synth.template);
    const [tableId, table] = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] },
    });
  });

  it('docs/SECURITY.md lists every acknowledgement exactly as the code makes it', async () => {
    const doc = readFileSync(SECURITY_DOC, 'utf8');
    const table = acknowledgementTable(acknowledgementsOf(synth.stack));
    // On failure: npm run security:report -- --write
    expect(doc).toBe(await withAcknowledgementTable(doc, table));
  });
});
