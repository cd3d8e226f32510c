import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile, scanActiveBookings } from '../../scripts/reconcile';
import { createJobScheduler, scheduleTargetsOf } from '../../shared/adapters/job-scheduler';
import { createDynamoStore } from '../../shared/adapters/dynamo-store';
import { loadRuntimeConfig, type RuntimeConfig } from '../../shared/config';
import { desiredReminders, reminderPrefix } from '../../shared/domain/bookings';
import type { BookingRecord } from '../../shared/domain/model';
import type { JobScheduler } from '../../shared/domain/ports';
import { reconcileReminders } from '../../scripts/operations/reconcile-reminders';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * `npm run reconcile` against the handlers as deployed: bookings are created through the
 * handlers, then their reminder schedules are changed behind their back with the real
 * SchedulerClient against the Scheduler emulator, and reconcile must find and fix exactly that.
 */

let harness: Harness;
let config: RuntimeConfig;
let schedulerClient: SchedulerClient;
let dynamo: DynamoDBClient;
let jobs: JobScheduler;

beforeAll(async () => {
  harness = await createHarness();
  // createHarness gave this process the handlers' environment: the script reads the same.
  config = loadRuntimeConfig();
  schedulerClient = new SchedulerClient({});
  dynamo = new DynamoDBClient({});
  jobs = createJobScheduler(schedulerClient, scheduleTargetsOf(config));
});
afterAll(async () => {
  schedulerClient?.destroy();
  dynamo?.destroy();
  await harness?.close();
});

const settings = () => ({ reminderOffsetsMinutes: config.reminderOffsetsMinutes, quietHours: config.quietHours });

async function activeBookings(): Promise<BookingRecord[]> {
  const bookings: BookingRecord[] = [];
  for await (const booking of scanActiveBookings(dynamo, config.tableName)) bookings.push(booking);
  return bookings;
}

const inDays = (days: number) =>
  new Date(Math.floor(harness.clock.now().getTime() / 3600_000) * 3600_000 + days * 86_400_000).toISOString();

