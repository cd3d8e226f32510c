import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localHandlerEnvironment } from '../infra/local/stack';
import { systemClock } from '../shared/adapters/clock';
import { createJobScheduler, scheduleTargetsOf } from '../shared/adapters/job-scheduler';
import { createDynamoStore, keys } from '../shared/adapters/dynamo-store';
import { loadRuntimeConfig } from '../shared/config';
import type { BookingRecord } from '../shared/domain/model';
import type { Clock } from '../shared/domain/ports';
import { runIfMain } from './operations/command';
import { reconcileReminders, type ReminderDrift } from './operations/reconcile-reminders';
import { tableDefinition } from '../shared/table-definition';

/**
 * `npm run reconcile`: which active bookings' reminder schedules are missing or stale, and
 * with `--repair` the fix (create the missing, delete the stale) through the same
 * JobScheduler adapter and configuration the handlers use.
 *
 *   npm run reconcile [-- --repair]            configuration from the handlers' variables
 *                                              (TABLE_NAME, SCHEDULE_GROUP_NAME, …; see shared/config.ts)
 *   npm run reconcile -- --local [--repair]    against `npm start` (ports from CARELOOP_* variables)
 *
 * Prints booking ids and schedule names only.
 */

const USAGE = `usage:
  npm run reconcile -- [--repair] [--local]

  --repair  create the missing reminder schedules and delete the stale ones
  --local   against \`npm start\` (CARELOOP_HOST and CARELOOP_*_PORT as for npm start)

Without --local the configuration is the handlers' own environment (see shared/config.ts):
TABLE_NAME, SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, DUE_JOBS_QUEUE_ARN, ...
Copy it from a deployed booking function, e.g.
  aws lambda get-function-configuration --function-name <booking-created function> --query Environment.Variables`;

export interface ReconcileArgs {
  repair: boolean;
  local: boolean;
  help: boolean;
}

export function parseReconcileArgs(argv: readonly string[]): ReconcileArgs {
  const args: ReconcileArgs = { repair: false, local: false, help: false };
  for (const arg of argv) {
    if (arg === '--repair') args.repair = true;
    else if (arg === '--local') args.local = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return args;
}

/** The sort key of a booking item, as the store writes it. */
const BOOKING_SORT_KEY = keys.booking('', '').sk;

/**
 * Every active booking in the table: a paginated Scan filtered on sk = BOOKING and
 * status = active (the item's top-level status, written with the record by the store).
 */
export async function* scanActiveBookings(client: DynamoDBClient, tableName: string): AsyncGenerator<BookingRecord> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#sk = :booking AND #status = :active',
        ExpressionAttributeNames: { '#sk': tableDefinition.sortKey, '#status': 'status' },
        ExpressionAttributeValues: { ':booking': { S: BOOKING_SORT_KEY }, ':active': { S: 'active' } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk, data } = unmarshall(item) as { pk?: string; data?: BookingRecord };
      // Only items the store wrote for this booking: the key must be the one its ids give.
      if (!data || pk !== keys.booking(data.clinicId, data.bookingId).pk) continue;
      yield data;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** The local stack's clock (real time plus its advances), so reminders are judged as its handlers judge them. */
async function localClock(env: NodeJS.ProcessEnv): Promise<Clock> {
  const events = `http://${env.CARELOOP_HOST ?? '127.0.0.1'}:${env.CARELOOP_EVENTS_PORT ?? 4010}`;
  const response = await fetch(`${events}/_local/clock`).catch((error: unknown) => {
    throw new Error(`the local stack does not answer at ${events} (is \`npm start\` running?): ${String(error)}`);
  });
  if (!response.ok) throw new Error(`GET ${events}/_local/clock answered ${response.status}`);
  const { now } = (await response.json()) as { now: string };
  const offset = Date.parse(now) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export function formatDrift(drift: ReminderDrift, repaired: boolean): string {
  const parts = [
    drift.missing.length > 0 ? `missing ${drift.missing.join(', ')}` : undefined,
    drift.stale.length > 0 ? `stale ${drift.stale.join(', ')}` : undefined,
  ].filter(Boolean);
  return `  booking ${drift.bookingId} (clinic ${drift.clinicId}): ${parts.join('; ')}${repaired ? ' → repaired' : ''}`;
}

export interface ReconcileRun {
  scanned: number;
  drift: ReminderDrift[];
}

/**
 * Reads the configuration from the environment (the handlers' variables), scans the active
 * bookings and reconciles their reminders. `--local` first sets the local stack's handler
 * environment on this process, as `npm start` does for its handlers.
 */
export async function runReconcile(
  args: ReconcileArgs,
  io: { print: (line: string) => void; clock?: Clock } = { print: console.log },
): Promise<ReconcileRun> {
  const { print } = io;
  if (args.local) Object.assign(process.env, localHandlerEnvironment());
  const config = loadRuntimeConfig(process.env);
  const clock = io.clock ?? (args.local ? await localClock(process.env) : systemClock);
  const dynamo = new DynamoDBClient({});
  const schedulerClient = new SchedulerClient({});
  try {
    const scheduler = createJobScheduler(schedulerClient, scheduleTargetsOf(config));
    print(
      `Reminder schedules of active bookings in ${config.tableName} (schedule group ${config.scheduleGroupName}), ` +
        `offsets ${config.reminderOffsetsMinutes.join(',')} min, now ${clock.now().toISOString()}:`,
    );
    let scanned = 0;
    async function* counted() {
      for await (const booking of scanActiveBookings(dynamo, config.tableName)) {
        scanned++;
        yield booking;
      }
    }
    const drift = await reconcileReminders(
      {
        scheduler,
        clock,
        settings: { reminderOffsetsMinutes: config.reminderOffsetsMinutes, quietHours: config.quietHours },
        store: createDynamoStore(dynamo, config.tableName, { retention: config.retention }),
      },
      counted(),
      { repair: args.repair, onDrift: (found) => print(formatDrift(found, args.repair)) },
    );
    const missing = drift.reduce((sum, found) => sum + found.missing.length, 0);
    const stale = drift.reduce((sum, found) => sum + found.stale.length, 0);
    print(
      drift.length === 0
        ? `${scanned} active booking(s) scanned: every reminder schedule is in line.`
        : `${scanned} active booking(s) scanned: ${drift.length} out of line (${missing} missing, ${stale} stale schedule(s)); ` +
            (args.repair ? 'repaired.' : 'run again with --repair to fix them.'),
    );
    return { scanned, drift };
  } finally {
    dynamo.destroy();
    schedulerClient.destroy();
  }
}

runIfMain(import.meta.url, { usage: USAGE, parse: parseReconcileArgs, run: (args) => runReconcile(args) });
