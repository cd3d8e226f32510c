import type { Needs } from './ports';

/**
 * Follow-ups held back for want of an address go out once one is known: after a new booking
 * or a change of contact details. Almost always none is waiting, so the code that sends them
 * (sessions.ts, with the self-care templates) is imported only when one is: the bundle keeps it
 * in a chunk that these functions' cold starts do not compile (infra/bundling.ts).
 */
export async function deliverAwaitingFollowUps(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks' | 'scheduler'>,
  clinicId: string,
  patientId: string,
): Promise<number> {
  const file = await deps.store.getPatientFile(clinicId, patientId);
  if (!file.patient?.record.email) return 0;
  const waiting = file.sessions.filter((entry) => entry.record.awaitingContact);
  if (waiting.length === 0) return 0;
  const { followUp } = await import('./sessions');
  for (const session of waiting) await followUp(deps, clinicId, patientId, session.record.bookingId);
  return waiting.length;
}
