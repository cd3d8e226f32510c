import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `npm run bench` was asked to do (see run.ts), read from its arguments. */

export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export interface BenchOptions {
  quick: boolean;
  /** Bundles, recordings and (with --quick) figures.json: .bench/ unless --work-dir says otherwise. */
  workDirectory: string;
  only?: string[];
  coldTrials: number;
  warmInvocations: number;
  burstBookings: number;
  /** A burst run before the big one, as a front end's busy minute: none when 0. */
  smallBurstBookings: number;
  lifecycles: number;
  /** Writes a V8 CPU profile of every cold trial (function and reference) under the work directory. */
  cpuProfiles: boolean;
}

export function parseArguments(argv: string[]): BenchOptions {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const count = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new Error(`--${name} must be a whole number above 0, got ${raw}`);
    return parsed;
  };
  const quick = argv.includes('--quick');
  return {
    quick,
    workDirectory: resolve(value('work-dir') ?? join(projectRoot, '.bench')),
    only: value('only')?.split(','),
    coldTrials: count('cold-trials', quick ? 1 : 15),
    warmInvocations: count('warm', quick ? 20 : 1000),
    burstBookings: count('burst', quick ? 30 : 1000),
    smallBurstBookings: quick ? 0 : count('small-burst', 100),
    lifecycles: count('lifecycles', quick ? 3 : 50),
    cpuProfiles: argv.includes('--cpu-prof'),
  };
}
