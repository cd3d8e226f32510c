/**
 * Prints the compliance picture of the CareLoop stack: the packs, any finding nobody
 * acknowledged, and the table of acknowledgements (rule id, construct, reason) that
 * docs/SECURITY.md carries.
 *
 *   npm run security:report              print
 *   npm run security:report -- --write   also rewrite the table in docs/SECURITY.md
 *
 * Exits 1 when a finding is unacknowledged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  acknowledgementsOf,
  acknowledgementTable,
  SECURITY_DOC,
  synthWithCompliancePacks,
  withAcknowledgementTable,
} from '../infra/compliance-report';
import { COMPLIANCE_PACKS } from '../infra/nag';

const { stack, findings, annotations } = synthWithCompliancePacks();
const table = acknowledgementTable(acknowledgementsOf(stack));

console.log(`Packs: ${COMPLIANCE_PACKS.join(', ')}`);
console.log(`Unacknowledged findings: ${findings.length}`);
for (const finding of findings) console.log(`  ${finding.severity} ${finding.rule} at ${finding.path}`);
if (annotations.length > 0) console.log(`CDK annotations:\n${annotations.map((a) => `  ${a}`).join('\n')}`);
console.log(`\n${table}`);

if (process.argv.includes('--write')) {
  writeFileSync(SECURITY_DOC, await withAcknowledgementTable(readFileSync(SECURITY_DOC, 'utf8'), table));
  console.log(`\nUpdated ${SECURITY_DOC}`);
}
if (findings.length > 0) process.exitCode = 1;
