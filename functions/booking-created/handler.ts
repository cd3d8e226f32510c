import { onBookingCreated } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs, selfCareWiring } from '../../shared/runtime/wiring';

// A new booking may release a follow-up that waited for the patient's address: hence the library and links.
export const wiring = { ...emailWiring, scheduler: schedulerJobs, ...selfCareWiring };

export const handler = createEventHandler('BookingCreated', onBookingCreated, wiring);
