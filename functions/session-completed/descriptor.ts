import { ALL_PORTS, EMAIL_TABLE_ACTIONS, EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

export const descriptor: FunctionDescriptor = {
  name: 'session-completed',
  description: 'CareLoop: SessionCompleted',
  trigger: { kind: 'bus', events: ['SessionCompleted'] },
  ports: ALL_PORTS,
  table: [...EVENT_TABLE_ACTIONS, 'Query', ...EMAIL_TABLE_ACTIONS],
};
