import { onSessionCompleted } from '../../shared/domain/sessions';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs, signedUnsubscribeLinks } from '../../shared/runtime/wiring';

export const wiring = { ...emailWiring, scheduler: schedulerJobs, unsubscribeLinks: signedUnsubscribeLinks };

export const handler = createEventHandler('SessionCompleted', onSessionCompleted, wiring);
