import { EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// The plan's check is scheduled: when the plan would stall, past anything already booked.
export const descriptor: FunctionDescriptor = {
  name: 'treatment-plan-created',
  description: 'CareLoop: TreatmentPlanCreated',
  trigger: { kind: 'bus', events: ['TreatmentPlanCreated'] },
  ports: ['scheduler'],
  table: [...EVENT_TABLE_ACTIONS, 'Query', 'QueryIndex'],
};
