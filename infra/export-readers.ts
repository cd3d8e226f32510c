/**
 * Who may read patient data exports: the `exportReaders` deploy setting. Each entry is the ARN of
 * one IAM role or user (the clinic admin app's role, say); the export bucket's policy lets exactly
 * those read an export and denies every other principal, and the key policy lets them decrypt
 * through S3 only (infra/constructs/exports.ts).
 *
 * Narrower than `publishers` on purpose: an export is everything CareLoop holds about a patient,
 * so a reader is one role or user, never an account (which would stand for every principal its
 * IAM allows), a wildcard, a group (which cannot be a principal) or a role's session.
 */

/** Readers beyond this would crowd the key policy, whose size AWS caps; a clinic needs a handful. */
export const MAX_EXPORT_READERS = 20;

// IAM names and paths: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const ROLE_OR_USER_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const READER_RULE =
  'must be an IAM role or user ARN (arn:aws:iam::111122223333:role/clinic-admin); ' +
  'not an account, a root ARN, a wildcard, a group or an assumed-role session';

const LIST_RULE = 'must be a JSON array of IAM role or user ARNs, e.g. ["arn:aws:iam::111122223333:role/clinic-admin"]';

const show = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/**
 * Validates the `exportReaders` context value: a JSON array (cdk.json) or its JSON text
 * (`-c exportReaders='[...]'`). Returns the readers and, separately, every problem found, each
 * naming the entry (`[1]: ...`), so the caller reports them under the context key. Nothing given,
 * or an empty list, means nobody may read an export.
 */
export function parseExportReaders(value: unknown): { readers: string[]; problems: string[] } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { readers: [], problems: [] };
  }
  let items: unknown = value;
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      return { readers: [], problems: [`${LIST_RULE}, got text that is not JSON: ${show(value)}`] };
    }
  }
  if (!Array.isArray(items)) return { readers: [], problems: [`${LIST_RULE}, got ${show(value)}`] };

  const problems: string[] = [];
  if (items.length > MAX_EXPORT_READERS) {
    problems.push(`lists ${items.length} readers; at most ${MAX_EXPORT_READERS} (give the readers one role instead)`);
  }
  const readers: string[] = [];
  const seen = new Map<string, number>();
  items.forEach((item: unknown, index) => {
    const reader = typeof item === 'string' ? item.trim() : undefined;
    if (reader === undefined || !ROLE_OR_USER_ARN.test(reader)) {
      problems.push(`[${index}]: ${READER_RULE}, got ${show(item)}`);
      return;
    }
    const first = seen.get(reader);
    if (first !== undefined) {
      problems.push(`[${index}]: the same reader as [${first}]`);
      return;
    }
    seen.set(reader, index);
    readers.push(reader);
  });
  return { readers: problems.length > 0 ? [] : readers, problems };
}
