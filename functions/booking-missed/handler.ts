import { bookingReadFirst, onBookingMissed } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';
import { loadedEarly, schedulerJobs, sesMailer } from '../../shared/runtime/wiring';

// Every one unschedules the booking's reminders: the scheduler loads while the first reads wait.
export const wiring = { mailer: sesMailer, scheduler: loadedEarly(schedulerJobs) };

export const handler = createEventHandler('BookingMissed', onBookingMissed, wiring, bookingReadFirst);
