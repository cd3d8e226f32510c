import { onReminderDue } from '../../shared/domain/bookings';
import type { Needs } from '../../shared/domain/ports';
import type { CheckInPayload } from '../../shared/domain/sessions';
import { createDueJobsHandler } from '../../shared/runtime/handlers';
import { configuredSelfCareLibrary, loadedEarly, sesMailer, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

// Every due job emails; the library and the links serve check-ins only, the rarer kind.
export const wiring = {
  mailer: loadedEarly(sesMailer),
  library: configuredSelfCareLibrary,
  unsubscribeLinks: signedUnsubscribeLinks,
};

export const handler = createDueJobsHandler(
  {
    reminder: onReminderDue,
    // Most due jobs are reminders: the check-in, with the self-care templates, is a chunk of its own.
    'check-in': async (deps: Needs<'mailer' | 'library' | 'unsubscribeLinks'>, payload: CheckInPayload) =>
      (await import('../../shared/domain/sessions')).onCheckInDue(deps, payload),
  },
  wiring,
);
