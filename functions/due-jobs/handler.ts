import { onReminderDue } from '../../shared/domain/bookings';
import type { PlanCheckPayload } from '../../shared/domain/plans';
import type { Needs } from '../../shared/domain/ports';
import type { CheckInPayload } from '../../shared/domain/sessions';
import { createDueJobsHandler } from '../../shared/runtime/handlers';
import { configuredSelfCareLibrary } from '../../shared/runtime/self-care-source';
import { loadedEarly, schedulerJobs, sesMailer, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

// Every due job emails; the library and the links serve check-ins only, the rarer kind; the
// scheduler serves plan checks, rarer still.
export const wiring = {
  mailer: loadedEarly(sesMailer),
  library: configuredSelfCareLibrary,
  unsubscribeLinks: signedUnsubscribeLinks,
  scheduler: schedulerJobs,
};

export const handler = createDueJobsHandler(
  {
    reminder: onReminderDue,
    // Most due jobs are reminders: the check-in, with the self-care templates, and the plan check
    // are chunks of their own.
    'check-in': async (deps: Needs<'mailer' | 'library' | 'unsubscribeLinks'>, payload: CheckInPayload) =>
      (await import('../../shared/domain/sessions')).onCheckInDue(deps, payload),
    'plan-check': async (deps: Needs<'mailer' | 'scheduler' | 'unsubscribeLinks'>, payload: PlanCheckPayload) =>
      (await import('../../shared/domain/plan-checks')).onPlanCheckDue(deps, payload),
  },
  wiring,
);
