import { eventCatalog, type DetailType } from '../events/catalog';
import { SES_EVENT_SOURCE, SES_FEEDBACK_DETAIL_TYPES } from '../events/ses-feedback';
import type { OptionalPort } from '../shared/domain/ports';

/**
 * Which function reacts to which events: the one list that both the CDK stack (one rule
 * per function) and the local stack (in-process routing) read, so what runs on a laptop is
 * what is deployed. Adding a function is one folder under functions/ and one line here.
 */
export interface FunctionRoute {
  /** Folder under functions/ and the stem of the deployed function's logical id. */
  readonly name: string;
  /** Contract events whose rule targets this function. */
  readonly events: readonly DetailType[];
  /**
   * The optional ports its handler wires (shared/runtime/wiring.ts), and so the permissions its
   * role gets: mailer → ses:SendEmail, scheduler → the schedules, unsubscribeLinks → the signing
   * secret. A test checks this list against each handler's `wiring`.
   */
  readonly ports: readonly OptionalPort[];
  /**
   * Consumes the due-jobs SQS queue, where EventBridge Scheduler sends each reminder and
   * check-in as it falls due, rather than reacting to a bus rule.
   */
  readonly scheduled?: true;
  /** Served over HTTPS by a Lambda function URL (the one-click unsubscribe link). */
  readonly http?: true;
  /** Invoked by AWS's own events on the account's default bus, where SES publishes mail feedback. */
  readonly awsEvents?: { readonly source: readonly string[]; readonly 'detail-type': readonly string[] };
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

export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'QueryIndex' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

/**
 * What sending an email does to the table: the suppression check (both keys in one batch, an old
 * one re-keyed), the claim, the send recorded, the claim released when SES refuses.
 */
const EMAILS: readonly TableAction[] = ['BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
/** What every contract event handler does: the processed-event marker read and written. */
const EVENTS: readonly TableAction[] = ['GetItem', 'PutItem'];

/** What a function that may send a follow-up or check-in wires besides the mailer. */
const SELF_CARE: readonly OptionalPort[] = ['library', 'unsubscribeLinks'];
const ALL_PORTS: readonly OptionalPort[] = ['mailer', 'scheduler', ...SELF_CARE];

export const functionRoutes: readonly FunctionRoute[] = [
  // A new booking may release a follow-up that waited for the patient's address: all ports, and
  // the patient's file (a Query) to find it.
  {
    name: 'booking-created',
    events: ['BookingCreated'],
    ports: ALL_PORTS,
    table: [...EVENTS, 'Query', ...EMAILS],
  },
  {
    name: 'booking-rescheduled',
    events: ['BookingRescheduled'],
    ports: ['mailer', 'scheduler'],
    table: [...EVENTS, ...EMAILS],
  },
  {
    name: 'booking-cancelled',
    events: ['BookingCancelled'],
    ports: ['mailer', 'scheduler'],
    table: [...EVENTS, ...EMAILS],
  },
  { name: 'session-completed', events: ['SessionCompleted'], ports: ALL_PORTS, table: [...EVENTS, 'Query', ...EMAILS] },
  { name: 'treatment-plan-created', events: ['TreatmentPlanCreated'], ports: [], table: [...EVENTS, 'Query'] },
  // Consent given again may release held follow-ups, each with its check-in: all ports.
  {
    name: 'contact-preferences-updated',
    events: ['ContactPreferencesUpdated'],
    ports: ALL_PORTS,
    table: [...EVENTS, 'Query', ...EMAILS],
  },
  // A check-in asks whether anything is booked: the byPatient index.
  {
    name: 'due-jobs',
    events: [],
    ports: ['mailer', ...SELF_CARE],
    scheduled: true,
    table: ['GetItem', 'Query', 'QueryIndex', ...EMAILS],
  },
  // Public: it reads and writes a patient's profile, and nothing else.
  {
    name: 'unsubscribe',
    events: [],
    ports: ['unsubscribeLinks'],
    http: true,
    table: ['GetItem', 'PutItem'],
    // A patient's partition (keys in shared/adapters/dynamo-store.ts): `C#<clinic>#P#<patient>`.
    tablePartitions: ['C#*#P#*'],
  },
  // It writes suppressed addresses, and nothing else.
  {
    name: 'ses-feedback',
    events: [],
    ports: [],
    awsEvents: { source: [SES_EVENT_SOURCE], 'detail-type': [...SES_FEEDBACK_DETAIL_TYPES] },
    table: ['PutItem'],
    // A suppressed address's partition: `ADDRESS#<HMAC of the address>`.
    tablePartitions: ['ADDRESS#*'],
  },
];

/** Path of a function's handler module, relative to the project root. */
export const handlerEntry = (route: FunctionRoute) => `functions/${route.name}/handler.ts`;

/** The EventBridge rule pattern for a function: its events' sources and detail-types. */
export function eventPatternFor(route: FunctionRoute): { source: string[]; 'detail-type': string[] } {
  return {
    source: [...new Set(route.events.map((type) => eventCatalog[type].source))],
    'detail-type': [...route.events],
  };
}