describe('npm run reconcile', () => {
  it('reports exactly the reminder schedule deleted and the stale one added, and --repair puts them back in line', async () => {
    const [a, b, c, cancelled] = [
      scenario({ startsAt: inDays(10) }),
      scenario({ startsAt: inDays(12) }),
      scenario({ startsAt: inDays(14) }),
      scenario({ startsAt: inDays(9) }),
    ];
    for (const s of [a, b, c, cancelled]) await harness.publish('BookingCreated', s.created());
    await harness.publish('BookingCancelled', cancelled.cancelled());
    const clinicId = 'riverside';

    // The handlers scheduled one reminder per booking (offset 24 h).
    const [aReminder, ...aOthers] = await jobs.list(reminderPrefix(clinicId, a.bookingId));
    expect(aReminder).toBeDefined();
    expect(aOthers).toHaveLength(0);

    // Behind the handlers' back: a's reminder is deleted, b gains one for a time it no longer has.
    await schedulerClient.send(new DeleteScheduleCommand({ Name: aReminder, GroupName: config.scheduleGroupName }));
    const oldStart = new Date(Date.parse(inDays(11)));
    const staleName = `${reminderPrefix(clinicId, b.bookingId)}${Math.floor(oldStart.getTime() / 1000)}-1440`;
    await schedulerClient.send(
      new CreateScheduleCommand({
        Name: staleName,
        GroupName: config.scheduleGroupName,
        ScheduleExpression: `at(${new Date(oldStart.getTime() - 86_400_000).toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: config.dueJobsQueueArn,
          RoleArn: config.schedulerRoleArn,
          Input: JSON.stringify({
            clinicId,
            bookingId: b.bookingId,
            startsAt: oldStart.toISOString(),
            offsetMinutes: 1440,
            kind: 'reminder',
          }),
        },
      }),
    );

    // The scan sees the three active bookings, not the cancelled one.
    const bookings = await activeBookings();
    expect(bookings.map((booking) => booking.bookingId).sort()).toEqual([a.bookingId, b.bookingId, c.bookingId].sort());

    // Reporting changes nothing and names exactly the two differences.
    const deps = { scheduler: jobs, clock: harness.clock, settings: settings() };
    const report = await reconcileReminders(deps, bookings);
    const byBooking = <T extends { bookingId: string }>(drift: T[]) =>
      [...drift].sort((x, y) => x.bookingId.localeCompare(y.bookingId));
    expect(byBooking(report)).toEqual(
      byBooking([
        { bookingId: a.bookingId, clinicId, missing: [aReminder], stale: [] },
        { bookingId: b.bookingId, clinicId, missing: [], stale: [staleName] },
      ]),
    );
    expect(await jobs.list(reminderPrefix(clinicId, a.bookingId))).toEqual([]);
    expect(await jobs.list(reminderPrefix(clinicId, b.bookingId))).toContain(staleName);

    // The script, with --repair: same configuration variables as the handlers, same adapter.
    const printed: string[] = [];
    const run = await runReconcile(
      { repair: true, local: false, help: false },
      { print: (line) => printed.push(line), clock: harness.clock },
    );
    expect(run.scanned).toBe(3);
    expect(byBooking(run.drift)).toEqual(byBooking(report));
    expect(printed.join('\n')).toContain(
      `booking ${a.bookingId} (clinic ${clinicId}): missing ${aReminder} → repaired`,
    );
    expect(printed.join('\n')).toContain(`booking ${b.bookingId} (clinic ${clinicId}): stale ${staleName} → repaired`);
    expect(printed.join('\n')).not.toContain(a.email);

    // Afterwards every active booking's schedules are exactly desiredReminders, time and input included.
    for (const booking of await activeBookings()) {
      const desired = desiredReminders(booking, config.reminderOffsetsMinutes, harness.clock.now(), config.quietHours);
      expect((await jobs.list(reminderPrefix(clinicId, booking.bookingId))).sort()).toEqual(
        desired.map((job) => job.name).sort(),
      );
      for (const job of desired) {
        const schedule = harness.scheduler.schedules().find((candidate) => candidate.name === job.name)!;
        expect(schedule.fireAt.toISOString()).toBe(new Date(Math.floor(job.at.getTime() / 1000) * 1000).toISOString());
        expect(schedule.target.arn).toBe(config.dueJobsQueueArn);
        expect(JSON.parse(schedule.target.input!)).toEqual({ ...job.payload, kind: 'reminder' });
        expect(schedule.actionAfterCompletion).toBe('DELETE');
      }
    }
    expect(await reconcileReminders(deps, await activeBookings())).toEqual([]);

    // A second repair run finds nothing to do.
    const again = await runReconcile(
      { repair: true, local: false, help: false },
      { print: () => undefined, clock: harness.clock },
    );
    expect(again.drift).toEqual([]);
  });

  it('settles what the booking is at repair time, not the copy the scan read', async () => {
    const s = scenario({ startsAt: inDays(20) });
    await harness.publish('BookingCreated', s.created());
    const [scanned] = (await activeBookings()).filter((booking) => booking.bookingId === s.bookingId);
    const [reminder] = await jobs.list(reminderPrefix('riverside', s.bookingId));
    await jobs.remove(reminder!);
    // The booking moves after the scan; its handler settles the new time's schedule.
    await harness.publish(
      'BookingRescheduled',
      s.rescheduled({ occurredAt: '2027-03-02T10:00:00Z', startsAt: inDays(21) }),
    );

    const report = await reconcileReminders(
      {
        scheduler: jobs,
        clock: harness.clock,
        settings: settings(),
        store: createDynamoStore(dynamo, config.tableName, { retention: config.retention }),
      },
      [scanned!],
      { repair: true },
    );

    // The scanned copy said "missing"; the repair read the booking again and created nothing for the old time.
    expect(report).toHaveLength(1);
    const current = (await activeBookings()).find((booking) => booking.bookingId === s.bookingId)!;
    const desired = desiredReminders(current, config.reminderOffsetsMinutes, harness.clock.now(), config.quietHours);
    expect(await jobs.list(reminderPrefix('riverside', s.bookingId))).toEqual(desired.map((job) => job.name));
  });
});
