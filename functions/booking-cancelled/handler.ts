import { bookingReadFirst, onBookingCancelled } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';
import { loadedEarly, schedulerJobs, sesMailer } from '../../shared/runtime/wiring';

// Every one unschedules and emails: both adapters load while the first reads wait.
export const wiring = { mailer: loadedEarly(sesMailer), scheduler: loadedEarly(schedulerJobs) };

export const handler = createEventHandler('BookingCancelled', onBookingCancelled, wiring, bookingReadFirst);
