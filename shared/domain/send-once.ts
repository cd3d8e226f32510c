import { randomUUID } from 'node:crypto';
import type { EmailToSend } from '../email/types';
import { clinicContactOf } from './clinic-profile';
import { ownEvent, ownEventId } from './own-events';
import {
  DuplicateInFlightError,
  EmailInFlightError,
  METRIC_NAMES,
  MailerError,
  type EmailClaim,
  type MetricName,
  type Needs,
} from './ports';

/**
 * A claim older than this belongs to an invocation that is no longer running (functions
 * time out after 30 s) and died after claiming: between the claim and SES's answer, since
 * nothing else happens there. Whether SES sent the email cannot be known, so it is not sent
 * again (a duplicate is the worse failure for a patient); operations see a claim without a send.
 */
export const STUCK_CLAIM_AFTER_MS = 60 * 1000;

export interface SendOnceRequest {
  clinicId: string;
  patientId: string;
  /** The booking the email is about; none for an email about the patient's plan as a whole. */
  bookingId?: string;
  /** Unique per trigger within the booking (or, without one, the patient). */
  key: string;
  to: string;
  /** appointmentEmail(…) or sessionEmail(…): written here, just before the claim. */
  email: EmailToSend;
  /**
   * For follow-ups and check-ins: a one-click unsubscribe link (RFC 8058), shown in the
   * footer and sent as List-Unsubscribe / List-Unsubscribe-Post. Transactional emails have none.
   */
  unsubscribeUrl?: string;
  /** The patient's answer page for this email (contract 1.1): attendance or check-in. */
  answerUrl?: string;
  /**
   * The version of the booking the email was settled from: the write recording the email also
   * says whether the booking is still at it (sendOnceWithChecks), sparing the settling a read.
   */
  bookingVersion?: number;
  /**
   * The version of the patient's profile the email was written from, when it came from this
   * invocation's own write rather than a read: the send's read checks the profile is still at it,
   * and sends nothing ('patient-changed') when it is not, so the caller writes it again from the
   * profile as it is now (an address changed, an erasure).
   */
  patientVersion?: number;
  /**
   * Nothing the use case does after recording this email can fail: the record of the send may
   * carry the event's marker (WriteOptions), when the booking is still at `bookingVersion`.
   */
  completesEvent?: boolean;
  /**
   * What the address needs was read with the event's marker and may answer (readForSending):
   * only for the email the event's settling sends a few calls later, never for one sent after
   * other work (a follow-up released by the same event reads for itself).
   */
  readWithTheEvent?: boolean;
}

export type SendOnceResult = 'sent' | 'already-sent' | 'claim-stuck' | 'address-suppressed';

/**
 * Sends an email at most once per (booking or patient, key), and at least once unless an invocation
 * dies while SES is answering: the email is rendered first (from the records as they are
 * now), then claimed by a conditional write, then sent at once, and the SES message id is
 * recorded after. A refusal from SES releases the claim so the retry sends; a failure that
 * leaves it unknown whether SES sent keeps the claim, so nothing is sent twice.
 */
export async function sendOnce(
  deps: Needs<'mailer'>,
  request: Omit<SendOnceRequest, 'patientVersion'>,
): Promise<SendOnceResult> {
  const { result } = await sendOnceWithChecks(deps, request);
  // Only a request naming the profile's version can find it changed.
  if (result === 'patient-changed') throw new Error('a send without a patient version found the patient changed');
  return result;
}

/**
 * sendOnce with the checks a caller that wrote the records itself asks for: whether the booking
 * was still at `request.bookingVersion` when the email was recorded as sent (known only when this
 * call sent it), and, before anything is claimed, whether the patient's profile is still at
 * `request.patientVersion` ('patient-changed' when not: nothing sent).
 */
