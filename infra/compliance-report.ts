import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { format, type Options } from 'prettier';
import { CareLoopStack, PROJECT_ROOT, type CareLoopStackProps } from './careloop-stack';
import { applyCompliancePacks } from './nag';
import { resolveSettings } from './settings';

/**
 * Synthesizes the CareLoop stack with the compliance packs, as `cdk synth` does, and returns
 * what the packs found. Used by the compliance test and `npm run security:report`.
 *
 * Differences from `cdk synth`, none of which changes what the packs see: esbuild bundling is
 * skipped (the template is the same but for asset hashes), aws-cdk-lib's own CloudFormation
 * validation is off, and findings are only written to the report (never printed, never
 * thrown), so the caller decides what to do with them.
 */

/** One finding the packs reported and nobody acknowledged. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly severity: string;
  /** Construct path, e.g. `CareLoop-dev/BookingCreatedRole/DefaultPolicy/Resource`. */
  readonly path: string;
}

/** One `Validations.of(construct).acknowledge()` in the construct tree. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
  /** Path of the construct it was recorded on, relative to the stack (`BookingCreatedRole`). */
  readonly path: string;
}

export interface ComplianceSynth {
  readonly stack: CareLoopStack;
  /** The synthesized CloudFormation template. */
  readonly template: Record<string, unknown>;
  /** Unacknowledged findings; a pack with none does not appear in the report at all. */
  readonly findings: readonly Finding[];
  /** Errors and warnings aws-cdk-lib attached to constructs (`Annotations`), as `path: message`. */
  readonly annotations: readonly string[];
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations?: { ruleName: string; severity?: string; violatingConstructs?: { constructPath?: string }[] }[];
  }[];
}

/**
 * @param context deploy settings, as `-c key=value` would give them
 * @param extend called with the stack before synth (tests add a non-compliant resource with it)
 * @param functions the functions to deploy and where their handlers are, when a test adds its own
 */
export function synthWithCompliancePacks(
  context: Record<string, unknown> = {},
  extend?: (stack: CareLoopStack) => void,
  functions: Pick<CareLoopStackProps, 'functions' | 'projectRoot'> = {},
): ComplianceSynth {
  const outdir = mkdtempSync(join(tmpdir(), 'careloop-compliance-'));
  try {
    const app = new App({
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
      builtinCloudFormationValidation: false,
    });
    applyCompliancePacks(app);
    const settings = resolveSettings((key) => context[key], {});
    const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, {
      settings,
      env: { region: settings.region },
      ...functions,
    });
    extend?.(stack);
    const assembly = app.synth();

    const report = JSON.parse(
      readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      (plugin.violations ?? []).flatMap((violation) =>
        (violation.violatingConstructs ?? [{}]).map((construct) => ({
          pack: plugin.pluginName,
          rule: violation.ruleName,
          severity: violation.severity ?? 'error',
          path: construct.constructPath ?? '(unknown)',
        })),
      ),
    );
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const annotations = artifact.messages
      .filter((message) => message.level !== 'info')
      .map((message) => `${message.level} at ${message.id}: ${String(message.entry.data)}`);
    return { stack, template: artifact.template as Record<string, unknown>, findings, annotations };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every acknowledgement recorded under `root`, in construct-tree order. */
export function acknowledgementsOf(root: IConstruct): Acknowledgement[] {
  const stackPath = Stack.of(root).node.path;
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([qualifiedId, reason]) => ({
        // aws-cdk-lib stores ids without a known plugin prefix as `Annotation::<id>`.
        id: qualifiedId.replace(/^annotation::/i, ''),
        reason,
        path: construct.node.path.slice(stackPath.length + 1) || '(stack)',
      })),
  );
}

/** A table cell of code: GFM reads `\|` as a pipe even inside backticks. */
const codeCell = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;
/** A table cell of text: `|` would end the cell, `<` open an HTML tag, `*` and `_` emphasis. */
const textCell = (text: string) => text.replace(/[|<*_]/g, (c) => `\\${c}`);

/**
 * The acknowledgements as a Markdown table, one row per rule id and reason, listing every
 * construct it was recorded on (the rule then covers that construct and its children).
 */
export function acknowledgementTable(acknowledgements: readonly Acknowledgement[]): string {
  const rows = new Map<string, { id: string; reason: string; paths: string[] }>();
  for (const ack of acknowledgements) {
    const key = `${ack.id}\u0000${ack.reason}`;
    const row = rows.get(key) ?? { id: ack.id, reason: ack.reason, paths: [] };
    row.paths.push(ack.path);
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.id.localeCompare(b.id) || a.reason.localeCompare(b.reason));
  return [
    '| Rule (granular id) | Acknowledged on | Reason |',
    '| --- | --- | --- |',
    ...sorted.map((row) => `| ${codeCell(row.id)} | ${row.paths.map(codeCell).join(', ')} | ${textCell(row.reason)} |`),
  ].join('\n');
}

export const SECURITY_DOC = join(PROJECT_ROOT, 'docs', 'SECURITY.md');
export const TABLE_START = '<!-- acknowledgements:start: generated by `npm run security:report -- --write` -->';
export const TABLE_END = '<!-- acknowledgements:end -->';

/** `doc` with the acknowledgement table between the markers replaced by `table`, formatted as Prettier would. */
export async function withAcknowledgementTable(doc: string, table: string): Promise<string> {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/SECURITY.md has no "${TABLE_START}" ... "${TABLE_END}" block`);
  const updated = `${doc.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${doc.slice(end)}`;
  const options = JSON.parse(readFileSync(join(PROJECT_ROOT, '.prettierrc.json'), 'utf8')) as Options;
  return format(updated, { ...options, parser: 'markdown' });
}
