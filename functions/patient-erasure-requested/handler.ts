import { onPatientErasureRequested } from '../../shared/domain/data-rights';
import { createEventHandler } from '../../shared/runtime/handlers';
import { loadedEarly, schedulerJobs } from '../../shared/runtime/wiring';

export const wiring = { scheduler: loadedEarly(schedulerJobs) };

export const handler = createEventHandler('PatientErasureRequested', onPatientErasureRequested, wiring);
