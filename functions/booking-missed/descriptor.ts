import {
  EMAIL_TABLE_ACTIONS,
  EVENT_TABLE_ACTIONS,
  SETTLING_TABLE_ACTIONS,
  type FunctionDescriptor,
} from '../descriptor';

// A no-show is told once; the booking's reminders go; the patient's plan check may move back,
// which reads their file (a Query) and whether anything else is booked (the byPatient index).
export const descriptor: FunctionDescriptor = {
  name: 'booking-missed',
  description: 'CareLoop: BookingMissed',
  trigger: { kind: 'bus', events: ['BookingMissed'] },
  ports: ['mailer', 'scheduler'],
  table: [...EVENT_TABLE_ACTIONS, 'Query', 'QueryIndex', ...EMAIL_TABLE_ACTIONS, ...SETTLING_TABLE_ACTIONS],
};
