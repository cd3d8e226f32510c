import { onClinicProfileUpdated } from '../../shared/domain/clinic-profile';
import { createEventHandler } from '../../shared/runtime/handlers';
import { NO_OPTIONAL_PORTS } from '../../shared/runtime/runtime';

export const wiring = NO_OPTIONAL_PORTS;

export const handler = createEventHandler('ClinicProfileUpdated', onClinicProfileUpdated, wiring);
