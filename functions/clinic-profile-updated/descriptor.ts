import { EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// Stores the profile and nothing else: emails read it when they are sent.
export const descriptor: FunctionDescriptor = {
  name: 'clinic-profile-updated',
  description: 'CareLoop: ClinicProfileUpdated',
  trigger: { kind: 'bus', events: ['ClinicProfileUpdated'] },
  ports: [],
  table: EVENT_TABLE_ACTIONS,
  tablePartitions: ['C#*#CLINIC', 'C#*#EVENT#ClinicProfileUpdated#*'],
};
