import { randomBytes, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { parsePublishedEvent } from '../events/published';
import { InvalidEventError, parseDetail } from '../events/validation';
import { keys } from '../shared/adapters/dynamo-store';
import { createPublisher } from '../shared/adapters/event-publisher';
import type { ExportRecord, PatientRecord } from '../shared/domain/model';
import { localEventBridgeClient } from './clinic';
import { runIfMain } from './operations/command';

/**
 * `npm run patient -- export|erase --clinic C --patient P`: a patient's data request made by an
 * operator, as the clinic admin app makes it (PatientDataExportRequested, PatientErasureRequested),
 * then the answer waited for and told: where the export is, or when the patient was erased. Prints
 * the clinic, patient and request ids, and the export's place: never anything else of the patient.
 */

const USAGE = `usage:
  npm run patient -- export --clinic <id> --patient <id> [--request <id>] [--local [url] | --table <name>]
  npm run patient -- erase  --clinic <id> --patient <id> [--request <id>] [--yes] [--local [url] | --table <name>]

  export            ask for a copy of everything CareLoop holds about the patient, and print
                    where it is (bucket, key, until when)
  erase             erase the patient, for good (asks first, unless --yes)
  --clinic <id>     the clinic's id, as in its events
  --patient <id>    the patient's id, as in their events
  --request <id>    the request's id (default a new one, printed): the same id again does nothing
                    new, so repeating a request with it, after a timeout say, is safe
  --local [url]     the local stack of \`npm start\`
                    (default http://$CARELOOP_HOST:$CARELOOP_EVENTS_PORT, else http://127.0.0.1:4010)
  --bus <name>      the event bus (default $CARELOOP_BUS_NAME, else clinic-events)
  --table <name>    on AWS: the CareLoop table (stack output TableName), needed there
  --timeout <s>     how long to wait for the answer, in seconds (default 60)
  --yes             erase without asking

Without --local it publishes to AWS with the default credential chain (AWS_PROFILE, AWS_REGION,
...), as a role that may send clinic.patients to the bus and read the table (docs/OPERATIONS.md).
On AWS a command line cannot read the bus's answer event, so it reads the record that the answer
event reports (the export's record, the patient's erasure) from the table. On the local stack it
reads the answer event itself, from /_local/events.`;

export type PatientAction = 'export' | 'erase';

export interface PatientArgs {
  action?: PatientAction;
  clinic?: string;
  patient?: string;
  request?: string;
  local?: string;
  bus: string;
  table?: string;
  timeoutSeconds: number;
  yes: boolean;
  help: boolean;
}

const REQUESTS = {
  export: { request: 'PatientDataExportRequested', answer: 'PatientDataExportReady' },
  erase: { request: 'PatientErasureRequested', answer: 'PatientErased' },
} as const;

/** The flag each id of the request's detail comes from, so a refusal names both. */
const FLAG_OF_FIELD: Record<string, string> = { clinicId: '--clinic', patientId: '--patient', requestId: '--request' };

/** How often the answer is looked for: an export or erasure takes seconds, not milliseconds. */
const POLL_INTERVAL_MS = 1000;

export function parsePatientArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PatientArgs {
  const args: PatientArgs = {
    bus: env.CARELOOP_BUS_NAME || 'clinic-events',
    timeoutSeconds: 60,
    yes: false,
    help: false,
  };
  const value = (index: number, flag: string) => {
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
    return next;
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    switch (arg) {
      case 'export':
      case 'erase':
        if (args.action !== undefined) throw new Error(`say one of export or erase, not both`);
        args.action = arg;
        break;
      case '--clinic':
        args.clinic = value(index++, arg);
        break;
      case '--patient':
        args.patient = value(index++, arg);
        break;
      case '--request':
        args.request = value(index++, arg);
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
        args.bus = value(index++, arg);
        break;
      case '--table':
        args.table = value(index++, arg);
        break;
      case '--timeout': {
        const seconds = Number(value(index++, arg));
        if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--timeout must be a number of seconds above 0');
        args.timeoutSeconds = seconds;
        break;
      }
      case '--yes':
        args.yes = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (args.local !== undefined && args.table !== undefined) {
    throw new Error('--table is for AWS: with --local the answer is read from the local stack');
  }
  return { ...args, ...checkedIds(args) };
}

/**
 * The ids as the contract reads them (trimmed), checked by the request's own schema, so that an
 * id the function would refuse is refused here, naming the field and its flag, before anything
 * is published. Only the ids given are checked: the others are stand-ins the schema accepts.
 */
function checkedIds(args: PatientArgs): Pick<PatientArgs, 'clinic' | 'patient' | 'request'> {
  if (args.clinic === undefined && args.patient === undefined && args.request === undefined) return {};
  let detail;
  try {
    detail = parseDetail(REQUESTS[args.action ?? 'export'].request, {
      eventId: 'evt-check',
      occurredAt: new Date().toISOString(),
      clinicId: args.clinic ?? 'clinic',
      patientId: args.patient ?? 'patient',
      requestId: args.request ?? 'request',
    });
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    const problems = error.problems.map((problem) => {
      const field = problem.slice(0, problem.indexOf(':'));
      return FLAG_OF_FIELD[field] ? `${FLAG_OF_FIELD[field]}: ${problem}` : problem;
    });
    throw new Error(`refused by the contract: ${problems.join('; ')}`);
  }
  return {
    ...(args.clinic !== undefined && { clinic: detail.clinicId }),
    ...(args.patient !== undefined && { patient: detail.patientId }),
    ...(args.request !== undefined && { request: detail.requestId }),
  };
}

/** A request id an operator can read back and type again: the day, and enough randomness to be its own. */
export function newRequestId(now: Date = new Date()): string {
  return `dsr-${now.toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
}

export interface PatientIo {
  print: (line: string) => void;
  error: (line: string) => void;
  /** Asks the question and resolves with the line answered: the terminal's unless a test gives one. */
  ask?: (question: string) => Promise<string>;
  /** Replace the clients the arguments call for (tests). */
  client?: EventBridgeClient;
  dynamodb?: DynamoDBClient;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** What the answer said: the export's place, or when the patient was erased. */
export type Answer =
  { action: 'export'; bucket: string; key: string; expiresAt: string } | { action: 'erase'; erasedAt: string };

/** One data request, its ids as the contract reads them. */
export interface PatientRequest {
  action: PatientAction;
  clinicId: string;
  patientId: string;
  requestId: string;
}

/** Resolves false when nothing was published, or no answer came in time: the command then exits 1. */
export async function runPatient(
  args: PatientArgs,
  io: PatientIo = { print: console.log, error: console.error },
): Promise<boolean> {
  if (!args.action || !args.clinic || !args.patient) {
    throw new Error('say what to do, and for whom: export|erase --clinic <id> --patient <id>');
  }
  if (args.local === undefined && args.table === undefined) {
    io.error(
      'Nothing was published: on AWS the answer is read from the CareLoop table; name it with --table <name> ' +
        '(stack output TableName), or use --local for the local stack.',
    );
    return false;
  }
  const get = io.fetch ?? fetch;
  let localS3: string | undefined;
  let occurredAt = new Date((io.now ?? Date.now)()).toISOString();
  if (args.local !== undefined) {
    const health = await get(`${args.local}/_local/health`).catch(() => undefined);
    if (health?.status !== 200) {
      io.error(`No local stack answers at ${args.local}. Start it first with \`npm start\` in another shell.`);
      return false;
    }
    localS3 =
      ((await health.json()) as { endpoints?: { s3?: string } }).endpoints?.s3 ??
      `http://${process.env.CARELOOP_HOST || '127.0.0.1'}:${process.env.CARELOOP_S3_PORT || 4568}`;
    // The stack's functions judge "before the erasure" on its clock, which POST /_local/clock may
    // have moved ahead of real time.
    const clock = await get(`${args.local}/_local/clock`).catch(() => undefined);
    if (clock?.status === 200) occurredAt = ((await clock.json()) as { now: string }).now;
  }

  const request: PatientRequest = {
    action: args.action,
    clinicId: args.clinic,
    patientId: args.patient,
    requestId: args.request ?? newRequestId(new Date(occurredAt)),
  };
  const ids = `clinic ${request.clinicId}, patient ${request.patientId}, request ${request.requestId}`;

  if (request.action === 'erase' && !args.yes) {
    const answer = await (io.ask ?? askOnTerminal)(
      `Erase ${ids}? Everything CareLoop holds about the patient is deleted, for good. Type yes to erase: `,
    );
    if (!/^\s*yes\s*$/i.test(answer)) {
      io.error('Not erased: nothing was published.');
      return false;
    }
  }

  const client =
    io.client ?? (args.local !== undefined ? localEventBridgeClient(args.local) : new EventBridgeClient({}));
  const dynamodb = args.local === undefined ? (io.dynamodb ?? new DynamoDBClient({})) : undefined;
  try {
    const where =
      args.local !== undefined ? `the local stack at ${args.local}` : `AWS (${await client.config.region()})`;
    const { request: detailType } = REQUESTS[request.action];
    const eventId = `evt-${randomUUID()}`;
    const [result] = await createPublisher({ client, eventBusName: args.bus }).publish([
      {
        detailType,
        detail: {
          eventId,
          occurredAt,
          clinicId: request.clinicId,
          patientId: request.patientId,
          requestId: request.requestId,
        },
      },
    ]);
    if (result!.status !== 'published') {
      const reason =
        result!.status === 'invalid' ? result!.problems.join('; ') : `${result!.errorCode}: ${result!.errorMessage}`;
      io.error(`NOT published ${detailType} for ${ids}: ${reason}`);
      return false;
    }
    io.print(`Published ${detailType} for ${ids} (eventId ${eventId}) to bus ${args.bus} in ${where}.`);
    if (args.request === undefined) {
      io.print(`To ask after this request again, repeat it with --request ${request.requestId}: it does nothing new.`);
    }
    io.print(`Waiting up to ${args.timeoutSeconds} s for ${REQUESTS[request.action].answer}...`);

    const look =
      args.local !== undefined
        ? () => answerOnLocalStack(get, args.local!, request)
        : () => answerInTable(dynamodb!, args.table!, request);
    const answer = await poll(look, args.timeoutSeconds * 1000, io);
    if (!answer) {
      for (const line of timedOut(args, request, eventId)) io.error(line);
      return false;
    }
    for (const line of describeAnswer(answer, localS3)) io.print(line);
    return true;
  } finally {
    if (!io.client) client.destroy();
    if (!io.dynamodb) dynamodb?.destroy();
  }
}

