import { staffAlertEmail } from '../email/staff-alert';
import { METRIC_NAMES, type Needs, type OutboxEntry, type StoredOutboxEntry } from './ports';
import { sendOnce } from './send-once';

/**
 * The outbox: every event CareLoop publishes is first written to the table together with the
 * change it reports (an email's claim marked sent, a plan noted at risk, an answer recorded), so
 * that either both happen or neither; the store may keep it on the changed item itself (an
 * EmailSent on its claim), and says where (StoredOutboxEntry). The table's stream hands each new entry to the outbox
 * function, which publishes it here, sends the staff alert that goes with it, and removes it: the
 * table keeps no copy of what the bus has (an erasure need not look for them). A failure leaves
 * the entry and those after it to the stream's retries: nothing is dropped. A retry skips what is
 * gone; only an invocation that died between the bus's answer and the removal publishes an event
 * again, with the same eventId, by which consumers dedupe. The changes that write entries are
 * conditional (a version, a claim's token), so a retried change does not write its entry again:
 * written again once removed, an entry would be a new one, published again. A report of SES
 * feedback changes no record: it is written with a marker of its event, only where none is.
 */

/** One entry as the stream delivers it, with its position there (what a retry resumes from). */
export interface OutboxDelivery extends StoredOutboxEntry {
  position: string;
}

export interface OutboxOutcome {
  published: number;
  alreadyPublished: number;
  /** The position of the first entry not done: the stream delivers it, and those after it, again. */
  failedAt?: string;
  error?: unknown;
}

export async function deliverOutbox(
  deps: Needs<'events' | 'mailer'>,
  deliveries: readonly OutboxDelivery[],
): Promise<OutboxOutcome> {
  const outcome: OutboxOutcome = { published: 0, alreadyPublished: 0 };
  let pending: Set<string>;
  try {
    pending = await deps.store.pendingOutboxEntries([...new Set(deliveries.map(({ storedAt }) => storedAt))]);
  } catch (error) {
    return { ...outcome, failedAt: deliveries[0]?.position, error };
  }
  for (const { entry, storedAt, position } of deliveries) {
    if (!pending.has(storedAt)) {
      outcome.alreadyPublished++;
      continue;
    }
    try {
      await deps.events.publish(entry.event);
      deps.metrics?.count(METRIC_NAMES.eventsPublished, { detailType: entry.event.detailType });
      if (entry.staffAlert) await alertStaff(deps, entry);
      await deps.store.removeOutboxEntry(storedAt);
      pending.delete(storedAt);
      outcome.published++;
    } catch (error) {
      // Order is kept: this entry and every one after it come again.
      return { ...outcome, failedAt: position, error };
    }
  }
  return outcome;
}

/**
 * The staff alert of an AttentionNeeded, to the address the clinic's profile gives (none before
 * its first profile, or without one). Sent once per event, whatever repeats.
 */
async function alertStaff(deps: Needs<'mailer'>, entry: OutboxEntry) {
  const alert = entry.staffAlert!;
  const { clinicId, eventId, occurredAt } = entry.event.detail;
  const to = (await deps.store.getClinicProfile(clinicId))?.record.staffAlertEmail;
  if (!to) return;
  await sendOnce(deps, {
    clinicId,
    patientId: alert.patientId,
    bookingId: alert.bookingId,
    to,
    key: `staff-alert#${eventId}`,
    email: staffAlertEmail({ ...alert, answeredAt: occurredAt }),
  });
}
