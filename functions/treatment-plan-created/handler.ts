import { onTreatmentPlanCreated } from '../../shared/domain/plans';
import { createEventHandler } from '../../shared/runtime/handlers';
import { loadedEarly, schedulerJobs } from '../../shared/runtime/wiring';

export const wiring = { scheduler: loadedEarly(schedulerJobs) };

export const handler = createEventHandler('TreatmentPlanCreated', onTreatmentPlanCreated, wiring);
