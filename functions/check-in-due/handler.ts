import { z } from 'zod';
import { onCheckInDue } from '../../shared/domain/sessions';
import { createScheduledHandler } from '../../shared/runtime/handlers';

/** The payload the session function puts into each check-in schedule. */
const checkInPayload = z.object({
  clinicId: z.string().min(1),
  patientId: z.string().min(1),
  bookingId: z.string().min(1),
});

export const handler = createScheduledHandler('check-in', checkInPayload, onCheckInDue);
