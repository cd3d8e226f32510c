import { describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../../functions/catalog';
import { scenarios } from '../../../scripts/bench/scenarios';

describe('the benchmark scenarios', () => {
  it('cover every function of the catalog, once: a full run measures them all', () => {
    const names = scenarios.map((scenario) => scenario.functionName);
    expect([...names].sort()).toEqual(careLoopFunctions.map((route) => route.name).sort());
  });

  it('give each token its own clinic profile, so that every update is a new one', () => {
    const scenario = scenarios.find((candidate) => candidate.functionName === 'clinic-profile-updated')!;
    const context = { now: new Date('2027-01-01T00:00:00Z'), unsubscribeKey: 'k' };
    const clinicOf = (token: string) =>
      (scenario.event(token, context) as { detail: { clinicId: string } }).detail.clinicId;
    expect(clinicOf('f0000001')).not.toBe(clinicOf('f0000002'));
    expect(clinicOf('rec00001')).toMatch(/^[a-z0-9-]{1,64}$/);
  });
});