export async function sendOnceWithChecks(
  deps: Needs<'mailer'>,
  request: SendOnceRequest,
): Promise<{ result: SendOnceResult | 'patient-changed'; bookingUnchanged?: boolean }> {
  const result = (value: SendOnceResult | 'patient-changed') => ({ result: value });
  const { store, mailer, clock, settings, log, metrics } = deps;
  // Counted by kind only: never an id. The alarms in infra/operations.ts read these counts.
  const count = (name: MetricName) => metrics?.count(name, { kind: request.email.kind });
  const { unsubscribeUrl, answerUrl, clinicId, patientId, bookingId } = request;
  // Read at sending time: an email speaks for the clinic as its profile is now.
  const { patientVersion } = request;
  const checked = patientVersion !== undefined ? { patientId } : undefined;
  const { suppressed, clinicProfile, patient } = await store.readForSending(
    request.to,
    clinicId,
    checked,
    request.readWithTheEvent ? { readWithTheEvent: true } : undefined,
  );
  if (checked && patient?.version !== patientVersion) return result('patient-changed');
  // A hard bounce or a complaint stops all mail to that address until the patient gives another.
  if (suppressed) {
    count(METRIC_NAMES.emailsSuppressed);
    return result('address-suppressed');
  }
  const profile = clinicProfile?.record;
  const rendered = request.email.render({
    now: clock.now(),
    organizerEmail: settings.senderAddress,
    unsubscribeUrl,
    ...(answerUrl !== undefined && { answerUrl }),
    clinic: clinicContactOf(profile, { bookingId, patientId }),
  });
  const { invocation } = deps;
  const claim: EmailClaim = {
    clinicId,
    patientId,
    ...(bookingId !== undefined && { bookingId }),
    key: request.key,
    kind: request.email.kind,
    token: randomUUID(),
    claimedAt: clock.now(),
    ...(invocation && { requestId: invocation.requestId, trigger: invocation.trigger }),
  };
  const claimed = await store.claimEmail(claim);
  if (claimed.status === 'sent') return result('already-sent');
  if (claimed.status === 'in-flight') {
    // Lambda retries an invocation only once it has ended: a claim of this request id is one its
    // earlier attempt left behind, so no one is sending it now.
    const ownEarlierAttempt = invocation !== undefined && claimed.requestId === invocation.requestId;
    if (!ownEarlierAttempt && clock.now().getTime() - claimed.claimedAt.getTime() < STUCK_CLAIM_AFTER_MS) {
      const where = `email ${request.key} for ${bookingId !== undefined ? `booking ${bookingId}` : `patient ${patientId}`}`;
      if (invocation !== undefined && claimed.trigger === invocation.trigger) {
        throw new DuplicateInFlightError(`${where} is being sent by another delivery of the same event`);
      }
      throw new EmailInFlightError(`${where} is being sent elsewhere`);
    }
    log('email claim stuck: not sending again', { kind: claim.kind, ...idsOf(claim), key: claim.key });
    count(METRIC_NAMES.emailClaimsStuck);
    return result('claim-stuck');
  }
  // 'already-sent' and 'in-flight' are not claims of this invocation: only a won claim counts.
  count(METRIC_NAMES.emailsClaimed);

  let messageId: string;
  try {
    ({ messageId } = await mailer.send({
      to: request.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: rendered.attachments,
      ...(profile?.email !== undefined && { replyTo: profile.email }),
      ids: { clinicId, patientId, ...(bookingId !== undefined && { bookingId }), kind: claim.kind },
      headers: unsubscribeUrl
        ? [
            { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
            { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
          ]
        : [],
    }));
  } catch (error) {
    if (error instanceof MailerError && error.definitelyNotSent) {
      await store.releaseEmailClaim(claim);
      count(METRIC_NAMES.emailClaimsReleased);
    }
    // Otherwise the claim stays without a send: what the "claimed without send" alarm counts.
    throw error;
  }
  // Counted when SES accepted it (the patient gets it), even if recording the message id fails.
  count(METRIC_NAMES.emailsSent);
  const sentAt = clock.now();
  // EmailSent is written with the claim's new state: both or neither (the outbox publishes it).
  const emailSent = ownEvent('EmailSent', {
    eventId: ownEventId('EmailSent', clinicId, bookingId ?? `patient:${patientId}`, request.key),
    occurredAt: sentAt.toISOString(),
    clinicId,
    patientId,
    ...(bookingId !== undefined && { bookingId }),
    kind: claim.kind,
    messageId,
  });
  const { bookingVersion } = request;
  const settledFrom = bookingVersion !== undefined ? { bookingVersion } : undefined;
  const recorded = await store.recordEmailSent(
    claim,
    messageId,
    sentAt,
    { event: emailSent },
    settledFrom,
    request.completesEvent ? { completesEvent: true } : undefined,
  );
  log('email sent', { kind: claim.kind, ...idsOf(claim), key: claim.key, messageId });
  return {
    result: 'sent',
    ...(recorded?.bookingUnchanged !== undefined && { bookingUnchanged: recorded.bookingUnchanged }),
  };
}

/** The ids a log line names the email by: its booking's, or the patient's when it has none. */
const idsOf = (claim: EmailClaim): Record<string, string> =>
  claim.bookingId !== undefined ? { bookingId: claim.bookingId } : { patientId: claim.patientId };
