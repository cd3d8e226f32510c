import type { DetailType } from '../events/detail-types';
import type { OptionalPort } from '../shared/domain/ports';

/**
 * One description of each CareLoop function: what makes it run, what its code reaches, and
 * nothing about how. The CDK stack (infra/careloop-function.ts), the local stack
 * (infra/local/) and the operator tools derive everything else from it in one place
 * (infra/function-plan.ts): the trigger and where failures go, the role's grants, the
 * environment, the alarms. Adding a function is a folder under functions/ with its handler.ts
 * and descriptor.ts, and one line in functions/catalog.ts.
 */
export interface FunctionDescriptor {
  /** Folder under functions/, the stem of its logical ids, and of its name `careloop-<stage>-<name>`. */
  readonly name: string;
  /** What it does, for the Lambda console. */
  readonly description: string;
  readonly trigger: Trigger;
  /**
   * The optional ports its handler wires (shared/runtime/wiring.ts), and so what its role may do:
   * mailer → ses:SendEmail, scheduler → the schedules, unsubscribeLinks → the signing key,
   * exports → putting objects in the export bucket.
   * test/unit/wiring.test.ts checks them against each handler's `wiring`.
   */
  readonly ports: readonly OptionalPort[];
  /** The secrets it reads, besides those its ports imply (see secretsOf). */
  readonly secrets?: readonly SecretName[];
  /**
   * The table actions its code calls, and so the ones its role may use: `QueryIndex` is a query of
   * the byPatient index. test/integration/table-access.test.ts runs every function's paths and
   * checks it calls exactly these.
   */
  readonly table: readonly TableAction[];
  /**
   * The partitions it may touch, as patterns of the partition key (`dynamodb:LeadingKeys`), for
   * a function that needs only one kind of item; every partition when absent.
   */
  readonly tablePartitions?: readonly string[];
}

/** What makes a function run, and so where its failures go. */
export type Trigger =
  /**
   * A rule on the CareLoop bus for these contract events. Invoked asynchronously: Lambda retries
   * twice, then its on-failure queue; what EventBridge cannot deliver goes to the rule's DLQ.
   */
  | { readonly kind: 'bus'; readonly events: readonly DetailType[] }
  /** A rule on the account's default bus, where AWS publishes its own events (SES mail feedback). */
  | { readonly kind: 'aws-events'; readonly source: readonly string[]; readonly detailTypes: readonly string[] }
  /**
   * A queue of the stack, polled in batches with partial batch responses: a failed record goes
   * back to the queue, and after its redrive policy's receives to the queue's DLQ.
   */
  | { readonly kind: 'queue'; readonly queue: 'due-jobs' }
  /**
   * The table's stream, filtered to new outbox entries (OUTBOX_STREAM), in order and in
   * batches with partial batch responses: the first entry not done, and those after it, are
   * delivered again; after the retries, where the batch was goes to the function's on-failure queue.
   */
  | { readonly kind: 'table-stream' }
  /** A public HTTPS function URL (auth NONE) that mail clients and browsers open; it answers its caller. */
  | { readonly kind: 'public-url' }
  /**
   * A recurring EventBridge Scheduler schedule (`rate(…)`), invoking the function asynchronously:
   * Scheduler retries, then its DLQ; Lambda retries twice, then the on-failure queue.
   */
  | {
      readonly kind: 'schedule';
      readonly every: { readonly amount: number; readonly unit: 'minutes' | 'hours' | 'days' };
    };

export type TriggerKind = Trigger['kind'];

export type TableAction =
  'GetItem' | 'BatchGetItem' | 'Query' | 'QueryIndex' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** The secrets of the stack a function may read. */
export type SecretName = 'unsubscribeSigningKey' | 'suppressedAddressKey';

/**
 * The secrets a function reads: the signing key for the unsubscribe links it makes or checks,
 * the address key for every email it sends (is the address suppressed?), and those it names.
 */
export function secretsOf(descriptor: FunctionDescriptor): SecretName[] {
  const secrets = new Set<SecretName>(descriptor.secrets);
  if (descriptor.ports.includes('unsubscribeLinks')) secrets.add('unsubscribeSigningKey');
  if (descriptor.ports.includes('mailer')) secrets.add('suppressedAddressKey');
  return [...secrets];
}

/** What sending an email does to the table: the suppression check, the claim, the send recorded, the claim released. */
export const EMAIL_TABLE_ACTIONS: readonly TableAction[] = ['BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
/**
 * What a function that settles bookings adds: the email a settling sends is recorded together
 * with a check that the booking has not moved since (shared/domain/bookings.ts).
 */
export const SETTLING_TABLE_ACTIONS: readonly TableAction[] = ['ConditionCheckItem'];
/** What every contract event handler does to the table: the processed-event marker read and written. */
export const EVENT_TABLE_ACTIONS: readonly TableAction[] = ['GetItem', 'PutItem'];
/** What a function that may send a follow-up or check-in wires besides the mailer. */
export const SELF_CARE_PORTS: readonly OptionalPort[] = ['library', 'unsubscribeLinks'];
export const ALL_PORTS: readonly OptionalPort[] = ['mailer', 'scheduler', ...SELF_CARE_PORTS];
