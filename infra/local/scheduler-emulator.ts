/**
 * A small EventBridge Scheduler emulator for tests and the local stack (no AWS, no Docker,
 * no network). It answers the REST-JSON API as AWS does, so the unchanged
 * `@aws-sdk/client-scheduler` works against it through `endpoint` or
 * `AWS_ENDPOINT_URL_SCHEDULER`:
 *
 *   CreateSchedule  POST   /schedules/{Name}                 body: the schedule, GroupName, ClientToken
 *   UpdateSchedule  PUT    /schedules/{Name}                 body: the whole schedule (replaces it)
 *   GetSchedule     GET    /schedules/{Name}?groupName=
 *   DeleteSchedule  DELETE /schedules/{Name}?groupName=&clientToken=
 *   ListSchedules   GET    /schedules?ScheduleGroup=&NamePrefix=&State=&MaxResults=&NextToken=
 *   Create/Get/Delete/ListScheduleGroup(s)  /schedule-groups[/{Name}]
 *
 * Timestamps travel as epoch seconds (restJson1's default). Errors carry the
 * `x-amzn-ErrorType` header the SDK reads first, and a JSON body with `message`/`Message`.
 *
 * Local semantics (where AWS is not deterministic or not reproducible offline):
 * - Only one-time `at(yyyy-mm-ddThh:mm:ss)` schedules; `rate()`/`cron()` are refused with a
 *   ValidationException saying so. The wall time is read in ScheduleExpressionTimezone (IANA,
 *   default UTC); a wall time skipped by a DST change is moved forward by the gap, a
 *   repeated one takes its first occurrence (Temporal's "compatible" disambiguation).
 * - A schedule fires when its instant <= clock.now() and it is ENABLED; a FLEXIBLE time
 *   window fires at its start. Firing is serialized and in time order.
 * - A failing target is retried immediately min(MaximumRetryAttempts ?? 185,
 *   maxRetryAttempts option ?? 2) times, then `onDeadLetter` is called (whether or not the
 *   schedule has a DeadLetterConfig; the snapshot carries its ARN). MaximumEventAgeInSeconds
 *   is stored but never drops an event: an advance of the clock stands for time passing
 *   with the schedule firing on time.
 * - ActionAfterCompletion DELETE removes the schedule after its invocation (successful or
 *   dead-lettered); NONE keeps it, completed, and it never fires again.
 * - Schedule groups: `default` and the names in `groups` exist, more can be created through
 *   CreateScheduleGroup. A schedule in an unknown group is refused with
 *   ResourceNotFoundException, as AWS does.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { LocalClock } from './clock';

// ---------------------------------------------------------------------------------------
// Public types

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

export interface ScheduleSnapshot {
  name: string;
  groupName: string;
  arn: string;
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
  creationDate: Date;
  lastModificationDate: Date;
  status: ScheduleStatus;
  /** Invocations tried so far (first attempt plus retries). */
  attempts: number;
  firedAt?: Date;
  lastError?: string;
}

export interface SchedulerEmulatorOptions {
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
  /** Used in ARNs; default: the region of the request's SigV4 credential scope, else us-east-1. */
  region?: string;
  /** Used in ARNs; default 000000000000. */
  accountId?: string;
}

export interface SchedulerEmulator {
  server: http.Server;
  /** Starts listening (port 0: an ephemeral port) and resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops the timer, closes the server and waits for a firing under way. */
  close(): Promise<void>;
  /** Fires every schedule due at clock.now(), in time order, each target awaited; resolves with the count. */
  fireDue(): Promise<number>;
  /** Advances the clock, then fires what is due. */
  advance(seconds: number): Promise<number>;
  /** Fires due schedules every `intervalMs` of real time until `stopTimer`/`close`. */
  startTimer(intervalMs?: number): void;
  stopTimer(): void;
  /** Snapshot of every schedule, in time order. */
  schedules(): ScheduleSnapshot[];
}

// ---------------------------------------------------------------------------------------
// Time: at() expressions in an IANA time zone

