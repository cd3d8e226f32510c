/**
 * The schedules of the local EventBridge Scheduler and their firing, apart from the API that
 * manages them: tests and the local stack move its clock and watch what fires without a
 * request, and the HTTP layer (http.ts) stays a translation of AWS's wire format.
 *
 * What it does where AWS is not deterministic or cannot be reproduced offline:
 * - A schedule fires when its instant <= clock.now() and it is ENABLED; a FLEXIBLE time
 *   window fires at its start. Firing is serialized and in time order.
 * - A failing target is retried immediately min(MaximumRetryAttempts ?? 185, the
 *   `maxRetryAttempts` option ?? 2) times, then `onDeadLetter` is called (whether or not the
 *   schedule has a DeadLetterConfig; the snapshot carries its ARN). MaximumEventAgeInSeconds
 *   is stored but never drops an event: an advance of the clock stands for time passing
 *   with the schedule firing on time.
 * - ActionAfterCompletion DELETE removes the schedule after its invocation (successful or
 *   dead-lettered); NONE keeps it, completed, and it never fires again.
 * - Schedule groups: `default` and the names in `groups` exist, more can be created. A
 *   schedule in an unknown group is refused with ResourceNotFoundException, as AWS does.
 */
import type { LocalClock } from '../clock';

export type ScheduleState = 'ENABLED' | 'DISABLED';
export type ActionAfterCompletion = 'NONE' | 'DELETE';
export type ScheduleStatus = 'SCHEDULED' | 'FIRING' | 'COMPLETED';

/** What a fired schedule hands to `invokeTarget`. */
export interface InvokedTarget {
  arn: string;
  /** Target.Input as given; `{}` when the schedule has none. */
  input: string;
  roleArn: string;
}

/** Which schedule it is, and how its life has gone so far. */
interface ScheduleProgress {
  name: string;
  groupName: string;
  arn: string;
  creationDate: Date;
  lastModificationDate: Date;
  status: ScheduleStatus;
  /** Invocations tried so far (first attempt plus retries). */
  attempts: number;
  firedAt?: Date;
  lastError?: string;
}

export interface ScheduleSnapshot extends ScheduleProgress {
  scheduleExpression: string;
  scheduleExpressionTimezone: string;
  /** The instant the at() expression designates. */
  fireAt: Date;
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  flexibleTimeWindow: { mode: 'OFF' | 'FLEXIBLE'; maximumWindowInMinutes?: number };
  target: {
    arn: string;
    roleArn: string;
    input?: string;
    maximumRetryAttempts?: number;
    maximumEventAgeInSeconds?: number;
    deadLetterArn?: string;
  };
  description?: string;
}

/** A schedule as CreateSchedule or UpdateSchedule defines it, already validated. */
export interface ScheduleDefinition {
  scheduleExpression: string;
  /** As given, or UTC when none was. */
  scheduleExpressionTimezone: string;
  /** Whether the request named the time zone: GetSchedule answers it only then. */
  timezoneGiven: boolean;
  fireAt: Date;
  flexibleTimeWindow: ScheduleSnapshot['flexibleTimeWindow'];
  target: ScheduleSnapshot['target'];
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  description?: string;
  startDate?: Date;
  endDate?: Date;
  kmsKeyArn?: string;
  /**
   * The request's Target and FlexibleTimeWindow as given, which GetSchedule answers: AWS
   * returns a target's every field, those the engine never reads included.
   */
  given: { target: Record<string, unknown>; flexibleTimeWindow: Record<string, unknown> };
}

export interface StoredSchedule extends ScheduleDefinition, ScheduleProgress {
  clientToken?: string;
}

export interface ScheduleGroup {
  name: string;
  arn: string;
  creationDate: Date;
  lastModificationDate: Date;
}

/** A refusal the API reports with AWS's error code (the HTTP layer picks the status). */
export class SchedulerError extends Error {
  constructor(
    readonly type:
      | 'ValidationException'
      | 'ConflictException'
      | 'ResourceNotFoundException'
      | 'InternalServerException'
      | 'UnknownOperationException',
    message: string,
  ) {
    super(message);
  }
}

const scheduleNotFound = (name: string): SchedulerError =>
  new SchedulerError('ResourceNotFoundException', `Schedule ${name} does not exist.`);

const groupNotFound = (group: string): SchedulerError =>
  new SchedulerError(
    'ResourceNotFoundException',
    `Schedule group ${group} does not exist. (Local emulator: pass it in createSchedulerEmulator({ groups }) or create it with CreateScheduleGroup.)`,
  );

