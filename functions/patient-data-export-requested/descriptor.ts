import { EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// Reads everything of the patient (their partition, their bookings' by the index), writes the
// document to the export bucket, and records the export with its event through the outbox.
export const descriptor: FunctionDescriptor = {
  name: 'patient-data-export-requested',
  description: 'CareLoop: PatientDataExportRequested',
  trigger: { kind: 'bus', events: ['PatientDataExportRequested'] },
  ports: ['exports'],
  table: [...EVENT_TABLE_ACTIONS, 'Query', 'QueryIndex'],
  tablePartitions: ['C#*#P#*', 'C#*#B#*', 'C#*#OUT#*', 'C#*#EVENT#PatientDataExportRequested#*'],
};
