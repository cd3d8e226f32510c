import { EMAIL_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// Reads which entries are still to publish (BatchGetItem) and removes them once published
// (DeleteItem; UpdateItem drops an email claim's EmailSent); a staff alert reads the clinic's
// profile (GetItem) and is sent as any email is.
export const descriptor: FunctionDescriptor = {
  name: 'outbox',
  description: "CareLoop outbox: publishes CareLoop's own events from the table's stream, with their staff alerts",
  trigger: { kind: 'table-stream' },
  ports: ['events', 'mailer'],
  table: ['GetItem', 'BatchGetItem', 'DeleteItem', ...EMAIL_TABLE_ACTIONS],
};