export interface SchedulerEngineOptions {
  clock: LocalClock;
  invokeTarget: (target: InvokedTarget, schedule: ScheduleSnapshot) => Promise<void>;
  /** Called once a schedule's target has failed every attempt. */
  onDeadLetter?: (schedule: ScheduleSnapshot, error: unknown) => void;
  /** Immediate retries after a failed invocation, capped by the schedule's RetryPolicy. Default 2. */
  maxRetryAttempts?: number;
  /** Schedule groups that exist besides `default` (e.g. the one the CDK stack creates). */
  groups?: string[];
  /**
   * Awaited by `advance` after the schedules due at each moment have fired, before the clock
   * moves on: a target that hands the work on (a queue) finishes it at the moment it was due.
   */
  settle?: () => Promise<void>;
  /** Used in ARNs; default: the region a call names, else us-east-1. */
  region?: string;
  /** Used in ARNs; default 000000000000. */
  accountId?: string;
}

export interface ScheduleFilter {
  groupName?: string;
  namePrefix?: string;
  state?: ScheduleState;
}

export interface SchedulerEngine {
  /** Creates a schedule; a retry with the first call's client token gets the same ARN. */
  createSchedule(
    groupName: string,
    name: string,
    definition: ScheduleDefinition,
    call?: { clientToken?: string; region?: string },
  ): string;
  /** Replaces the whole definition; the schedule starts afresh. */
  updateSchedule(groupName: string, name: string, definition: ScheduleDefinition): string;
  getSchedule(groupName: string, name: string): Readonly<StoredSchedule>;
  deleteSchedule(groupName: string, name: string): void;
  /** By group, then name. */
  listSchedules(filter: ScheduleFilter): Readonly<StoredSchedule>[];
  createGroup(name: string, region?: string): ScheduleGroup;
  getGroup(name: string): ScheduleGroup;
  /** Deletes the group and its schedules. */
  deleteGroup(name: string): void;
  /** By name. */
  listGroups(namePrefix?: string): ScheduleGroup[];
  /** Fires every schedule due at clock.now(), in time order, each target awaited; resolves with the count. */
  fireDue(): Promise<number>;
  /** Advances the clock, stopping at each due schedule's moment to fire it; resolves with the count. */
  advance(seconds: number): Promise<number>;
  /** Fires due schedules every `intervalMs` of real time until `stopTimer`/`close`. */
  startTimer(intervalMs?: number): void;
  stopTimer(): void;
  /** Stops the timer and waits for a firing under way. */
  close(): Promise<void>;
  /** Snapshot of every schedule, in time order. */
  schedules(): ScheduleSnapshot[];
}

/** A stored schedule and when it was defined: of two due at the same instant, the older fires first. */
type Entry = StoredSchedule & { seq: number };

/** More firings than this in one pass means targets keep creating due schedules. */
const FIRE_LOOP_LIMIT = 10_000;
/** What RetryPolicy.MaximumRetryAttempts is when a schedule does not set it, as on AWS. */
const AWS_DEFAULT_RETRIES = 185;

