import { onReminderDue } from '../../shared/domain/bookings';
import { onCheckInDue } from '../../shared/domain/sessions';
import { createDueJobsHandler } from '../../shared/runtime/handlers';
import { emailWiring, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

export const wiring = { ...emailWiring, unsubscribeLinks: signedUnsubscribeLinks };

export const handler = createDueJobsHandler({ reminder: onReminderDue, 'check-in': onCheckInDue }, wiring);
