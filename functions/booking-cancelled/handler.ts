import { onBookingCancelled } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';

export const handler = createEventHandler('BookingCancelled', onBookingCancelled);
