import { z } from 'zod';
import { onReminderDue } from '../../shared/domain/bookings';
import { createScheduledHandler } from '../../shared/runtime/handlers';

/** The payload the booking functions put into each reminder schedule. */
const reminderPayload = z.object({
  clinicId: z.string().min(1),
  bookingId: z.string().min(1),
  startsAt: z.iso.datetime({ offset: true }),
  offsetMinutes: z.number().int().positive(),
});

export const handler = createScheduledHandler('reminder', reminderPayload, onReminderDue);
