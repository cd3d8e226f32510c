import { SES_EVENT_SOURCE, SES_FEEDBACK_DETAIL_TYPES } from '../../events/ses-feedback';
import type { FunctionDescriptor } from '../descriptor';

// It writes suppressed addresses, keyed with the address key, and the outbox entries that report
// what SES said of CareLoop's emails, each with its marker (written only where none is, so that a
// record SES delivers again is not reported again); it reads the patient's profile only, to report
// nothing about a patient erased since.
export const descriptor: FunctionDescriptor = {
  name: 'ses-feedback',
  description: 'CareLoop: Email Delivered, Email Bounced, Email Complaint Received from aws.ses',
  trigger: { kind: 'aws-events', source: [SES_EVENT_SOURCE], detailTypes: [...SES_FEEDBACK_DETAIL_TYPES] },
  ports: [],
  secrets: ['suppressedAddressKey'],
  table: ['GetItem', 'PutItem'],
  // A suppressed address's partition `ADDRESS#<HMAC of the address>`, a patient's `C#<clinic>#P#<patient>`, an outbox entry's
  // `C#<clinic>#OUT#<eventId>`, and the marker of a report's event, `C#<clinic>#EVENT#<its type>#<eventId>`
  // (shared/adapters/dynamo-store.ts): the three reports', no other event's.
  tablePartitions: [
    'ADDRESS#*',
    'C#*#P#*',
    'C#*#OUT#*',
    'C#*#EVENT#EmailDelivered#*',
    'C#*#EVENT#EmailBounced#*',
    'C#*#EVENT#EmailComplained#*',
  ],
};
