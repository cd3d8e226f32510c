import { SES_EVENT_SOURCE, SES_FEEDBACK_DETAIL_TYPES } from '../../events/ses-feedback';
import type { FunctionDescriptor } from '../descriptor';

// It writes suppressed addresses, keyed with the address key, and nothing else.
export const descriptor: FunctionDescriptor = {
  name: 'ses-feedback',
  description: 'CareLoop: Email Bounced, Email Complaint Received from aws.ses',
  trigger: { kind: 'aws-events', source: [SES_EVENT_SOURCE], detailTypes: [...SES_FEEDBACK_DETAIL_TYPES] },
  ports: [],
  secrets: ['suppressedAddressKey'],
  table: ['PutItem'],
  // A suppressed address's partition: `ADDRESS#<HMAC of the address>`.
  tablePartitions: ['ADDRESS#*'],
};
