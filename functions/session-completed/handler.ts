import { onSessionCompleted } from '../../shared/domain/sessions';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs, selfCareWiring } from '../../shared/runtime/wiring';

export const wiring = { ...emailWiring, scheduler: schedulerJobs, ...selfCareWiring };

export const handler = createEventHandler('SessionCompleted', onSessionCompleted, wiring);
