import { onTreatmentPlanCreated } from '../../shared/domain/patients';
import { createEventHandler } from '../../shared/runtime/handlers';

export const handler = createEventHandler('TreatmentPlanCreated', onTreatmentPlanCreated);
