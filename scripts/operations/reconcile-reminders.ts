import { desiredReminders, reminderPrefix } from '../../shared/domain/bookings';
import type { BookingRecord } from '../../shared/domain/model';
import type { Clock, JobScheduler, Settings, Store } from '../../shared/domain/ports';

/**
 * Reminder schedules against the bookings they are for (`npm run reconcile`). After every
 * booking change the handlers make the booking's schedules match it; a schedule deleted by
 * hand, a Scheduler outage that outlived Lambda's retries, or an event still in a dead-letter
 * queue can leave them apart. This finds the difference and, when asked, repairs it with the
 * same JobScheduler and the same names the handlers use.
 */

export interface ReminderDrift {
  bookingId: string;
  clinicId: string;
  /** Schedule names the booking should have and does not. */
  missing: string[];
  /** Schedules under the booking's prefix that it should not have (an old time, an old offset). */
  stale: string[];
}

export interface ReconcileDependencies {
  scheduler: JobScheduler;
  clock: Clock;
  settings: Pick<Settings, 'reminderOffsetsMinutes' | 'quietHours'>;
  /**
   * When given, a repair re-reads each booking first and settles what it is then, and again
   * if it changed meanwhile: a handler may move a booking between the scan and the repair.
   */
  store?: Pick<Store, 'getBooking'>;
}

export interface ReconcileOptions {
  /** Create the missing schedules and delete the stale ones. */
  repair?: boolean;
  /** Called once per booking that drifted, after its repair when repairing. */
  onDrift?: (drift: ReminderDrift) => void;
}

/** Settle rounds per booking when it keeps changing under the repair; the handlers settle it after that. */
const MAX_REPAIR_ROUNDS = 3;

async function compare(
  deps: ReconcileDependencies,
  booking: BookingRecord,
): Promise<ReminderDrift & { jobs: ReturnType<typeof desiredReminders> }> {
  const { reminderOffsetsMinutes, quietHours } = deps.settings;
  const jobs = desiredReminders(booking, reminderOffsetsMinutes, deps.clock.now(), quietHours);
  const existing = new Set(await deps.scheduler.list(reminderPrefix(booking.clinicId, booking.bookingId)));
  const wanted = new Set(jobs.map((job) => job.name));
  return {
    bookingId: booking.bookingId,
    clinicId: booking.clinicId,
    missing: jobs.filter((job) => !existing.has(job.name)).map((job) => job.name),
    stale: [...existing].filter((name) => !wanted.has(name)).sort(),
    jobs,
  };
}

const drifted = (drift: ReminderDrift) => drift.missing.length > 0 || drift.stale.length > 0;

/**
 * The bookings whose reminder schedules differ from `desiredReminders` now, with what is
 * missing and what is stale; with `repair`, each is brought in line (create, then delete)
 * and the drift found before the repair is reported. Bookings in order, those in line omitted.
 */
export async function reconcileReminders(
  deps: ReconcileDependencies,
  bookings: Iterable<BookingRecord> | AsyncIterable<BookingRecord>,
  options: ReconcileOptions = {},
): Promise<ReminderDrift[]> {
  const report: ReminderDrift[] = [];
  for await (const scanned of bookings) {
    const found = await compare(deps, scanned);
    if (!drifted(found)) continue;
    const drift: ReminderDrift = {
      bookingId: found.bookingId,
      clinicId: found.clinicId,
      missing: found.missing,
      stale: found.stale,
    };
    if (options.repair) await repair(deps, scanned, found);
    report.push(drift);
    options.onDrift?.(drift);
  }
  return report;
}

async function repair(
  deps: ReconcileDependencies,
  scanned: BookingRecord,
  first: Awaited<ReturnType<typeof compare>>,
): Promise<void> {
  let found = first;
  let booking = scanned;
  let version: number | undefined;
  for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
    if (deps.store) {
      const current = await deps.store.getBooking(booking.clinicId, booking.bookingId);
      // Deleted since the scan: nothing to settle against; its schedules check the booking when they fire.
      if (!current) return;
      if (round > 0 && current.version === version) return;
      version = current.version;
      booking = current.record;
      found = await compare(deps, booking);
    }
    const missing = new Set(found.missing);
    for (const job of found.jobs) if (missing.has(job.name)) await deps.scheduler.ensure(job);
    for (const name of found.stale) await deps.scheduler.remove(name);
    if (!deps.store) return;
  }
}