const AT_EXPRESSION = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Offset of `timeZone` from UTC at `instantMs`, in milliseconds (whole seconds). */
function offsetMs(timeZone: string, instantMs: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = utcMs(
    fields.year ?? 1970,
    fields.month ?? 1,
    fields.day ?? 1,
    (fields.hour ?? 0) % 24,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which the wall time `wallAsUtcMs` (wall-clock fields encoded as if UTC)
 * occurs in `timeZone`. Repeated wall times (DST ends) take the earlier instant; skipped
 * ones (DST starts) are read with the offset in force before the change, i.e. moved forward
 * by the gap, as Temporal's "compatible" disambiguation does.
 */
export function zonedWallTimeToInstant(wallAsUtcMs: number, timeZone: string): Date {
  const day = 86_400_000;
  const before = offsetMs(timeZone, wallAsUtcMs - day);
  const after = offsetMs(timeZone, wallAsUtcMs + day);
  const candidates = [...new Set([wallAsUtcMs - before, wallAsUtcMs - after])]
    .filter((instant) => instant + offsetMs(timeZone, instant) === wallAsUtcMs)
    .sort((a, b) => a - b);
  return new Date(candidates[0] ?? wallAsUtcMs - before);
}

/** Instant designated by `at(yyyy-mm-ddThh:mm:ss)` in `timeZone`; undefined if it is not one. */
export function atExpressionToInstant(expression: string, timeZone = 'UTC'): Date | undefined {
  const match = AT_EXPRESSION.exec(expression);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = utcMs(year, month, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  return zonedWallTimeToInstant(wall, timeZone);
}

// ---------------------------------------------------------------------------------------
// Errors

class ServiceError extends Error {
  constructor(
    readonly type:
      | 'ValidationException'
      | 'ConflictException'
      | 'ResourceNotFoundException'
      | 'InternalServerException'
      | 'UnknownOperationException',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const validation = (problems: string[]): ServiceError =>
  new ServiceError(
    'ValidationException',
    400,
    problems.length === 1
      ? `1 validation error detected: ${problems[0]}`
      : `${problems.length} validation errors detected: ${problems.join('; ')}`,
  );

const scheduleNotFound = (name: string): ServiceError =>
  new ServiceError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);

const groupNotFound = (group: string): ServiceError =>
  new ServiceError(
    'ResourceNotFoundException',
    404,
    `Schedule group ${group} does not exist. (Local emulator: pass it in createSchedulerEmulator({ groups }) or create it with CreateScheduleGroup.)`,
  );

// ---------------------------------------------------------------------------------------
// Validation of the request shapes

const NAME = /^[0-9a-zA-Z\-_.]+$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkName(problems: string[], field: string, value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) {
    problems.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    return false;
  }
  if (value.length > 64) {
    problems.push(
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
    return false;
  }
  if (!NAME.test(value)) {
    problems.push(
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
    );
    return false;
  }
  return true;
}

function optionalString(
  problems: string[],
  field: string,
  value: unknown,
  min: number,
  max: number,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.push(`Value at '${field}' failed to satisfy constraint: Member must be a string`);
    return undefined;
  }
  if (value.length < min || value.length > max) {
    problems.push(
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
    );
    return undefined;
  }
  return value;
}

function optionalInteger(
  problems: string[],
  field: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(
      `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must be an integer between ${min} and ${max}`,
    );
    return undefined;
  }
  return value;
}

function optionalEnum<T extends string>(
  problems: string[],
  field: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    problems.push(
      `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
    return undefined;
  }
  return value as T;
}

function optionalTimestamp(problems: string[], field: string, value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date =
    typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    problems.push(`Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must be a timestamp`);
    return undefined;
  }
  return date;
}

interface ScheduleDefinition {
  scheduleExpression: string;
  scheduleExpressionTimezone: string;
  timezoneGiven: boolean;
  fireAt: Date;
  flexibleTimeWindow: Json;
  target: Json;
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  actionAfterCompletionGiven: boolean;
  description?: string;
  startDate?: Date;
  endDate?: Date;
  kmsKeyArn?: string;
}

function parseDefinition(body: Json): ScheduleDefinition {
  const problems: string[] = [];

  const timezone = optionalString(problems, 'scheduleExpressionTimezone', body.ScheduleExpressionTimezone, 1, 50);
  if (timezone !== undefined && !isValidTimeZone(timezone)) {
    problems.push(`Invalid ScheduleExpressionTimezone '${timezone}': not an IANA time zone`);
  }
  const zone = timezone !== undefined && isValidTimeZone(timezone) ? timezone : 'UTC';

  let fireAt: Date | undefined;
  const expression = body.ScheduleExpression;
  if (typeof expression !== 'string' || expression.length === 0) {
    problems.push(`Value null at 'scheduleExpression' failed to satisfy constraint: Member must not be null`);
  } else if (/^(rate|cron)\(.*\)$/.test(expression)) {
    problems.push(
      `Invalid Schedule Expression ${expression}: the local EventBridge Scheduler emulator supports only one-time at(yyyy-mm-ddThh:mm:ss) schedules, not rate() or cron()`,
    );
  } else {
    fireAt = atExpressionToInstant(expression, zone);
    if (!fireAt) {
      problems.push(
        `Invalid Schedule Expression ${expression}: expected at(yyyy-mm-ddThh:mm:ss) with a valid date and time, no offset or Z (the time zone is ScheduleExpressionTimezone)`,
      );
    }
  }

  const window = body.FlexibleTimeWindow;
  if (!isObject(window)) {
    problems.push(`Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null`);
  } else {
    const mode = optionalEnum(problems, 'flexibleTimeWindow.mode', window.Mode, ['OFF', 'FLEXIBLE'] as const);
    if (window.Mode === undefined || window.Mode === null) {
      problems.push(`Value null at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must not be null`);
    }
    const minutes = optionalInteger(
      problems,
      'flexibleTimeWindow.maximumWindowInMinutes',
      window.MaximumWindowInMinutes,
      1,
      1440,
    );
    if (mode === 'FLEXIBLE' && minutes === undefined && window.MaximumWindowInMinutes == null) {
      problems.push(`MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE`);
    }
    if (mode === 'OFF' && window.MaximumWindowInMinutes != null) {
      problems.push(`MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF`);
    }
  }

  const target = body.Target;
  if (!isObject(target)) {
    problems.push(`Value null at 'target' failed to satisfy constraint: Member must not be null`);
  } else {
    if (typeof target.Arn !== 'string' || target.Arn.length === 0) {
      problems.push(`Value null at 'target.arn' failed to satisfy constraint: Member must not be null`);
    } else {
      optionalString(problems, 'target.arn', target.Arn, 1, 1600);
    }
    if (typeof target.RoleArn !== 'string' || target.RoleArn.length === 0) {
      problems.push(`Value null at 'target.roleArn' failed to satisfy constraint: Member must not be null`);
    } else if (!ROLE_ARN.test(target.RoleArn)) {
      problems.push(
        `Value '${target.RoleArn}' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$`,
      );
    }
    optionalString(problems, 'target.input', target.Input, 1, 8192);
    if (target.RetryPolicy !== undefined && target.RetryPolicy !== null) {
      if (!isObject(target.RetryPolicy)) {
        problems.push(`Value at 'target.retryPolicy' failed to satisfy constraint: Member must be a structure`);
      } else {
        optionalInteger(
          problems,
          'target.retryPolicy.maximumRetryAttempts',
          target.RetryPolicy.MaximumRetryAttempts,
          0,
          185,
        );
        optionalInteger(
          problems,
          'target.retryPolicy.maximumEventAgeInSeconds',
          target.RetryPolicy.MaximumEventAgeInSeconds,
          60,
          86400,
        );
      }
    }
    if (target.DeadLetterConfig !== undefined && target.DeadLetterConfig !== null) {
      const arn = isObject(target.DeadLetterConfig) ? target.DeadLetterConfig.Arn : undefined;
      if (arn !== undefined && (typeof arn !== 'string' || !SQS_ARN.test(arn))) {
        problems.push(
          `Value '${String(arn)}' at 'target.deadLetterConfig.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$`,
        );
      }
    }
  }

  const state = optionalEnum(problems, 'state', body.State, ['ENABLED', 'DISABLED'] as const);
  const action = optionalEnum(problems, 'actionAfterCompletion', body.ActionAfterCompletion, [
    'NONE',
    'DELETE',
  ] as const);
  const description = optionalString(problems, 'description', body.Description, 0, 512);
  const kmsKeyArn = optionalString(problems, 'kmsKeyArn', body.KmsKeyArn, 1, 2048);
  const startDate = optionalTimestamp(problems, 'startDate', body.StartDate);
  const endDate = optionalTimestamp(problems, 'endDate', body.EndDate);

  if (problems.length > 0 || !fireAt || !isObject(window) || !isObject(target)) throw validation(problems);

  return {
    scheduleExpression: expression as string,
    scheduleExpressionTimezone: zone,
    timezoneGiven: timezone !== undefined,
    fireAt,
    flexibleTimeWindow: window,
    target,
    state: state ?? 'ENABLED',
    actionAfterCompletion: action ?? 'NONE',
    actionAfterCompletionGiven: action !== undefined,
    description,
    startDate,
    endDate,
    kmsKeyArn,
  };
}

