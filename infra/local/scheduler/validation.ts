/**
 * What the Scheduler API accepts, said as AWS says it: a request the emulator takes must be
 * one AWS takes, and a refusal carries AWS's code and message (`1 validation error
 * detected: Value … at 'target.roleArn' failed to satisfy constraint: …`), so a handler that
 * works locally meets no surprise on AWS. Requests become the engine's inputs here, and the
 * engine (engine.ts) trusts them.
 *
 * Only one-time `at(yyyy-mm-ddThh:mm:ss)` schedules: `rate()`/`cron()` are refused with a
 * ValidationException saying so. The wall time is read in ScheduleExpressionTimezone (IANA,
 * default UTC) by `shared/time`, which says how a time skipped or repeated by a DST change is read.
 */
import { instantOfWallTime } from '../../../shared/time/instant-of-wall-time';
import { canonicalTimeZone } from '../../../shared/time/time-zones';
import { SchedulerError, type ScheduleDefinition, type ScheduleFilter, type ScheduleState } from './engine';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One ValidationException for every problem a request has, as AWS reports them. */
export const validationError = (problems: string[]): SchedulerError =>
  new SchedulerError(
    'ValidationException',
    problems.length === 1
      ? `1 validation error detected: ${problems[0]}`
      : `${problems.length} validation errors detected: ${problems.join('; ')}`,
  );

// ---------------------------------------------------------------------------------------
// at() expressions

const AT_EXPRESSION = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

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
  // A day the month does not have (02-30) rolls over in Date; such an expression is not a date.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
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
  return instantOfWallTime({ year, month, day, hour, minute, second }, timeZone);
}

// ---------------------------------------------------------------------------------------
// Fields

const NAME = /^[0-9a-zA-Z\-_.]+$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
const DEFAULT_PAGE_SIZE = 100;

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

function groupFrom(problems: string[], field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return 'default';
  checkName(problems, field, value);
  return typeof value === 'string' ? value : 'default';
}

// ---------------------------------------------------------------------------------------
// Schedules

