import { describe, expect, it } from 'vitest';
import { parseOutboxArgs } from '../../../scripts/outbox';

describe('npm run outbox arguments', () => {
  it('reads what to do, the table, the stage and the bounds', () => {
    expect(
      parseOutboxArgs(['--republish', '--table', 'careloop-prod-table', '--stage', 'prod', '--max', '50']),
    ).toEqual({
      republish: true,
      table: 'careloop-prod-table',
      stage: 'prod',
      dryRun: false,
      max: 50,
      help: false,
    });
    expect(parseOutboxArgs(['--dry-run', '--republish', '--table', 't'])).toMatchObject({ dryRun: true, stage: 'dev' });
  });

  it('refuses what it does not know, a flag without its value, and a bound that is not a count', () => {
    expect(() => parseOutboxArgs(['--republish', '--everything'])).toThrow('unknown argument --everything');
    expect(() => parseOutboxArgs(['--table'])).toThrow('--table needs a value');
    expect(() => parseOutboxArgs(['--table', '--republish'])).toThrow('--table needs a value');
    expect(() => parseOutboxArgs(['--max', '0'])).toThrow('--max must be a whole number above 0');
  });
});
