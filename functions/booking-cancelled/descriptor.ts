import { EMAIL_TABLE_ACTIONS, EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

export const descriptor: FunctionDescriptor = {
  name: 'booking-cancelled',
  description: 'CareLoop: BookingCancelled',
  trigger: { kind: 'bus', events: ['BookingCancelled'] },
  ports: ['mailer', 'scheduler'],
  table: [...EVENT_TABLE_ACTIONS, ...EMAIL_TABLE_ACTIONS],
};
