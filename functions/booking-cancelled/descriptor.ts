import {
  EMAIL_TABLE_ACTIONS,
  EVENT_TABLE_ACTIONS,
  SETTLING_TABLE_ACTIONS,
  type FunctionDescriptor,
} from '../descriptor';

// The patient's plan check may move back: their file (a Query), anything else booked (the index).
export const descriptor: FunctionDescriptor = {
  name: 'booking-cancelled',
  description: 'CareLoop: BookingCancelled',
  trigger: { kind: 'bus', events: ['BookingCancelled'] },
  ports: ['mailer', 'scheduler'],
  table: [...EVENT_TABLE_ACTIONS, 'Query', 'QueryIndex', ...EMAIL_TABLE_ACTIONS, ...SETTLING_TABLE_ACTIONS],
};
