import { EMAIL_TABLE_ACTIONS, SELF_CARE_PORTS, type FunctionDescriptor } from '../descriptor';

// A check-in and a plan check ask whether anything is booked: the byPatient index. A plan check
// notes a plan at risk (with PlanAtRisk in the outbox) and schedules the next check.
export const descriptor: FunctionDescriptor = {
  name: 'due-jobs',
  description: 'CareLoop reminders, check-ins and plan checks due (the due-jobs queue, fed by EventBridge Scheduler)',
  trigger: { kind: 'queue', queue: 'due-jobs' },
  ports: ['mailer', 'scheduler', ...SELF_CARE_PORTS],
  table: ['GetItem', 'Query', 'QueryIndex', ...EMAIL_TABLE_ACTIONS],
};
