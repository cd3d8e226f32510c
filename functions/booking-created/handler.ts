import { bookingCreatedReadsFirst, onBookingCreated } from '../../shared/domain/bookings';
import { createEventHandler } from '../../shared/runtime/handlers';
import { configuredSelfCareLibrary } from '../../shared/runtime/self-care-source';
import { loadedEarly, schedulerJobs, sesMailer, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

// Every booking schedules reminders and is confirmed: those adapters load while the first reads
// wait. It may also release a follow-up that waited for the patient's address: hence the library
// and the links, loaded only then.
export const wiring = {
  mailer: loadedEarly(sesMailer),
  scheduler: loadedEarly(schedulerJobs),
  library: configuredSelfCareLibrary,
  unsubscribeLinks: signedUnsubscribeLinks,
};

export const handler = createEventHandler('BookingCreated', onBookingCreated, wiring, bookingCreatedReadsFirst);
