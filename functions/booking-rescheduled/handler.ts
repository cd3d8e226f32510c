import { onBookingRescheduled } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs } from '../../shared/runtime/wiring';

export const handler = createEventHandler('BookingRescheduled', onBookingRescheduled, {
  ...emailWiring,
  scheduler: schedulerJobs,
});
