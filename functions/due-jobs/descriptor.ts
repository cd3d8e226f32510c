import { EMAIL_TABLE_ACTIONS, SELF_CARE_PORTS, type FunctionDescriptor } from '../descriptor';

// A check-in and a plan check ask whether anything is booked: the byPatient index. A plan check
// publishes PlanAtRisk (marked in the table), notes it on the plan and schedules the next check.
export const descriptor: FunctionDescriptor = {
  name: 'due-jobs',
  description: 'CareLoop reminders, check-ins and plan checks due (the due-jobs queue, fed by EventBridge Scheduler)',
  trigger: { kind: 'queue', queue: 'due-jobs' },
  ports: ['mailer', 'scheduler', 'events', ...SELF_CARE_PORTS],
  table: ['GetItem', 'Query', 'QueryIndex', ...EMAIL_TABLE_ACTIONS],
};
