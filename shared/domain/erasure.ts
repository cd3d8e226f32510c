import type { PatientRecord } from './model';
import { METRIC_NAMES, type Needs } from './ports';

/**
 * The gate every event about a patient passes (contract 1.1, PatientErasureRequested): after an
 * erasure, the patient's profile holds only the ids and when it happened, and an event that
 * occurred at or before that instant changes nothing and sends nothing, however it comes back
 * (late, redriven from a queue, replayed from the archive). shared/domain/data-rights.ts erases.
 */

/** Whether an event about the patient occurred at or before their erasure, and so must change nothing. */
export function erasedSince(patient: PatientRecord | undefined, occurredAt: string): boolean {
  const erasedAt = patient?.erasure?.erasedAt;
  return erasedAt !== undefined && Date.parse(occurredAt) <= Date.parse(erasedAt);
}

/** Counts and logs (by ids only) an event ignored because its patient was erased after it occurred. */
export function ignoredAfterErasure(
  deps: Pick<Needs, 'log' | 'metrics'>,
  detailType: string,
  ids: { clinicId: string; patientId: string; eventId?: string },
): { ignored: 'patient-erased' } {
  deps.metrics?.count(METRIC_NAMES.eventsAfterErasure, { detailType });
  deps.log('event about an erased patient ignored', { detailType, ...ids });
  return { ignored: 'patient-erased' };
}
