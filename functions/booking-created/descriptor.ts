import {
  ALL_PORTS,
  EMAIL_TABLE_ACTIONS,
  EVENT_TABLE_ACTIONS,
  SETTLING_TABLE_ACTIONS,
  type FunctionDescriptor,
} from '../descriptor';

// A new booking may release a follow-up that waited for the patient's address: all ports, and
// the patient's file (a Query) to find it.
export const descriptor: FunctionDescriptor = {
  name: 'booking-created',
  description: 'CareLoop: BookingCreated',
  trigger: { kind: 'bus', events: ['BookingCreated'] },
  ports: ALL_PORTS,
  table: [...EVENT_TABLE_ACTIONS, 'Query', ...EMAIL_TABLE_ACTIONS, ...SETTLING_TABLE_ACTIONS],
};
