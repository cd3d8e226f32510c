import { describe, expect, it } from 'vitest';
import { MAX_EXPORT_READERS } from '../../infra/export-readers';
import { resolveSettings, SettingsError } from '../../infra/settings';

/**
 * The patient data export's infrastructure (contract 1.1, PatientDataExportRequested): who may
 * read an export, as the deploying clinic names them.
 */

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
