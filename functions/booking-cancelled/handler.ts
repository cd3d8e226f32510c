import { onBookingCancelled } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs } from '../../shared/runtime/wiring';

export const wiring = { ...emailWiring, scheduler: schedulerJobs };

export const handler = createEventHandler('BookingCancelled', onBookingCancelled, wiring);
