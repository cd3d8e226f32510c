import { ALL_PORTS, EMAIL_TABLE_ACTIONS, EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// The session moves the plan's check, past anything already booked (the byPatient index).
export const descriptor: FunctionDescriptor = {
  name: 'session-completed',
  description: 'CareLoop: SessionCompleted',
  trigger: { kind: 'bus', events: ['SessionCompleted'] },
  ports: ALL_PORTS,
  table: [...EVENT_TABLE_ACTIONS, 'Query', 'QueryIndex', ...EMAIL_TABLE_ACTIONS],
};
