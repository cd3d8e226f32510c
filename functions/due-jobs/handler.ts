import { onReminderDue } from '../../shared/domain/bookings';
import type { Needs } from '../../shared/domain/ports';
import type { CheckInPayload } from '../../shared/domain/sessions';
import { createDueJobsHandler } from '../../shared/runtime/handlers';
import { emailWiring, selfCareWiring } from '../../shared/runtime/wiring';

export const wiring = { ...emailWiring, ...selfCareWiring };

export const handler = createDueJobsHandler(
  {
    reminder: onReminderDue,
    // Most due jobs are reminders: the check-in, with the self-care templates, is a chunk of its own.
    'check-in': async (deps: Needs<'mailer' | 'library' | 'unsubscribeLinks'>, payload: CheckInPayload) =>
      (await import('../../shared/domain/sessions')).onCheckInDue(deps, payload),
  },
  wiring,
);
