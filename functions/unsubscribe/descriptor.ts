import type { FunctionDescriptor } from '../descriptor';

// Public: it reads and writes a patient's profile, and reads their clinic's; nothing else.
export const descriptor: FunctionDescriptor = {
  name: 'unsubscribe',
  description: 'CareLoop one-click unsubscribe link (function URL)',
  trigger: { kind: 'public-url' },
  ports: ['unsubscribeLinks'],
  table: ['GetItem', 'PutItem'],
  // A patient's partition and a clinic's profile (keys in shared/adapters/dynamo-store.ts):
  // `C#<clinic>#P#<patient>`, `C#<clinic>#CLINIC`.
  tablePartitions: ['C#*#P#*', 'C#*#CLINIC'],
};
