import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ClinicProfileUpdated } from '../events/schemas';
import { ClinicsFileError, readClinicsFile } from '../infra/clinics-file';
import { createPublisher, type Publisher, type PublishResult } from '../shared/adapters/event-publisher';
import { runIfMain } from './operations/command';

/**
 * `npm run clinic -- --file profile.json [--local]`: publishes clinic profiles
 * (`ClinicProfileUpdated`) from a file, the entries the deploy-time seed reads
 * (infra/clinics-file.ts), checked by the same module first. For a profile that changes
 * between deployments, or to try one on the local stack. Prints the clinic, its name and the
 * eventId of each: never the rest of the profile.
 */

const USAGE = `usage:
  npm run clinic -- --file <profile.json> [--local [url]] [--bus <name>]

  --file <path>   one clinic profile, or a JSON array of them, each
                  {"clinicId", "occurredAt", "profile"} with an optional "eventId"
                  (docs/clinics.example.json; docs/DEPLOY.md, "Clinic profiles at deploy time")
  --local [url]   publish to the local stack of \`npm start\`
                  (default http://$CARELOOP_HOST:$CARELOOP_EVENTS_PORT, else http://127.0.0.1:4010)
  --bus <name>    the event bus (default $CARELOOP_BUS_NAME, else clinic-events)

Without --local it publishes to AWS with the default credential chain (AWS_PROFILE, AWS_REGION,
...), as a role that may send clinic.admin. A profile older (by occurredAt) than the one the
clinic has is not stored; publishing the same entry twice is harmless (the same eventId).`;

export interface ClinicArgs {
  file?: string;
  local?: string;
  bus: string;
  help: boolean;
}

export function parseClinicArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ClinicArgs {
  const args: ClinicArgs = { bus: env.CARELOOP_BUS_NAME || 'clinic-events', help: false };
  const value = (index: number, flag: string) => {
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
    return next;
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    switch (arg) {
      case '--file':
        args.file = value(index, arg);
        index++;
        break;
      case '--local': {
        const next = argv[index + 1];
        if (next !== undefined && !next.startsWith('--')) {
          args.local = next.replace(/\/+$/, '');
          index++;
        } else {
          args.local = `http://${env.CARELOOP_HOST || '127.0.0.1'}:${env.CARELOOP_EVENTS_PORT || 4010}`;
        }
        break;
      }
      case '--bus':
        args.bus = value(index, arg);
        index++;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return args;
}

/** A client for the local stack, which accepts any credentials and region; real ones in the environment win. */
export function localEventBridgeClient(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({
    endpoint,
    region: process.env.AWS_REGION || 'eu-central-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'local',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'local',
    },
  });
}

/** Publishes the profiles through the typed publisher: one result per profile, in order. */
export function publishClinicProfiles(
  publisher: Publisher,
  profiles: readonly ClinicProfileUpdated[],
): Promise<PublishResult[]> {
  return publisher.publish(profiles.map((detail) => ({ detailType: 'ClinicProfileUpdated' as const, detail })));
}

/** One line per profile: the clinic, its name, the eventId and the outcome. Nothing else of the profile. */
export function describeOutcome(profile: ClinicProfileUpdated, result: PublishResult): string {
  const clinic = `clinic ${profile.clinicId} (${JSON.stringify(profile.profile.name)}), eventId ${profile.eventId}`;
  switch (result.status) {
    case 'published':
      return `published ${clinic} → EventBridge id ${result.eventBridgeId}`;
    case 'invalid':
      return `NOT published ${clinic}: ${result.problems.join('; ')}`;
    case 'failed':
      return `NOT published ${clinic}: ${result.errorCode}: ${result.errorMessage}`;
  }
}

export interface ClinicIo {
  print: (line: string) => void;
  error: (line: string) => void;
  /** Replaces the EventBridge client the arguments call for (tests). */
  client?: EventBridgeClient;
  fetch?: typeof fetch;
}

/** Resolves false when a profile was refused or not published: the command then exits 1. */
export async function runClinic(
  args: ClinicArgs,
  io: ClinicIo = { print: console.log, error: console.error },
): Promise<boolean> {
  if (!args.file) throw new Error('say which file to publish: --file <profile.json>');
  let profiles: ClinicProfileUpdated[];
  try {
    profiles = readClinicsFile(args.file, { allowSingleEntry: true });
  } catch (error) {
    if (!(error instanceof ClinicsFileError)) throw error;
    io.error(`Nothing was published: ${args.file} has ${error.problems.length} problem(s):`);
    for (const problem of error.problems) io.error(`  ${problem}`);
    return false;
  }

  if (args.local !== undefined) {
    const health = await (io.fetch ?? fetch)(`${args.local}/_local/health`).catch(() => undefined);
    if (health?.status !== 200) {
      io.error(`No local stack answers at ${args.local}. Start it first with \`npm start\` in another shell.`);
      return false;
    }
  }
  const client =
    io.client ?? (args.local !== undefined ? localEventBridgeClient(args.local) : new EventBridgeClient({}));
  try {
    const where =
      args.local !== undefined ? `the local stack at ${args.local}` : `AWS (${await client.config.region()})`;
    io.print(`Publishing ${profiles.length} clinic profile(s) to bus ${args.bus} in ${where}:`);
    const results = await publishClinicProfiles(createPublisher({ client, eventBusName: args.bus }), profiles);
    let ok = true;
    results.forEach((result, index) => {
      const line = `  ${describeOutcome(profiles[index]!, result)}`;
      if (result.status === 'published') io.print(line);
      else {
        ok = false;
        io.error(line);
      }
    });
    return ok;
  } finally {
    if (!io.client) client.destroy();
  }
}

runIfMain(import.meta.url, {
  usage: USAGE,
  parse: parseClinicArgs,
  ready: (args) => args.file !== undefined,
  run: (args) => runClinic(args),
});
