import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { localHandlerEnvironment } from '../infra/local/stack';
import { keys } from '../shared/adapters/dynamo-store';
import { secretValueLoader } from '../shared/adapters/secret-value';
import { loadRuntimeConfig, requireSetting } from '../shared/config';
import { runIfMain } from './operations/command';
import type { PatientRecord } from '../shared/domain/model';

/**
 * `npm run suppressions -- --migrate`: re-keys the suppressed addresses stored the old way (a
 * plain SHA-256 of the address, which a dictionary of likely addresses reverses) under the HMAC
 * the functions now use, with the stack's address key. A hash cannot be turned back into its
 * address, so each old item is matched against the addresses the table knows (patients' current
 * ones); one that matches none belongs to an address no patient uses any more, and is deleted
 * with `--delete-unmatched` (it is reported, never printed). The functions also re-key an old
 * item when they meet it, and read both keys until none is left, so nothing is mailed that
 * should not be, before, during or after the migration.
 *
 * Prints counts only: never an address or a hash.
 */

const USAGE = `usage:
  npm run suppressions -- --migrate [--dry-run] [--delete-unmatched] [--local]

  --migrate           re-key suppressions stored as a plain SHA-256 of the address
  --dry-run           count what would change, change nothing
  --delete-unmatched  delete old suppressions that match no patient's current address
  --local             against \`npm start\` (CARELOOP_HOST and CARELOOP_*_PORT as for npm start)

Without --local the configuration is the handlers' own environment (see shared/config.ts):
TABLE_NAME and ADDRESS_KEY_SECRET_ID, copied from a deployed function, e.g.
  aws lambda get-function-configuration --function-name <booking-created function> --query Environment.Variables`;

export interface SuppressionsArgs {
  migrate: boolean;
  dryRun: boolean;
  deleteUnmatched: boolean;
  local: boolean;
  help: boolean;
}

export function parseSuppressionsArgs(argv: readonly string[]): SuppressionsArgs {
  const args: SuppressionsArgs = { migrate: false, dryRun: false, deleteUnmatched: false, local: false, help: false };
  for (const arg of argv) {
    if (arg === '--migrate') args.migrate = true;
    else if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--delete-unmatched') args.deleteUnmatched = true;
    else if (arg === '--local') args.local = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return args;
}

export interface MigrationCounts {
  /** Old items found. */
  legacy: number;
  /** Matched to a patient's address and re-keyed (or, in a dry run, would be). */
  rekeyed: number;
  /** Matching no patient's current address. */
  unmatched: number;
  /** Unmatched items deleted. */
  deleted: number;
}

async function* scanAll(
  client: DynamoDBClient,
  tableName: string,
  filter: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> },
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: filter.expression,
        ExpressionAttributeNames: filter.names,
        ExpressionAttributeValues: filter.values,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield unmarshall(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

const LEGACY_SORT_KEY = keys.legacySuppressedAddress('').sk;
const PROFILE_SORT_KEY = keys.patient('', '').sk;

export async function migrateSuppressions(options: {
  client: DynamoDBClient;
  tableName: string;
  addressKey: string;
  dryRun?: boolean;
  deleteUnmatched?: boolean;
}): Promise<MigrationCounts> {
  const { client, tableName, addressKey } = options;
  // The addresses the table knows, by their old key: the only way back from a hash.
  const addressByLegacyKey = new Map<string, string>();
  for await (const item of scanAll(client, tableName, {
    expression: '#sk = :profile',
    names: { '#sk': 'sk' },
    values: { ':profile': { S: PROFILE_SORT_KEY } },
  })) {
    const email = (item.data as PatientRecord | undefined)?.email;
    if (email) addressByLegacyKey.set(keys.legacySuppressedAddress(email).pk, email);
  }
  const counts: MigrationCounts = { legacy: 0, rekeyed: 0, unmatched: 0, deleted: 0 };
  for await (const item of scanAll(client, tableName, {
    expression: 'begins_with(#pk, :prefix) AND #sk = :legacy',
    names: { '#pk': 'pk', '#sk': 'sk' },
    values: { ':prefix': { S: 'SUPPRESSED#' }, ':legacy': { S: LEGACY_SORT_KEY } },
  })) {
    counts.legacy++;
    const legacyKey = { pk: String(item.pk), sk: LEGACY_SORT_KEY };
    const address = addressByLegacyKey.get(legacyKey.pk);
    if (address === undefined) {
      counts.unmatched++;
      if (options.deleteUnmatched && !options.dryRun) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(legacyKey) }));
        counts.deleted++;
      }
      continue;
    }
    counts.rekeyed++;
    if (options.dryRun) continue;
    // The new item first: an address is never without its suppression in between.
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall({ ...item, ...keys.suppressedAddress(address, addressKey) }, { removeUndefinedValues: true }),
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(legacyKey) }));
  }
  return counts;
}

export async function runSuppressions(args: SuppressionsArgs, print: (line: string) => void = console.log) {
  if (!args.migrate) throw new Error('say what to do: --migrate');
  if (args.local) Object.assign(process.env, localHandlerEnvironment());
  const config = loadRuntimeConfig(process.env);
  const client = new DynamoDBClient({});
  try {
    const addressKey = await secretValueLoader(requireSetting(config, 'addressKeySecretId', 'npm run suppressions'))();
    const counts = await migrateSuppressions({
      client,
      tableName: config.tableName,
      addressKey,
      dryRun: args.dryRun,
      deleteUnmatched: args.deleteUnmatched,
    });
    const verb = args.dryRun ? 'would be' : 'were';
    print(
      `${counts.legacy} suppression(s) keyed by a plain hash in ${config.tableName}: ${counts.rekeyed} ${verb} re-keyed, ` +
        `${counts.unmatched} match(es) no patient's current address` +
        (counts.unmatched === 0
          ? '.'
          : args.deleteUnmatched
            ? ` (${args.dryRun ? 'would be deleted' : `${counts.deleted} deleted`}).`
            : '; run again with --delete-unmatched to delete them.'),
    );
    return counts;
  } finally {
    client.destroy();
  }
}

runIfMain(import.meta.url, {
  usage: USAGE,
  parse: parseSuppressionsArgs,
  ready: (args) => args.migrate,
  run: (args) => runSuppressions(args),
});
