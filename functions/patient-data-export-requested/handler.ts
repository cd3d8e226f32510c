import { onPatientDataExportRequested } from '../../shared/domain/data-rights';
import { createEventHandler } from '../../shared/runtime/handlers';
import { s3Exports } from '../../shared/runtime/wiring';

export const wiring = { exports: s3Exports };

export const handler = createEventHandler('PatientDataExportRequested', onPatientDataExportRequested, wiring);
