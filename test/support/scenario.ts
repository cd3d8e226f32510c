import { randomUUID } from 'node:crypto';
import { exampleInput } from './examples';

/**
 * The contract examples, made unique per test (booking, patient, address, event ids) so
 * tests sharing a table and an inbox never see each other's records or emails. A test that
 * gives its clinic a profile names a clinic of its own (`clinicId`), so no other test sees it.
 */
export function scenario(options: { startsAt?: string; occurredAt?: string; clinicId?: string } = {}) {
  const tag = randomUUID().slice(0, 8);
  const clinic = options.clinicId ? { clinicId: options.clinicId } : {};
  const bookingId = `bk-${tag}`;
  const patientId = `pt-${tag}`;
  const email = `alex.${tag}@example.com`;
  let sequence = 0;
  const eventId = (name: string) => `evt-${tag}-${name}-${++sequence}`;
  return {
    tag,
    bookingId,
    patientId,
    email,
    created: (overrides: { booking?: object; patient?: object; eventId?: string; occurredAt?: string } = {}) =>
      exampleInput('BookingCreated', {
        ...clinic,
        eventId: overrides.eventId ?? eventId('created'),
        occurredAt: overrides.occurredAt ?? options.occurredAt ?? '2027-03-01T09:12:00Z',
        booking: {
          ...exampleInput('BookingCreated').booking,
          bookingId,
          ...(options.startsAt ? { startsAt: options.startsAt } : {}),
          ...overrides.booking,
        },
        patient: { ...exampleInput('BookingCreated').patient, patientId, email, ...overrides.patient },
      }),
    rescheduled: (overrides: Record<string, unknown> = {}) =>
      exampleInput('BookingRescheduled', { ...clinic, eventId: eventId('rescheduled'), bookingId, ...overrides }),
    cancelled: (overrides: Record<string, unknown> = {}) =>
      exampleInput('BookingCancelled', { ...clinic, eventId: eventId('cancelled'), bookingId, ...overrides }),
    missed: (overrides: Record<string, unknown> = {}) =>
      exampleInput('BookingMissed', { ...clinic, eventId: eventId('missed'), bookingId, ...overrides }),
    sessionCompleted: (overrides: Record<string, unknown> = {}) =>
      exampleInput('SessionCompleted', { ...clinic, eventId: eventId('session'), bookingId, patientId, ...overrides }),
    planCreated: (overrides: Record<string, unknown> = {}) =>
      exampleInput('TreatmentPlanCreated', { ...clinic, eventId: eventId('plan'), patientId, ...overrides }),
    preferences: (overrides: Record<string, unknown> = {}) =>
      exampleInput('ContactPreferencesUpdated', { ...clinic, eventId: eventId('prefs'), patientId, ...overrides }),
    exportRequested: (overrides: Record<string, unknown> = {}) =>
      exampleInput('PatientDataExportRequested', {
        ...clinic,
        eventId: eventId('export'),
        patientId,
        requestId: `dsr-${tag}-export-${sequence}`,
        ...overrides,
      }),
    erasureRequested: (overrides: Record<string, unknown> = {}) =>
      exampleInput('PatientErasureRequested', {
        ...clinic,
        eventId: eventId('erasure'),
        patientId,
        requestId: `dsr-${tag}-erasure-${sequence}`,
        ...overrides,
      }),
    clinicProfile: (overrides: Record<string, unknown> = {}) =>
      exampleInput('ClinicProfileUpdated', { ...clinic, eventId: eventId('profile'), ...overrides }),
  };
}