// ---------------------------------------------------------------------------------------
// The emulator

interface ScheduleRecord extends ScheduleDefinition {
  seq: number;
  name: string;
  groupName: string;
  arn: string;
  clientToken?: string;
  creationDate: Date;
  lastModificationDate: Date;
  status: ScheduleStatus;
  attempts: number;
  firedAt?: Date;
  lastError?: string;
}

interface GroupRecord {
  name: string;
  arn: string;
  creationDate: Date;
  lastModificationDate: Date;
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const FIRE_LOOP_LIMIT = 10_000;

const epochSeconds = (date: Date): number => date.getTime() / 1000;

export function createSchedulerEmulator(options: SchedulerEmulatorOptions): SchedulerEmulator {
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

  const schedules = new Map<string, ScheduleRecord>();
  const groups = new Map<string, GroupRecord>();
  let seq = 0;

  const key = (group: string, name: string): string => `${group}\u0000${name}`;

  const regionOf = (req: http.IncomingMessage): string => {
    if (options.region) return options.region;
    const auth = req.headers.authorization ?? '';
    const match = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/scheduler\//.exec(auth);
    return match?.[1] ?? 'us-east-1';
  };

  const groupArn = (region: string, name: string): string =>
    `arn:aws:scheduler:${region}:${accountId}:schedule-group/${name}`;

  const bootTime = clock.now();
  for (const name of ['default', ...(options.groups ?? [])]) {
    groups.set(name, {
      name,
      arn: groupArn(options.region ?? 'us-east-1', name),
      creationDate: bootTime,
      lastModificationDate: bootTime,
    });
  }

  const snapshot = (record: ScheduleRecord): ScheduleSnapshot => {
    const target = record.target;
    const retry = isObject(target.RetryPolicy) ? target.RetryPolicy : {};
    const deadLetter = isObject(target.DeadLetterConfig) ? target.DeadLetterConfig : {};
    const window = record.flexibleTimeWindow;
    return {
      name: record.name,
      groupName: record.groupName,
      arn: record.arn,
      scheduleExpression: record.scheduleExpression,
      scheduleExpressionTimezone: record.scheduleExpressionTimezone,
      fireAt: new Date(record.fireAt),
      state: record.state,
      actionAfterCompletion: record.actionAfterCompletion,
      flexibleTimeWindow: {
        mode: window.Mode as 'OFF' | 'FLEXIBLE',
        ...(typeof window.MaximumWindowInMinutes === 'number'
          ? { maximumWindowInMinutes: window.MaximumWindowInMinutes }
          : {}),
      },
      target: {
        arn: target.Arn as string,
        roleArn: target.RoleArn as string,
        ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
        ...(typeof retry.MaximumRetryAttempts === 'number' ? { maximumRetryAttempts: retry.MaximumRetryAttempts } : {}),
        ...(typeof retry.MaximumEventAgeInSeconds === 'number'
          ? { maximumEventAgeInSeconds: retry.MaximumEventAgeInSeconds }
          : {}),
        ...(typeof deadLetter.Arn === 'string' ? { deadLetterArn: deadLetter.Arn } : {}),
      },
      ...(record.description !== undefined ? { description: record.description } : {}),
      creationDate: new Date(record.creationDate),
      lastModificationDate: new Date(record.lastModificationDate),
      status: record.status,
      attempts: record.attempts,
      ...(record.firedAt ? { firedAt: new Date(record.firedAt) } : {}),
      ...(record.lastError !== undefined ? { lastError: record.lastError } : {}),
    };
  };

  const byTime = (a: ScheduleRecord, b: ScheduleRecord): number =>
    a.fireAt.getTime() - b.fireAt.getTime() || a.seq - b.seq;

  // ----- firing -----------------------------------------------------------------------

  const nextDue = (nowMs: number): ScheduleRecord | undefined => {
    let next: ScheduleRecord | undefined;
    for (const record of schedules.values()) {
      if (record.status !== 'SCHEDULED' || record.state !== 'ENABLED') continue;
      if (record.fireAt.getTime() > nowMs) continue;
      if (!next || byTime(record, next) < 0) next = record;
    }
    return next;
  };

  const fire = async (record: ScheduleRecord): Promise<void> => {
    record.status = 'FIRING';
    record.firedAt = clock.now();
    const target = record.target;
    const retryPolicy = isObject(target.RetryPolicy) ? target.RetryPolicy : {};
    const allowedRetries =
      typeof retryPolicy.MaximumRetryAttempts === 'number' ? retryPolicy.MaximumRetryAttempts : 185;
    const attempts = 1 + Math.min(allowedRetries, retryCap);
    const invoked: InvokedTarget = {
      arn: target.Arn as string,
      input: typeof target.Input === 'string' ? target.Input : '{}',
      roleArn: target.RoleArn as string,
    };
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

  let firing: Promise<unknown> = Promise.resolve();
  const fireDue = (): Promise<number> => {
    const run = firing.then(fireDueNow);
    firing = run.catch(() => undefined);
    return run;
  };

  let timer: NodeJS.Timeout | undefined;
  let timerRunQueued = false;
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
  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  // ----- operations --------------------------------------------------------------------

  const requireGroup = (name: string): void => {
    if (!groups.has(name)) throw groupNotFound(name);
  };

  const groupFrom = (problems: string[], field: string, value: unknown): string => {
    if (value === undefined || value === null || value === '') return 'default';
    checkName(problems, field, value);
    return typeof value === 'string' ? value : 'default';
  };

  const createSchedule = (req: http.IncomingMessage, name: string, body: Json): Json => {
    const problems: string[] = [];
    checkName(problems, 'name', name);
    const groupName = groupFrom(problems, 'groupName', body.GroupName);
    if (problems.length > 0) throw validation(problems);
    const definition = parseDefinition(body);
    requireGroup(groupName);
    const k = key(groupName, name);
    const clientToken = typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
    const existing = schedules.get(k);
    if (existing) {
      // A retry of the same request (same ClientToken) gets the same answer, as in AWS.
      if (clientToken && existing.clientToken === clientToken) return { ScheduleArn: existing.arn };
      throw new ServiceError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    const now = clock.now();
    const record: ScheduleRecord = {
      ...definition,
      seq: ++seq,
      name,
      groupName,
      arn: `arn:aws:scheduler:${regionOf(req)}:${accountId}:schedule/${groupName}/${name}`,
      clientToken,
      creationDate: now,
      lastModificationDate: now,
      status: 'SCHEDULED',
      attempts: 0,
    };
    schedules.set(k, record);
    return { ScheduleArn: record.arn };
  };

  const updateSchedule = (name: string, body: Json): Json => {
    const problems: string[] = [];
    checkName(problems, 'name', name);
    const groupName = groupFrom(problems, 'groupName', body.GroupName);
    if (problems.length > 0) throw validation(problems);
    const definition = parseDefinition(body);
    requireGroup(groupName);
    const k = key(groupName, name);
    const existing = schedules.get(k);
    if (!existing) throw scheduleNotFound(name);
    // UpdateSchedule replaces the whole definition; the schedule starts afresh.
    const record: ScheduleRecord = {
      ...definition,
      seq: ++seq,
      name,
      groupName,
      arn: existing.arn,
      clientToken: existing.clientToken,
      creationDate: existing.creationDate,
      lastModificationDate: clock.now(),
      status: 'SCHEDULED',
      attempts: 0,
    };
    schedules.set(k, record);
    return { ScheduleArn: record.arn };
  };

  const describe = (record: ScheduleRecord): Json => {
    const out: Json = {
      Arn: record.arn,
      GroupName: record.groupName,
      Name: record.name,
      ScheduleExpression: record.scheduleExpression,
      State: record.state,
      CreationDate: epochSeconds(record.creationDate),
      LastModificationDate: epochSeconds(record.lastModificationDate),
      Target: record.target,
      FlexibleTimeWindow: record.flexibleTimeWindow,
      ActionAfterCompletion: record.actionAfterCompletion,
    };
    if (record.timezoneGiven) out.ScheduleExpressionTimezone = record.scheduleExpressionTimezone;
    if (record.description !== undefined) out.Description = record.description;
    if (record.startDate) out.StartDate = epochSeconds(record.startDate);
    if (record.endDate) out.EndDate = epochSeconds(record.endDate);
    if (record.kmsKeyArn !== undefined) out.KmsKeyArn = record.kmsKeyArn;
    return out;
  };

  const lookup = (name: string, query: URLSearchParams): ScheduleRecord => {
    const problems: string[] = [];
    checkName(problems, 'name', name);
    const groupName = groupFrom(problems, 'groupName', query.get('groupName'));
    if (problems.length > 0) throw validation(problems);
    requireGroup(groupName);
    const record = schedules.get(key(groupName, name));
    if (!record) throw scheduleNotFound(name);
    return record;
  };

  const listSchedules = (query: URLSearchParams): Json => {
    const problems: string[] = [];
    const group = query.get('ScheduleGroup');
    if (group !== null) checkName(problems, 'groupName', group);
    const prefix = query.get('NamePrefix');
    if (prefix !== null) checkName(problems, 'namePrefix', prefix);
    const state = optionalEnum(problems, 'state', query.get('State') ?? undefined, ['ENABLED', 'DISABLED'] as const);
    const maxRaw = query.get('MaxResults');
    const maxResults =
      maxRaw === null ? DEFAULT_PAGE_SIZE : optionalInteger(problems, 'maxResults', Number(maxRaw), 1, 100);
    const start = decodeToken(problems, query.get('NextToken'));
    if (problems.length > 0 || maxResults === undefined) throw validation(problems);

    const matching = [...schedules.values()]
      .filter((r) => group === null || r.groupName === group)
      .filter((r) => prefix === null || r.name.startsWith(prefix))
      .filter((r) => state === undefined || r.state === state)
      .sort((a, b) => (a.groupName === b.groupName ? compare(a.name, b.name) : compare(a.groupName, b.groupName)));
    const page = matching.slice(start, start + maxResults);
    const out: Json = {
      Schedules: page.map((r) => ({
        Arn: r.arn,
        Name: r.name,
        GroupName: r.groupName,
        State: r.state,
        CreationDate: epochSeconds(r.creationDate),
        LastModificationDate: epochSeconds(r.lastModificationDate),
        Target: { Arn: r.target.Arn },
      })),
    };
    if (start + maxResults < matching.length) out.NextToken = encodeToken(start + maxResults);
    return out;
  };

  const describeGroup = (g: GroupRecord): Json => ({
    Arn: g.arn,
    Name: g.name,
    State: 'ACTIVE',
    CreationDate: epochSeconds(g.creationDate),
    LastModificationDate: epochSeconds(g.lastModificationDate),
  });

  const groupOperation = (
    req: http.IncomingMessage,
    method: string,
    name: string | undefined,
    query: URLSearchParams,
  ): Json => {
    const problems: string[] = [];
    if (name === undefined) {
      if (method !== 'GET') throw unknownOperation(method, '/schedule-groups');
      const prefix = query.get('NamePrefix');
      if (prefix !== null) checkName(problems, 'namePrefix', prefix);
      const maxRaw = query.get('MaxResults');
      const maxResults =
        maxRaw === null ? DEFAULT_PAGE_SIZE : optionalInteger(problems, 'maxResults', Number(maxRaw), 1, 100);
      const start = decodeToken(problems, query.get('NextToken'));
      if (problems.length > 0 || maxResults === undefined) throw validation(problems);
      const matching = [...groups.values()]
        .filter((g) => prefix === null || g.name.startsWith(prefix))
        .sort((a, b) => compare(a.name, b.name));
      const out: Json = { ScheduleGroups: matching.slice(start, start + maxResults).map(describeGroup) };
      if (start + maxResults < matching.length) out.NextToken = encodeToken(start + maxResults);
      return out;
    }
    checkName(problems, 'name', name);
    if (problems.length > 0) throw validation(problems);
    const existing = groups.get(name);
    switch (method) {
      case 'POST': {
        if (existing) throw new ServiceError('ConflictException', 409, `Schedule group ${name} already exists.`);
        const now = clock.now();
        const group: GroupRecord = {
          name,
          arn: groupArn(regionOf(req), name),
          creationDate: now,
          lastModificationDate: now,
        };
        groups.set(name, group);
        return { ScheduleGroupArn: group.arn };
      }
      case 'GET':
        if (!existing) throw groupNotFound(name);
        return describeGroup(existing);
      case 'DELETE':
        if (!existing) throw groupNotFound(name);
        if (name === 'default') throw validation([`The default schedule group cannot be deleted`]);
        groups.delete(name);
        for (const [k, r] of schedules) if (r.groupName === name) schedules.delete(k);
        return {};
      default:
        throw unknownOperation(method, `/schedule-groups/${name}`);
    }
  };

  // ----- HTTP ------------------------------------------------------------------------------

  const route = async (req: http.IncomingMessage): Promise<Json> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter((s) => s.length > 0);
    const [resource, rawName, extra] = segments;
    if (extra !== undefined) throw unknownOperation(method, url.pathname);
    const name = rawName === undefined ? undefined : safeDecode(rawName);

    if (resource === 'schedule-groups') return groupOperation(req, method, name, url.searchParams);
    if (resource !== 'schedules') throw unknownOperation(method, url.pathname);

    if (name === undefined) {
      if (method === 'GET') return listSchedules(url.searchParams);
      throw unknownOperation(method, url.pathname);
    }
    switch (method) {
      case 'POST':
        return createSchedule(req, name, await readJson(req));
      case 'PUT':
        return updateSchedule(name, await readJson(req));
      case 'GET':
        return describe(lookup(name, url.searchParams));
      case 'DELETE': {
        const record = lookup(name, url.searchParams);
        schedules.delete(key(record.groupName, record.name));
        return {};
      }
      default:
        throw unknownOperation(method, url.pathname);
    }
  };

  const server = http.createServer((req, res) => {
    const requestId = randomUUID();
    route(req)
      .then((body) => send(res, 200, requestId, body))
      .catch((error: unknown) => {
        const known =
          error instanceof ServiceError
            ? error
            : new ServiceError(
                'InternalServerException',
                500,
                `Internal error in the scheduler emulator: ${errorMessage(error)}`,
              );
        if (!(error instanceof ServiceError)) console.error('[scheduler-emulator]', error);
        send(res, known.status, requestId, { message: known.message, Message: known.message }, known.type);
      });
  });

  const listen = (port = 0, host = '127.0.0.1'): Promise<string> =>
    new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        const address = server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`http://${shownHost}:${address.port}`);
      });
    });

  const close = async (): Promise<void> => {
    stopTimer();
    if (server.listening) {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    }
    await firing;
  };

  return {
    server,
    listen,
    close,
    fireDue,
    advance: (seconds: number) => {
      const run = firing.then(() => advanceThrough(seconds));
      firing = run.catch(() => undefined);
      return run;
    },
    startTimer,
    stopTimer,
    schedules: () => [...schedules.values()].sort(byTime).map(snapshot),
  };
}

// ---------------------------------------------------------------------------------------
// Helpers

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unknownOperation(method: string, path: string): ServiceError {
  return new ServiceError(
    'UnknownOperationException',
    404,
    `The scheduler emulator has no operation ${method} ${path} (it answers the schedule and schedule-group operations).`,
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(problems: string[], token: string | null): number {
  if (token === null || token === '') return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      isObject(parsed) &&
      typeof parsed.offset === 'number' &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0
    ) {
      return parsed.offset;
    }
  } catch {
    // fall through
  }
  problems.push(`Invalid NextToken`);
  return 0;
}

async function readJson(req: http.IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw validation([`Request body larger than ${MAX_BODY_BYTES} bytes`]);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validation([`Request body is not valid JSON`]);
  }
  if (!isObject(parsed)) throw validation([`Request body must be a JSON object`]);
  return parsed;
}

function send(res: http.ServerResponse, status: number, requestId: string, body: Json, errorType?: string): void {
  const payload = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-RequestId': requestId,
  };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(payload);
}
