import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createPublisher, type Publisher } from '../shared/adapters/event-publisher';
import { runIfMain } from './operations/command';
import {
  redriveQueue,
  redriveRecords,
  type RedriveLine,
  type RedriveOutcome,
  type RedriveSummary,
} from './operations/dead-letters';

/**
 * `npm run redrive`: puts dead-lettered events back on the bus through the typed publisher.
 *
 *   npm run redrive -- --queue <url> [--queue <url> …] [--dry-run] [--max N] [--bus clinic-events]
 *   npm run redrive -- --local [http://127.0.0.1:4010] [--dry-run] [--max N]
 *
 * AWS mode reads the given SQS queues (a function's on-failure queue, a rule's dead-letter
 * queue, the rejected-events queue, the scheduler dead-letter queue), publishes every event
 * that passes the contract and deletes exactly those messages. Everything else stays in its
 * queue with the reason printed. Local mode re-publishes GET /_local/dead-letters to the
 * local stack. Lines carry ids, kinds and outcomes only: never a name, address or note.
 */

const USAGE = `usage:
  npm run redrive -- --queue <url> [--queue <url> ...] [--dry-run] [--max N] [--bus <name>]
  npm run redrive -- --local [url] [--dry-run] [--max N]

  --queue <url>  an SQS dead-letter queue to redrive (repeatable): a function's on-failure queue,
                 a rule target's dead-letter queue, RejectedEventsQueueUrl, SchedulerDeadLetterQueueUrl
  --local [url]  the local stack's dead letters (default http://127.0.0.1:$CARELOOP_EVENTS_PORT, port 4010)
  --dry-run      print what would happen; publish and delete nothing
  --max N        look at most at N messages per queue (default 1000)
  --bus <name>   the event bus (default $CARELOOP_BUS_NAME, else clinic-events)

Events that reached the bus but no queue (a handler bug fixed since) can be replayed from the bus
archive instead: aws events start-replay --replay-name <name> --event-source-arn <archive ARN>
  --event-start-time <t1> --event-end-time <t2> --destination Arn=<bus ARN>,FilterArns=<rule ARN>
Both are safe to repeat: handlers act once per eventId.`;

export interface RedriveArgs {
  dryRun: boolean;
  queues: string[];
  local?: string;
  max: number;
  bus: string;
  help: boolean;
}

