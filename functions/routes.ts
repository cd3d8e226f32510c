import { eventCatalog, type DetailType } from '../events/catalog';
import { SES_EVENT_SOURCE, SES_FEEDBACK_DETAIL_TYPES } from '../events/ses-feedback';

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
   * Consumes the due-jobs SQS queue, where EventBridge Scheduler sends each reminder and
   * check-in as it falls due, rather than reacting to a bus rule.
   */
  readonly scheduled?: true;
  /** Served over HTTPS by a Lambda function URL (the one-click unsubscribe link). */
  readonly http?: true;
  /** Invoked by AWS's own events on the account's default bus, where SES publishes mail feedback. */
  readonly awsEvents?: { readonly source: readonly string[]; readonly 'detail-type': readonly string[] };
}

export const functionRoutes: readonly FunctionRoute[] = [
  { name: 'booking-created', events: ['BookingCreated'] },
  { name: 'booking-rescheduled', events: ['BookingRescheduled'] },
  { name: 'booking-cancelled', events: ['BookingCancelled'] },
  { name: 'session-completed', events: ['SessionCompleted'] },
  { name: 'treatment-plan-created', events: ['TreatmentPlanCreated'] },
  { name: 'contact-preferences-updated', events: ['ContactPreferencesUpdated'] },
  { name: 'due-jobs', events: [], scheduled: true },
  { name: 'unsubscribe', events: [], http: true },
  {
    name: 'ses-feedback',
    events: [],
    awsEvents: { source: [SES_EVENT_SOURCE], 'detail-type': [...SES_FEEDBACK_DETAIL_TYPES] },
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
