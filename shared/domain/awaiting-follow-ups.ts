import type { Needs, PatientFile } from './ports';

/** Whether, by the patient's file, a follow-up held back for want of an address can go out now. */
export const followUpsAwait = (file: PatientFile) =>
  Boolean(file.patient?.record.email) && file.sessions.some((entry) => entry.record.awaitingContact);

/**
 * Follow-ups held back for want of an address go out once one is known: after a new booking
 * or a change of contact details. Almost always none is waiting, so the code that sends them
 * (sessions.ts, with the self-care templates) is imported only when one is: the bundle keeps it
 * in a chunk that these functions' cold starts do not compile (infra/bundling.ts).
 *
 * `file` is the patient's file if the caller read it after writing the address; otherwise it is
 * read here. Either way it is read after the address was written: a session marked as waiting
 * reads the profile after its mark, so one of the two sees the other.
 */
export async function deliverAwaitingFollowUps(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks' | 'scheduler'>,
  clinicId: string,
  patientId: string,
  readAfterTheAddress?: PatientFile,
): Promise<number> {
  const file = readAfterTheAddress ?? (await deps.store.getPatientFile(clinicId, patientId));
  if (!followUpsAwait(file)) return 0;
  const waiting = file.sessions.filter((entry) => entry.record.awaitingContact);
  const { followUp } = await import('./sessions');
  for (const session of waiting) await followUp(deps, clinicId, patientId, session.record.bookingId);
  return waiting.length;
}
