import { onReminderDue } from '../../shared/domain/bookings';
import { onCheckInDue } from '../../shared/domain/sessions';
import { createDueJobsHandler } from '../../shared/runtime/handlers';

export const handler = createDueJobsHandler({ reminder: onReminderDue, 'check-in': onCheckInDue });