/** Looks until found or the time is up; a last look at the deadline, so a slow answer still counts. */
async function poll<T>(look: () => Promise<T | undefined>, timeoutMs: number, io: PatientIo): Promise<T | undefined> {
  const now = io.now ?? Date.now;
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found) return found;
    const left = deadline - now();
    if (left <= 0) return undefined;
    await sleep(Math.min(POLL_INTERVAL_MS, left));
  }
}

/** The answer event on the local stack's bus, as `GET /_local/events` lists what it accepted. */
async function answerOnLocalStack(
  get: typeof fetch,
  local: string,
  request: PatientRequest,
): Promise<Answer | undefined> {
  const response = await get(`${local}/_local/events?source=careloop.patients`);
  if (response.status !== 200) throw new Error(`${local}/_local/events answered ${response.status}`);
  const accepted = (await response.json()) as { source: string; detailType: string; detail: unknown }[];
  const answerType = REQUESTS[request.action].answer;
  for (const event of accepted) {
    if (event.detailType !== answerType) continue;
    const answer = parsePublishedEvent(event.source, event.detailType, event.detail);
    if (answer.detailType !== 'PatientDataExportReady' && answer.detailType !== 'PatientErased') continue;
    const { detail } = answer;
    const same =
      detail.clinicId === request.clinicId &&
      detail.patientId === request.patientId &&
      detail.requestId === request.requestId;
    if (!same) continue;
    return answer.detailType === 'PatientDataExportReady'
      ? { action: 'export', bucket: answer.detail.bucket, key: answer.detail.key, expiresAt: answer.detail.expiresAt }
      : { action: 'erase', erasedAt: answer.detail.occurredAt };
  }
  return undefined;
}