export function createSchedulerEngine(options: SchedulerEngineOptions): SchedulerEngine {
  const { clock, invokeTarget } = options;
  const onDeadLetter =
    options.onDeadLetter ??
    ((schedule: ScheduleSnapshot, error: unknown) => {
      console.warn(
        `[scheduler-emulator] schedule ${schedule.groupName}/${schedule.name} failed after ${schedule.attempts} attempts: ${errorMessage(error)}`,
      );
    });
  const retryCap = Math.max(0, Math.floor(options.maxRetryAttempts ?? 2));
  const accountId = options.accountId ?? '000000000000';
  const regionFor = (region: string | undefined): string => options.region ?? region ?? 'us-east-1';

  const schedules = new Map<string, Entry>();
  const groups = new Map<string, ScheduleGroup>();
  let seq = 0;

  const key = (group: string, name: string): string => `${group}\u0000${name}`;

  const groupArn = (region: string, name: string): string =>
    `arn:aws:scheduler:${region}:${accountId}:schedule-group/${name}`;

  const bootTime = clock.now();
  for (const name of ['default', ...(options.groups ?? [])]) {
    groups.set(name, {
      name,
      arn: groupArn(regionFor(undefined), name),
      creationDate: bootTime,
      lastModificationDate: bootTime,
    });
  }

  const snapshot = (record: StoredSchedule): ScheduleSnapshot => ({
    name: record.name,
    groupName: record.groupName,
    arn: record.arn,
    scheduleExpression: record.scheduleExpression,
    scheduleExpressionTimezone: record.scheduleExpressionTimezone,
    fireAt: new Date(record.fireAt),
    state: record.state,
    actionAfterCompletion: record.actionAfterCompletion,
    flexibleTimeWindow: { ...record.flexibleTimeWindow },
    target: { ...record.target },
    ...(record.description !== undefined ? { description: record.description } : {}),
    creationDate: new Date(record.creationDate),
    lastModificationDate: new Date(record.lastModificationDate),
    status: record.status,
    attempts: record.attempts,
    ...(record.firedAt ? { firedAt: new Date(record.firedAt) } : {}),
    ...(record.lastError !== undefined ? { lastError: record.lastError } : {}),
  });

  const byTime = (a: Entry, b: Entry): number => a.fireAt.getTime() - b.fireAt.getTime() || a.seq - b.seq;

  // ----- the store -------------------------------------------------------------------

  const requireGroup = (name: string): void => {
    if (!groups.has(name)) throw groupNotFound(name);
  };

  const lookup = (groupName: string, name: string): Entry => {
    requireGroup(groupName);
    const record = schedules.get(key(groupName, name));
    if (!record) throw scheduleNotFound(name);
    return record;
  };

  const createSchedule: SchedulerEngine['createSchedule'] = (groupName, name, definition, call = {}) => {
    requireGroup(groupName);
    const k = key(groupName, name);
    const existing = schedules.get(k);
    if (existing) {
      // A retry of the same request (same ClientToken) gets the same answer, as in AWS.
      if (call.clientToken && existing.clientToken === call.clientToken) return existing.arn;
      throw new SchedulerError('ConflictException', `Schedule ${name} already exists.`);
    }
    const now = clock.now();
    const record = {
      ...definition,
      seq: ++seq,
      name,
      groupName,
      arn: `arn:aws:scheduler:${regionFor(call.region)}:${accountId}:schedule/${groupName}/${name}`,
      clientToken: call.clientToken,
      creationDate: now,
      lastModificationDate: now,
      status: 'SCHEDULED' as const,
      attempts: 0,
    };
    schedules.set(k, record);
    return record.arn;
  };

  const updateSchedule: SchedulerEngine['updateSchedule'] = (groupName, name, definition) => {
    const existing = lookup(groupName, name);
    // A firing under way keeps the record it started with; this one starts afresh.
    const record = {
      ...definition,
      seq: ++seq,
      name,
      groupName,
      arn: existing.arn,
      clientToken: existing.clientToken,
      creationDate: existing.creationDate,
      lastModificationDate: clock.now(),
      status: 'SCHEDULED' as const,
      attempts: 0,
    };
    schedules.set(key(groupName, name), record);
    return record.arn;
  };

  const listSchedules: SchedulerEngine['listSchedules'] = ({ groupName, namePrefix, state }) =>
    [...schedules.values()]
      .filter((r) => groupName === undefined || r.groupName === groupName)
      .filter((r) => namePrefix === undefined || r.name.startsWith(namePrefix))
      .filter((r) => state === undefined || r.state === state)
      .sort((a, b) => (a.groupName === b.groupName ? compare(a.name, b.name) : compare(a.groupName, b.groupName)));

  const createGroup: SchedulerEngine['createGroup'] = (name, region) => {
    if (groups.has(name)) throw new SchedulerError('ConflictException', `Schedule group ${name} already exists.`);
    const now = clock.now();
    const group = { name, arn: groupArn(regionFor(region), name), creationDate: now, lastModificationDate: now };
    groups.set(name, group);
    return group;
  };

  const getGroup = (name: string): ScheduleGroup => {
    const group = groups.get(name);
    if (!group) throw groupNotFound(name);
    return group;
  };

  const deleteGroup = (name: string): void => {
    getGroup(name);
    groups.delete(name);
    for (const [k, r] of schedules) if (r.groupName === name) schedules.delete(k);
  };

  // ----- firing ----------------------------------------------------------------------

  const nextDue = (nowMs: number): Entry | undefined => {
    let next: Entry | undefined;
    for (const record of schedules.values()) {
      if (record.status !== 'SCHEDULED' || record.state !== 'ENABLED') continue;
      if (record.fireAt.getTime() > nowMs) continue;
      if (!next || byTime(record, next) < 0) next = record;
    }
    return next;
  };

  const fire = async (record: StoredSchedule): Promise<void> => {
    record.status = 'FIRING';
    record.firedAt = clock.now();
    const { target } = record;
    const attempts = 1 + Math.min(target.maximumRetryAttempts ?? AWS_DEFAULT_RETRIES, retryCap);
    const invoked: InvokedTarget = { arn: target.arn, input: target.input ?? '{}', roleArn: target.roleArn };
    let lastError: unknown;
    let succeeded = false;
    for (let attempt = 1; attempt <= attempts && !succeeded; attempt++) {
      record.attempts = attempt;
      try {
        await invokeTarget(invoked, snapshot(record));
        succeeded = true;
      } catch (error) {
        lastError = error;
        record.lastError = errorMessage(error);
      }
    }
    if (!succeeded) {
      try {
        onDeadLetter(snapshot({ ...record, status: 'COMPLETED' }), lastError);
      } catch (error) {
        console.error(`[scheduler-emulator] onDeadLetter threw for ${record.groupName}/${record.name}:`, error);
      }
    }
    record.status = 'COMPLETED';
    const k = key(record.groupName, record.name);
    // Only the definition that fired is completed: an update while it ran replaced it.
    if (record.actionAfterCompletion === 'DELETE' && schedules.get(k) === record) schedules.delete(k);
  };

  const fireDueNow = async (): Promise<number> => {
    let fired = 0;
    for (let next = nextDue(clock.now().getTime()); next; next = nextDue(clock.now().getTime())) {
      if (fired >= FIRE_LOOP_LIMIT) {
        throw new Error(
          `scheduler emulator: more than ${FIRE_LOOP_LIMIT} schedules fired in one pass; do targets keep creating due schedules?`,
        );
      }
      await fire(next);
      fired++;
    }
    return fired;
  };

  const settle = options.settle ?? (() => Promise.resolve());
  /** Fires what is due now and lets its targets finish, so they see this moment. */
  const fireDueAndSettle = async (): Promise<number> => {
    const fired = await fireDueNow();
    await settle();
    return fired;
  };

  /**
   * Time passes through each due moment in turn: the clock stops at every schedule's time,
   * so its target sees the time it was meant to run at, as on AWS, instead of the end of
   * the jump (a reminder judged by the end of a two-day jump would be two days late).
   */
  const advanceThrough = async (seconds: number): Promise<number> => {
    if (!Number.isFinite(seconds) || seconds < 0) clock.advance(seconds);
    const target = clock.now().getTime() + seconds * 1000;
    let fired = await fireDueAndSettle();
    for (let next = nextDue(target); next; next = nextDue(target)) {
      const wait = next.fireAt.getTime() - clock.now().getTime();
      if (wait > 0) clock.advance(wait / 1000);
      fired += await fireDueAndSettle();
    }
    const rest = target - clock.now().getTime();
    if (rest > 0) clock.advance(rest / 1000);
    return fired + (await fireDueAndSettle());
  };

  // One firing at a time, whoever asks (a test, the timer, an advance): a schedule fires once.
  let firing: Promise<unknown> = Promise.resolve();
  const serialized = (run: () => Promise<number>): Promise<number> => {
    const result = firing.then(run);
    firing = result.catch(() => undefined);
    return result;
  };
  const fireDue = (): Promise<number> => serialized(fireDueNow);

  let timer: NodeJS.Timeout | undefined;
  let timerRunQueued = false;
  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const startTimer = (intervalMs = 1000): void => {
    stopTimer();
    timer = setInterval(() => {
      if (timerRunQueued) return;
      timerRunQueued = true;
      fireDue()
        .catch((error: unknown) => console.error('[scheduler-emulator] timer firing failed:', error))
        .finally(() => {
          timerRunQueued = false;
        });
    }, intervalMs);
    timer.unref();
  };

  return {
    createSchedule,
    updateSchedule,
    getSchedule: lookup,
    deleteSchedule: (groupName, name) => {
      lookup(groupName, name);
      schedules.delete(key(groupName, name));
    },
    listSchedules,
    createGroup,
    getGroup,
    deleteGroup,
    listGroups: (namePrefix) =>
      [...groups.values()]
        .filter((g) => namePrefix === undefined || g.name.startsWith(namePrefix))
        .sort((a, b) => compare(a.name, b.name)),
    fireDue,
    advance: (seconds) => serialized(() => advanceThrough(seconds)),
    startTimer,
    stopTimer,
    close: async () => {
      stopTimer();
      await firing;
    },
    schedules: () => [...schedules.values()].sort(byTime).map(snapshot),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
