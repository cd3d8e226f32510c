import { EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

export const descriptor: FunctionDescriptor = {
  name: 'treatment-plan-created',
  description: 'CareLoop: TreatmentPlanCreated',
  trigger: { kind: 'bus', events: ['TreatmentPlanCreated'] },
  ports: [],
  table: [...EVENT_TABLE_ACTIONS, 'Query'],
};
