import { SES_EVENT_SOURCE, SES_FEEDBACK_DETAIL_TYPES } from '../../events/ses-feedback';
import type { FunctionDescriptor } from '../descriptor';

// It writes suppressed addresses, keyed with the address key, and the outbox entries that report
// what SES said of CareLoop's emails; it reads nothing.
export const descriptor: FunctionDescriptor = {
  name: 'ses-feedback',
  description: 'CareLoop: Email Delivered, Email Bounced, Email Complaint Received from aws.ses',
  trigger: { kind: 'aws-events', source: [SES_EVENT_SOURCE], detailTypes: [...SES_FEEDBACK_DETAIL_TYPES] },
  ports: [],
  secrets: ['suppressedAddressKey'],
  table: ['PutItem'],
  // A suppressed address's partition `ADDRESS#<HMAC of the address>`, and an outbox entry's
  // `C#<clinic>#OUT#<eventId>` (shared/adapters/dynamo-store.ts).
  tablePartitions: ['ADDRESS#*', 'C#*#OUT#*'],
};
