import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { runIfMain } from './operations/command';
import { republishOutbox } from './operations/outbox';

/**
 * `npm run outbox`: publishes the outbox entries the table's stream gave up on.
 *
 *   npm run outbox -- --republish --table <TableName output> [--stage dev] [--dry-run] [--max N]
 *
 * Finds the entries still in the table (a published one is removed; an email's claim drops its
 * EmailSent once published) and invokes the deployed outbox function
 * (`careloop-<stage>-outbox`) with them, as its stream would. Safe to repeat: the function skips
 * what is published. Prints counts only: entries hold ids, but nothing here needs to show them.
 */

const USAGE = `usage:
  npm run outbox -- --republish --table <name> [--stage <stage>] [--dry-run] [--max N]

  --republish     hand the unpublished events (outbox entries, and emails' claims still
                  carrying their EmailSent) to the outbox function
  --table <name>  the CareLoop table (stack output TableName)
  --stage <name>  the stage deployed (default dev): the function careloop-<stage>-outbox
  --dry-run       count them; invoke nothing
  --max N         at most N entries (default 1000)

Locally there is nothing to do: npm start reads the table's stream from its oldest record, so
restarting it hands every unpublished entry to the outbox function again.`;

export interface OutboxArgs {
  republish: boolean;
  table?: string;
  stage: string;
  dryRun: boolean;
  max: number;
  help: boolean;
}

export function parseOutboxArgs(argv: readonly string[]): OutboxArgs {
  const args: OutboxArgs = { republish: false, stage: 'dev', dryRun: false, max: 1000, help: false };
  const value = (index: number, flag: string) => {
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
    return next;
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    switch (arg) {
      case '--republish':
        args.republish = true;
        break;
      case '--table':
        args.table = value(index++, arg);
        break;
      case '--stage':
        args.stage = value(index++, arg);
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--max': {
        const max = Number(value(index++, arg));
        if (!Number.isInteger(max) || max < 1) throw new Error('--max must be a whole number above 0');
        args.max = max;
        break;
      }
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

runIfMain(import.meta.url, {
  usage: USAGE,
  parse: parseOutboxArgs,
  ready: (args) => args.republish && args.table !== undefined,
  async run(args) {
    const lambda = new LambdaClient({});
    const functionName = `careloop-${args.stage}-outbox`;
    const outcome = await republishOutbox({
      client: new DynamoDBClient({}),
      tableName: args.table!,
      dryRun: args.dryRun,
      max: args.max,
      async invoke(event) {
        const { Payload, FunctionError } = await lambda.send(
          new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
        );
        if (FunctionError) throw new Error(`${functionName} failed (${FunctionError}): see its log group`);
        return JSON.parse(Buffer.from(Payload ?? []).toString('utf8') || '{}') as DynamoDBBatchResponse;
      },
    });
    console.log(
      `${args.dryRun ? 'would hand over' : 'handed over'} ${outcome.handedOver} of ${outcome.found} unpublished entries to ${functionName}` +
        (outcome.failed > 0 ? `; ${outcome.failed} still failed: run again once the cause is fixed` : ''),
    );
    return outcome.failed === 0;
  },
});
