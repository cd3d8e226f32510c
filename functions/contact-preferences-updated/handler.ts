import { onContactPreferencesUpdated } from '../../shared/domain/patients';
import { createEventHandler } from '../../shared/runtime/handlers';
import { emailWiring, schedulerJobs, selfCareWiring } from '../../shared/runtime/wiring';

// Consent given again may release follow-ups that were held back, each with its check-in.
export const wiring = { ...emailWiring, scheduler: schedulerJobs, ...selfCareWiring };

export const handler = createEventHandler('ContactPreferencesUpdated', onContactPreferencesUpdated, wiring);
