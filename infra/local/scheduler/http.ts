/**
 * EventBridge Scheduler's REST-JSON wire format in front of the engine, so the unchanged
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
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { leaveIdleConnectionsToClients } from '../idle-connections';

import { SchedulerError, type ScheduleGroup, type SchedulerEngine, type StoredSchedule } from './engine';
import {
  isObject,
  nextPageToken,
  parseDeletableGroupName,
  parseGroupName,
  parseListGroups,
  parseListSchedules,
  parseScheduleKey,
  parseScheduleRequest,
  validationError,
  type Json,
  type Page,
} from './validation';

export interface SchedulerHttp {
  server: http.Server;
  /** Starts listening (port 0: an ephemeral port) and resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Closes the server and its connections. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const STATUS: Record<SchedulerError['type'], number> = {
  ValidationException: 400,
  ConflictException: 409,
  ResourceNotFoundException: 404,
  InternalServerException: 500,
  UnknownOperationException: 404,
};

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** The region the caller signed for (its SigV4 credential scope): AWS puts it in the ARNs. */
function regionOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  return /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/scheduler\//.exec(auth)?.[1];
}

function describeSchedule(record: Readonly<StoredSchedule>): Json {
  const out: Json = {
    Arn: record.arn,
    GroupName: record.groupName,
    Name: record.name,
    ScheduleExpression: record.scheduleExpression,
    State: record.state,
    CreationDate: epochSeconds(record.creationDate),
    LastModificationDate: epochSeconds(record.lastModificationDate),
    Target: record.given.target,
    FlexibleTimeWindow: record.given.flexibleTimeWindow,
    ActionAfterCompletion: record.actionAfterCompletion,
  };
  if (record.timezoneGiven) out.ScheduleExpressionTimezone = record.scheduleExpressionTimezone;
  if (record.description !== undefined) out.Description = record.description;
  if (record.startDate) out.StartDate = epochSeconds(record.startDate);
  if (record.endDate) out.EndDate = epochSeconds(record.endDate);
  if (record.kmsKeyArn !== undefined) out.KmsKeyArn = record.kmsKeyArn;
  return out;
}

const summarizeSchedule = (record: Readonly<StoredSchedule>): Json => ({
  Arn: record.arn,
  Name: record.name,
  GroupName: record.groupName,
  State: record.state,
  CreationDate: epochSeconds(record.creationDate),
  LastModificationDate: epochSeconds(record.lastModificationDate),
  Target: { Arn: record.target.arn },
});

const describeGroup = (group: ScheduleGroup): Json => ({
  Arn: group.arn,
  Name: group.name,
  State: 'ACTIVE',
  CreationDate: epochSeconds(group.creationDate),
  LastModificationDate: epochSeconds(group.lastModificationDate),
});

/** One page of a list, and the token of the next when there is one. */
function pageOf<T>(field: string, items: readonly T[], page: Page, describe: (item: T) => Json): Json {
  const out: Json = { [field]: items.slice(page.start, page.start + page.size).map(describe) };
  const next = nextPageToken(page, items.length);
  if (next !== undefined) out.NextToken = next;
  return out;
}

function unknownOperation(method: string, path: string): SchedulerError {
  return new SchedulerError(
    'UnknownOperationException',
    `The scheduler emulator has no operation ${method} ${path} (it answers the schedule and schedule-group operations).`,
  );
}

export function createSchedulerHttp(engine: SchedulerEngine): SchedulerHttp {
  const scheduleOperation = async (req: http.IncomingMessage, method: string, name: string, url: URL) => {
    switch (method) {
      case 'POST': {
        const { groupName, definition, clientToken } = parseScheduleRequest(name, await readJson(req));
        return {
          ScheduleArn: engine.createSchedule(groupName, name, definition, { clientToken, region: regionOf(req) }),
        };
      }
      case 'PUT': {
        const { groupName, definition } = parseScheduleRequest(name, await readJson(req));
        return { ScheduleArn: engine.updateSchedule(groupName, name, definition) };
      }
      case 'GET': {
        const key = parseScheduleKey(name, url.searchParams);
        return describeSchedule(engine.getSchedule(key.groupName, key.name));
      }
      case 'DELETE': {
        const key = parseScheduleKey(name, url.searchParams);
        engine.deleteSchedule(key.groupName, key.name);
        return {};
      }
      default:
        throw unknownOperation(method, url.pathname);
    }
  };

  const groupOperation = (req: http.IncomingMessage, method: string, name: string): Json => {
    parseGroupName(name);
    switch (method) {
      case 'POST':
        return { ScheduleGroupArn: engine.createGroup(name, regionOf(req)).arn };
      case 'GET':
        return describeGroup(engine.getGroup(name));
      case 'DELETE':
        engine.deleteGroup(parseDeletableGroupName(name));
        return {};
      default:
        throw unknownOperation(method, `/schedule-groups/${name}`);
    }
  };

  const route = async (req: http.IncomingMessage): Promise<Json> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter((s) => s.length > 0);
    const [resource, rawName, extra] = segments;
    if (extra !== undefined) throw unknownOperation(method, url.pathname);
    const name = rawName === undefined ? undefined : safeDecode(rawName);

    if (resource === 'schedule-groups') {
      if (name !== undefined) return groupOperation(req, method, name);
      if (method === 'GET') {
        const { namePrefix, page } = parseListGroups(url.searchParams);
        return pageOf('ScheduleGroups', engine.listGroups(namePrefix), page, describeGroup);
      }
      throw unknownOperation(method, '/schedule-groups');
    }
    if (resource !== 'schedules') throw unknownOperation(method, url.pathname);
    if (name !== undefined) return scheduleOperation(req, method, name, url);
    if (method === 'GET') {
      const { filter, page } = parseListSchedules(url.searchParams);
      return pageOf('Schedules', engine.listSchedules(filter), page, summarizeSchedule);
    }
    throw unknownOperation(method, url.pathname);
  };

  const server = http.createServer((req, res) => {
    const requestId = randomUUID();
    route(req)
      .then((body) => send(res, 200, requestId, body))
      .catch((error: unknown) => {
        const known =
          error instanceof SchedulerError
            ? error
            : new SchedulerError(
                'InternalServerException',
                `Internal error in the scheduler emulator: ${error instanceof Error ? error.message : String(error)}`,
              );
        if (!(error instanceof SchedulerError)) console.error('[scheduler-emulator]', error);
        send(res, STATUS[known.type], requestId, { message: known.message, Message: known.message }, known.type);
      });
  });
  leaveIdleConnectionsToClients(server);

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
    if (!server.listening) return;
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeAllConnections();
    await closed;
  };

  return { server, listen, close };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readJson(req: http.IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw validationError([`Request body larger than ${MAX_BODY_BYTES} bytes`]);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationError([`Request body is not valid JSON`]);
  }
  if (!isObject(parsed)) throw validationError([`Request body must be a JSON object`]);
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
