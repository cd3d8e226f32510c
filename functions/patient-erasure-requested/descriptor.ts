import { EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// Reads everything of the patient (their partition, their bookings' by the index), removes their
// schedules, deletes it all but the marker, and reports the erasure through the outbox.
export const descriptor: FunctionDescriptor = {
  name: 'patient-erasure-requested',
  description: 'CareLoop: PatientErasureRequested',
  trigger: { kind: 'bus', events: ['PatientErasureRequested'] },
  ports: ['scheduler'],
  table: [...EVENT_TABLE_ACTIONS, 'Query', 'QueryIndex', 'DeleteItem'],
  tablePartitions: ['C#*#P#*', 'C#*#B#*', 'C#*#OUT#*', 'C#*#EVENT#PatientErasureRequested#*'],
};
