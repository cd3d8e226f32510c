import { onBookingRescheduled } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';

export const handler = createEventHandler('BookingRescheduled', onBookingRescheduled);