export function parseRedriveArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RedriveArgs {
  const args: RedriveArgs = {
    dryRun: false,
    queues: [],
    max: 1000,
    bus: env.CARELOOP_BUS_NAME ?? 'clinic-events',
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
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--queue':
        args.queues.push(value(index, arg));
        index++;
        break;
      case '--local': {
        const next = argv[index + 1];
        if (next !== undefined && !next.startsWith('--')) {
          args.local = next;
          index++;
        } else {
          args.local = `http://${env.CARELOOP_HOST ?? '127.0.0.1'}:${env.CARELOOP_EVENTS_PORT ?? 4010}`;
        }
        break;
      }
      case '--max': {
        const max = Number(value(index, arg));
        if (!Number.isInteger(max) || max < 1) throw new Error('--max must be a whole number above 0');
        args.max = max;
        index++;
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
  if (!args.help && args.queues.length === 0 && args.local === undefined) {
    throw new Error('give at least one --queue <url> (the stack outputs name them), or --local');
  }
  if (args.local !== undefined && args.queues.length > 0) throw new Error('--local and --queue cannot be combined');
  if (args.local !== undefined) args.local = args.local.replace(/\/+$/, '');
  return args;
}

const OUTCOME_TEXT: Record<RedriveOutcome, string> = {
  published: 'published',
  'would-publish': 'would publish',
  invalid: 'left: still breaks the contract',
  'publish-failed': 'left: PutEvents failed',
  'not-a-contract-event': 'left: not a contract event',
  'schedule-input': 'left: schedule input',
  malformed: 'left: unreadable',
};

/** One line per message: ids, detail-type, outcome. Never a detail's content. */
export function formatLine(line: RedriveLine): string {
  const ids = Object.entries({
    eventId: line.ids.eventId,
    clinic: line.ids.clinicId,
    booking: line.ids.bookingId,
    patient: line.ids.patientId,
  })
    .filter(([, id]) => id !== undefined)
    .map(([name, id]) => `${name}=${id}`)
    .join(' ');
  const kind = line.detailType ?? (line.job ? `${line.job} schedule` : '?');
  const outcome = [
    OUTCOME_TEXT[line.outcome],
    line.eventBridgeId ? `(EventBridge id ${line.eventBridgeId})` : undefined,
    line.outcome === 'published' ? (line.deleted ? '+ deleted' : undefined) : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const cause = line.cause && line.cause !== line.note ? `dead-lettered by: ${line.cause}` : undefined;
  const details = [line.note, cause].filter(Boolean).join('; ');
  return `  ${line.id}  ${line.format ?? '-'}  ${kind}${ids ? `  ${ids}` : ''}  → ${outcome}${details ? ` (${details})` : ''}`;
}

export function formatSummary(summary: RedriveSummary, dryRun: boolean, local = false): string {
  const parts = Object.entries(summary.counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  const stopped = {
    'queue-empty': 'the queue had no more visible messages',
    'max-reached': 'the --max limit was reached',
    'messages-came-round-again': 'messages came round again (their visibility timeout lapsed)',
    'no-more-entries': 'every dead letter was looked at',
  }[summary.stoppedBecause];
  return [
    `  ${summary.lines.length} message(s): ${parts.length > 0 ? parts.join(', ') : 'nothing to do'}`,
    dryRun
      ? '  dry run: nothing was published or deleted'
      : local
        ? '  the local stack keeps its dead-letter list: what was published stays listed'
        : `  deleted ${summary.deleted} published message(s)`,
    summary.deleteFailures > 0
      ? `  ${summary.deleteFailures} published but not deleted: they stay in the queue (a later redrive is harmless)`
      : undefined,
    `  stopped: ${stopped}`,
  ]
    .filter(Boolean)
    .join('\n');
}

const IDEMPOTENT =
  'Redriving is idempotent: every handler skips an eventId it has already processed (markers are kept 35 days), ' +
  'so publishing an event twice, or running this again, is safe.';

export async function runRedrive(
  args: RedriveArgs,
  io: {
    print: (line: string) => void;
    sqs?: SQSClient;
    publisher?: Publisher;
    fetch?: typeof fetch;
  } = { print: console.log },
): Promise<{ summaries: RedriveSummary[]; ok: boolean }> {
  const { print } = io;
  print(IDEMPOTENT);
  if (args.dryRun) {
    print(
      args.local === undefined
        ? 'Dry run: messages are received with a short visibility timeout; nothing is published or deleted.'
        : 'Dry run: nothing is published.',
    );
  }
  const summaries: RedriveSummary[] = [];

  if (args.local !== undefined) {
    const publisher =
      io.publisher ??
      createPublisher({
        client: new EventBridgeClient({
          endpoint: args.local,
          region: 'eu-central-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
        eventBusName: args.bus,
      });
    const response = await (io.fetch ?? fetch)(`${args.local}/_local/dead-letters`);
    if (!response.ok) throw new Error(`GET ${args.local}/_local/dead-letters answered ${response.status}`);
    const records = (await response.json()) as unknown;
    if (!Array.isArray(records)) throw new Error('GET /_local/dead-letters did not answer a JSON array');
    print(`\nLocal dead letters at ${args.local} (${records.length}), bus ${args.bus}:`);
    const summary = await redriveRecords({
      publisher,
      records,
      dryRun: args.dryRun,
      max: args.max,
      onLine: (line) => print(formatLine(line)),
    });
    print(formatSummary(summary, args.dryRun, true));
    summaries.push(summary);
  } else {
    const sqs = io.sqs ?? new SQSClient({});
    const publisher = io.publisher ?? createPublisher({ client: new EventBridgeClient({}), eventBusName: args.bus });
    for (const queueUrl of args.queues) {
      print(`\nQueue ${queueUrl} → bus ${args.bus}:`);
      const summary = await redriveQueue({
        sqs,
        publisher,
        queueUrl,
        dryRun: args.dryRun,
        max: args.max,
        onLine: (line) => print(formatLine(line)),
      });
      print(formatSummary(summary, args.dryRun));
      summaries.push(summary);
    }
  }

  const total = (outcome: RedriveOutcome) => summaries.reduce((sum, summary) => sum + summary.counts[outcome], 0);
  if (total('schedule-input') > 0) {
    print(
      `\n${total('schedule-input')} schedule input(s) were left where they are: they are reminder or check-in payloads, ` +
        'not bus events. Run `npm run reconcile` (then `-- --repair`) to bring reminder schedules back in line with the bookings.',
    );
  }
  const ok = total('publish-failed') === 0 && summaries.every((summary) => summary.deleteFailures === 0);
  return { summaries, ok };
}

runIfMain(import.meta.url, {
  usage: USAGE,
  parse: parseRedriveArgs,
  run: async (args) => (await runRedrive(args)).ok,
});