/**
 * On AWS: the record the answer event reports, written with it (the event goes out through the
 * outbox from the same write), read consistently so a record just written is seen.
 */
export async function answerInTable(
  dynamodb: DynamoDBClient,
  table: string,
  request: PatientRequest,
): Promise<Answer | undefined> {
  const { clinicId, patientId, requestId } = request;
  const key =
    request.action === 'export' ? keys.export(clinicId, patientId, requestId) : keys.patient(clinicId, patientId);
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: marshall(key), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { data } = unmarshall(Item) as { data?: unknown };
  if (request.action === 'export') {
    const record = data as ExportRecord | undefined;
    if (!record?.bucket || !record.key) return undefined;
    return { action: 'export', bucket: record.bucket, key: record.key, expiresAt: record.expiresAt };
  }
  // The profile is there before any erasure: only the erasure of this request answers it.
  const erasure = (data as PatientRecord | undefined)?.erasure;
  if (erasure?.requestId !== requestId) return undefined;
  return { action: 'erase', erasedAt: erasure.erasedAt };
}

function describeAnswer(answer: Answer, localS3: string | undefined): string[] {
  if (answer.action === 'erase') return [`Erased at ${answer.erasedAt}.`];
  const object = `s3://${answer.bucket}/${answer.key}`;
  return [
    `Export ready: bucket ${answer.bucket}, key ${answer.key}, until ${answer.expiresAt} (then the bucket deletes it).`,
    localS3 !== undefined
      ? `Read it (the local stack takes any credentials): aws s3 cp --endpoint-url ${localS3} ${object} -`
      : `Read it as one of the exportReaders (docs/DEPLOY.md, "Patient data exports"): aws s3 cp ${object} ./export.json`,
  ];
}