function parseDefinition(body: Json): ScheduleDefinition {
  const problems: string[] = [];

  const timezone = optionalString(problems, 'scheduleExpressionTimezone', body.ScheduleExpressionTimezone, 1, 50);
  const known = timezone === undefined ? undefined : canonicalTimeZone(timezone);
  if (timezone !== undefined && known === undefined) {
    problems.push(`Invalid ScheduleExpressionTimezone '${timezone}': not an IANA time zone`);
  }
  // Kept as given (GetSchedule answers it so); shared/time reads any spelling Intl accepts.
  const zone = timezone !== undefined && known !== undefined ? timezone : 'UTC';

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
  let mode: 'OFF' | 'FLEXIBLE' | undefined;
  let windowMinutes: number | undefined;
  if (!isObject(window)) {
    problems.push(`Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null`);
  } else {
    mode = optionalEnum(problems, 'flexibleTimeWindow.mode', window.Mode, ['OFF', 'FLEXIBLE'] as const);
    if (window.Mode === undefined || window.Mode === null) {
      problems.push(`Value null at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must not be null`);
    }
    windowMinutes = optionalInteger(
      problems,
      'flexibleTimeWindow.maximumWindowInMinutes',
      window.MaximumWindowInMinutes,
      1,
      1440,
    );
    if (mode === 'FLEXIBLE' && windowMinutes === undefined && window.MaximumWindowInMinutes == null) {
      problems.push(`MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE`);
    }
    if (mode === 'OFF' && window.MaximumWindowInMinutes != null) {
      problems.push(`MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF`);
    }
  }

  const target = body.Target;
  let retryAttempts: number | undefined;
  let eventAge: number | undefined;
  let deadLetterArn: string | undefined;
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
        retryAttempts = optionalInteger(
          problems,
          'target.retryPolicy.maximumRetryAttempts',
          target.RetryPolicy.MaximumRetryAttempts,
          0,
          185,
        );
        eventAge = optionalInteger(
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
      } else if (typeof arn === 'string') {
        deadLetterArn = arn;
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

  if (problems.length > 0 || !fireAt || !mode || !isObject(window) || !isObject(target)) {
    throw validationError(problems);
  }

  return {
    scheduleExpression: expression as string,
    scheduleExpressionTimezone: zone,
    timezoneGiven: timezone !== undefined,
    fireAt,
    flexibleTimeWindow: { mode, ...(windowMinutes !== undefined ? { maximumWindowInMinutes: windowMinutes } : {}) },
    target: {
      arn: target.Arn as string,
      roleArn: target.RoleArn as string,
      ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
      ...(retryAttempts !== undefined ? { maximumRetryAttempts: retryAttempts } : {}),
      ...(eventAge !== undefined ? { maximumEventAgeInSeconds: eventAge } : {}),
      ...(deadLetterArn !== undefined ? { deadLetterArn } : {}),
    },
    state: state ?? 'ENABLED',
    actionAfterCompletion: action ?? 'NONE',
    description,
    startDate,
    endDate,
    kmsKeyArn,
    given: { target, flexibleTimeWindow: window },
  };
}

export interface ScheduleKey {
  groupName: string;
  name: string;
}

/** CreateSchedule and UpdateSchedule: the name in the path, the rest in the body. */
export function parseScheduleRequest(
  name: string,
  body: Json,
): ScheduleKey & { definition: ScheduleDefinition; clientToken?: string } {
  const problems: string[] = [];
  checkName(problems, 'name', name);
  const groupName = groupFrom(problems, 'groupName', body.GroupName);
  if (problems.length > 0) throw validationError(problems);
  const definition = parseDefinition(body);
  const clientToken = typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
  return { groupName, name, definition, ...(clientToken !== undefined ? { clientToken } : {}) };
}

/** GetSchedule and DeleteSchedule: the name in the path, the group in the query. */
export function parseScheduleKey(name: string, query: URLSearchParams): ScheduleKey {
  const problems: string[] = [];
  checkName(problems, 'name', name);
  const groupName = groupFrom(problems, 'groupName', query.get('groupName'));
  if (problems.length > 0) throw validationError(problems);
  return { groupName, name };
}

// ---------------------------------------------------------------------------------------
// Lists, page by page

export interface Page {
  start: number;
  size: number;
}

/** The next page's token, when there is one: the offset of its first item, opaque to callers. */
export function nextPageToken(page: Page, total: number): string | undefined {
  const next = page.start + page.size;
  return next < total ? Buffer.from(JSON.stringify({ offset: next }), 'utf8').toString('base64url') : undefined;
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

function pageFrom(problems: string[], query: URLSearchParams): Page | undefined {
  const maxRaw = query.get('MaxResults');
  const size = maxRaw === null ? DEFAULT_PAGE_SIZE : optionalInteger(problems, 'maxResults', Number(maxRaw), 1, 100);
  const start = decodeToken(problems, query.get('NextToken'));
  return size === undefined ? undefined : { start, size };
}

/** ListSchedules: `?ScheduleGroup=&NamePrefix=&State=&MaxResults=&NextToken=`. */
export function parseListSchedules(query: URLSearchParams): { filter: ScheduleFilter; page: Page } {
  const problems: string[] = [];
  const groupName = query.get('ScheduleGroup');
  if (groupName !== null) checkName(problems, 'groupName', groupName);
  const namePrefix = query.get('NamePrefix');
  if (namePrefix !== null) checkName(problems, 'namePrefix', namePrefix);
  const state: ScheduleState | undefined = optionalEnum(problems, 'state', query.get('State') ?? undefined, [
    'ENABLED',
    'DISABLED',
  ] as const);
  const page = pageFrom(problems, query);
  if (problems.length > 0 || page === undefined) throw validationError(problems);
  return {
    filter: {
      ...(groupName !== null ? { groupName } : {}),
      ...(namePrefix !== null ? { namePrefix } : {}),
      ...(state !== undefined ? { state } : {}),
    },
    page,
  };
}

// ---------------------------------------------------------------------------------------
// Schedule groups

/** ListScheduleGroups: `?NamePrefix=&MaxResults=&NextToken=`. */
export function parseListGroups(query: URLSearchParams): { namePrefix?: string; page: Page } {
  const problems: string[] = [];
  const namePrefix = query.get('NamePrefix');
  if (namePrefix !== null) checkName(problems, 'namePrefix', namePrefix);
  const page = pageFrom(problems, query);
  if (problems.length > 0 || page === undefined) throw validationError(problems);
  return { ...(namePrefix !== null ? { namePrefix } : {}), page };
}

/** Create/Get/DeleteScheduleGroup: the name in the path. */
export function parseGroupName(name: string): string {
  const problems: string[] = [];
  checkName(problems, 'name', name);
  if (problems.length > 0) throw validationError(problems);
  return name;
}

/** DeleteScheduleGroup: every schedule needs a group to fall back on. */
export function parseDeletableGroupName(name: string): string {
  if (parseGroupName(name) === 'default') throw validationError([`The default schedule group cannot be deleted`]);
  return name;
}
