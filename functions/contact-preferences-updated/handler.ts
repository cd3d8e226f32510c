import { contactPreferencesReadFirst, onContactPreferencesUpdated } from '../../shared/domain/patients';
import { createEventHandler } from '../../shared/runtime/handlers';
import { configuredSelfCareLibrary } from '../../shared/runtime/self-care-source';
import { schedulerJobs, sesMailer, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

// Consent given again may release follow-ups that were held back, each with its check-in.
// Loaded only then: most changes release nothing.
export const wiring = {
  mailer: sesMailer,
  scheduler: schedulerJobs,
  library: configuredSelfCareLibrary,
  unsubscribeLinks: signedUnsubscribeLinks,
};

export const handler = createEventHandler(
  'ContactPreferencesUpdated',
  onContactPreferencesUpdated,
  wiring,
  contactPreferencesReadFirst,
);