function timedOut(args: PatientArgs, request: PatientRequest, eventId: string): string[] {
  const answer = REQUESTS[request.action].answer;
  const functionName = REQUESTS[request.action].request;
  const lines = [
    `No ${answer} for request ${request.requestId} within ${args.timeoutSeconds} s. The request was published ` +
      `(eventId ${eventId}): CareLoop may still be at it, or may have failed on it.`,
  ];
  if (args.local !== undefined) {
    lines.push(`Look at ${args.local}/_local/dead-letters and at the output of \`npm start\`.`);
  } else {
    lines.push(
      `Look (docs/OPERATIONS.md) at the queue careloop-<stage>-queue-${functionName}FailureQueue and at the ` +
        'rejected-events queue; once the cause is fixed, `npm run redrive -- --queue <url>` hands the event back.',
    );
  }
  lines.push(`Then run this again with --request ${request.requestId}: a request already done does nothing new.`);
  return lines;
}

/** One line from the terminal; an input that ends first (nothing piped) answers nothing, so no. */
function askOnTerminal(question: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise<string>((resolve) => {
    lines.once('close', () => resolve(''));
    lines.question(question, (answer) => {
      resolve(answer);
      lines.close();
    });
  });
}

runIfMain(import.meta.url, {
  usage: USAGE,
  parse: parsePatientArgs,
  ready: (args) => args.action !== undefined && args.clinic !== undefined && args.patient !== undefined,
  run: (args) => runPatient(args),
});
