import { onSessionCompleted } from '../../shared/domain/sessions';
import { createEventHandler } from '../../shared/runtime/handlers';
import { configuredSelfCareLibrary } from '../../shared/runtime/self-care-source';
import { loadedEarly, schedulerJobs, sesMailer, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

// Every session schedules a check-in and sends a follow-up with an unsubscribe link: all load at once.
export const wiring = {
  mailer: loadedEarly(sesMailer),
  scheduler: loadedEarly(schedulerJobs),
  library: loadedEarly(configuredSelfCareLibrary),
  unsubscribeLinks: loadedEarly(signedUnsubscribeLinks),
};

export const handler = createEventHandler('SessionCompleted', onSessionCompleted, wiring);
