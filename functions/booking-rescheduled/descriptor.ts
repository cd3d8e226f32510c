import {
  EMAIL_TABLE_ACTIONS,
  EVENT_TABLE_ACTIONS,
  SETTLING_TABLE_ACTIONS,
  type FunctionDescriptor,
} from '../descriptor';

export const descriptor: FunctionDescriptor = {
  name: 'booking-rescheduled',
  description: 'CareLoop: BookingRescheduled',
  trigger: { kind: 'bus', events: ['BookingRescheduled'] },
  ports: ['mailer', 'scheduler'],
  table: [...EVENT_TABLE_ACTIONS, ...EMAIL_TABLE_ACTIONS, ...SETTLING_TABLE_ACTIONS],
};
