import { ALL_PORTS, EMAIL_TABLE_ACTIONS, EVENT_TABLE_ACTIONS, type FunctionDescriptor } from '../descriptor';

// Consent given again may release held follow-ups, each with its check-in: all ports.
export const descriptor: FunctionDescriptor = {
  name: 'contact-preferences-updated',
  description: 'CareLoop: ContactPreferencesUpdated',
  trigger: { kind: 'bus', events: ['ContactPreferencesUpdated'] },
  ports: ALL_PORTS,
  table: [...EVENT_TABLE_ACTIONS, 'Query', ...EMAIL_TABLE_ACTIONS],
};
