import type { FunctionDescriptor } from '../descriptor';

// Public: it reads a booking, a patient's records and their clinic's profile, and writes the
// patient's profile (unsubscribing), their answers, and the events those owe (the outbox).
export const descriptor: FunctionDescriptor = {
  name: 'unsubscribe',
  description: 'CareLoop patient pages: one-click unsubscribe and the answer pages (function URL)',
  trigger: { kind: 'public-url' },
  ports: ['unsubscribeLinks', 'library'],
  table: ['GetItem', 'Query', 'PutItem'],
  // Keys in shared/adapters/dynamo-store.ts: a patient's partition `C#<clinic>#P#<patient>`, a
  // clinic's profile `C#<clinic>#CLINIC`, a booking's `C#<clinic>#B#<booking>`, an outbox entry
  // `C#<clinic>#OUT#<eventId>`. One grant covers them all, so it could write a booking it only
  // reads; never a suppression, a processed marker or an email claim.
  tablePartitions: ['C#*#P#*', 'C#*#CLINIC', 'C#*#B#*', 'C#*#OUT#*'],
};
