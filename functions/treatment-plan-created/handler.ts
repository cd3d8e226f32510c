import { onTreatmentPlanCreated } from '../../shared/domain/patients';
import { createEventHandler } from '../../shared/runtime/handlers';
import { NO_OPTIONAL_PORTS } from '../../shared/runtime/runtime';

export const handler = createEventHandler('TreatmentPlanCreated', onTreatmentPlanCreated, NO_OPTIONAL_PORTS);
