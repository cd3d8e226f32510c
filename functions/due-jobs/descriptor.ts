import { EMAIL_TABLE_ACTIONS, SELF_CARE_PORTS, type FunctionDescriptor } from '../descriptor';

// A check-in asks whether anything is booked: the byPatient index.
export const descriptor: FunctionDescriptor = {
  name: 'due-jobs',
  description: 'CareLoop reminders and check-ins due (the due-jobs queue, fed by EventBridge Scheduler)',
  trigger: { kind: 'queue', queue: 'due-jobs' },
  ports: ['mailer', ...SELF_CARE_PORTS],
  table: ['GetItem', 'Query', 'QueryIndex', ...EMAIL_TABLE_ACTIONS],
};
