import { onSessionCompleted } from '../../shared/domain/sessions';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

export const handler = createEventHandler('SessionCompleted', onSessionCompleted, {
  ...emailWiring,
  scheduler: schedulerJobs,
  unsubscribeLinks: signedUnsubscribeLinks,
});
