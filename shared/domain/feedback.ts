import { IDENTIFIER, type EmailIds } from './email-tags';
import { erasedSince, ignoredAfterErasure } from './erasure';
import { withOptimisticRetry } from './optimistic';
import { ownEvent, ownEventId } from './own-events';
import type { Needs, OwnEvent } from './ports';

/**
 * What the mail service reported about an email after sending it: its delivery, a bounce or a
 * complaint, with the addresses it concerns. Built by the SES feedback function from SES's own events.
 */
export interface MailFeedback {
  kind: 'delivery' | 'bounce' | 'complaint';
  /** For a bounce, SES's `bounceType`: Permanent, Transient or Undetermined. */
  bounceType?: string;
  recipients: string[];
  /** When the delivery, bounce or complaint happened (ISO 8601). */
  at: string;
  /** SES's id of the email it is about. */
  messageId?: string;
  /** SES's id of this bounce or complaint (its `feedbackId`); a delivery has none. */
  feedbackId?: string;
  /** The email's ids, from the tags it was sent with; absent when they name no CareLoop email. */
  email?: EmailIds;
}

/** Why nothing was suppressed (`delivered`: the email reached its address), or `none` when it was. */
export type FeedbackIgnored =
  'none' | 'delivered' | 'transient-bounce' | 'undetermined-bounce' | 'unrecognised-bounce-type' | 'no-recipients';

/** The events that report what SES said of an email (contract 1.1, "What CareLoop publishes"). */
export type FeedbackReport = 'EmailDelivered' | 'EmailBounced' | 'EmailComplained';

/**
 * The report written to the outbox, or why none was: `already-reported` when this record (delivered
 * again by SES, or by a retry) was reported before.
 */
export type FeedbackPublished =
  FeedbackReport | 'already-reported' | 'no-careloop-tags' | 'no-message-id' | 'patient-erased';

/** Who marks the reports it wrote (the marker's consumer, as a function marks what it handled). */
const REPORTER = 'ses-feedback';

export interface FeedbackOutcome {
  /** Distinct addresses suppressed by this feedback. */
  suppressed: number;
  ignored: FeedbackIgnored;
  published: FeedbackPublished;
}

const KNOWN_BOUNCE_TYPES = ['Permanent', 'Transient', 'Undetermined'];

const REPORTS = {
  delivery: 'EmailDelivered',
  bounce: 'EmailBounced',
  complaint: 'EmailComplained',
} as const satisfies Record<MailFeedback['kind'], FeedbackReport>;

function ignoredFeedback(feedback: MailFeedback, recipients: number): FeedbackIgnored {
  if (feedback.kind === 'delivery') return 'delivered';
  const ignoredBounce = feedback.kind === 'bounce' ? ignoredBounceType(feedback.bounceType) : undefined;
  return ignoredBounce ?? (recipients === 0 ? 'no-recipients' : 'none');
}

function ignoredBounceType(bounceType: string | undefined): FeedbackIgnored | undefined {
  if (bounceType === 'Permanent') return undefined;
  if (bounceType === 'Transient') return 'transient-bounce';
  if (bounceType === 'Undetermined') return 'undetermined-bounce';
  return 'unrecognised-bounce-type';
}

/**
 * A permanent (hard) bounce or any complaint stops all mail to each address concerned: the
 * address is suppressed, and `sendOnce` sends nothing to it until the patient gives another.
 * Transient and undetermined bounces change nothing: SES has retried those itself, and the
 * address may well work next time. Suppressing is a plain overwrite, so the same feedback
 * delivered twice leaves the same state. Logs kinds and counts only, never an address.
 *
 * Whatever it is, feedback on a CareLoop email (one whose tags name it) is then reported on the bus
 * (`EmailDelivered`, `EmailBounced`, `EmailComplained`) through the outbox.
 */
export async function onMailFeedback(deps: Needs, feedback: MailFeedback): Promise<FeedbackOutcome> {
  const { store, clock, log } = deps;
  const addresses = [
    ...new Map(
      feedback.recipients
        .map((address) => address.trim())
        .filter((address) => address.length > 0)
        .map((address) => [address.toLowerCase(), address] as const),
    ).values(),
  ];
  const logged = {
    kind: feedback.kind,
    ...(feedback.kind === 'bounce'
      ? {
          bounceType:
            feedback.bounceType && KNOWN_BOUNCE_TYPES.includes(feedback.bounceType)
              ? feedback.bounceType
              : 'unrecognised',
        }
      : {}),
    recipients: addresses.length,
  };
  const parsed = new Date(feedback.at);
  const at = Number.isNaN(parsed.getTime()) ? clock.now() : parsed;

  const reason = feedback.kind;
  const ignored = ignoredFeedback(feedback, addresses.length);
  // A delivery is always ignored here; said again for the compiler, so that `reason` is a suppression's.
  if (ignored !== 'none' || reason === 'delivery') {
    log('mail feedback ignored', { ...logged, ignored });
  } else {
    await Promise.all(addresses.map((address) => store.suppressAddress(address, reason, at)));
    log('addresses suppressed', { ...logged, suppressed: addresses.length });
  }
  const suppressed = ignored === 'none' ? addresses.length : 0;

  // After the suppression, not with it: the suppression is keyed by a secret the store holds, not
  // a record of the transactional save. The suppression is an overwrite and the report is written
  // once, so a retry after a failure between them suppresses again and reports what was not yet;
  // the suppression, which protects the patient, goes first.
  const published = await publishReport(deps, feedback, at);
  return { suppressed, ignored, published };
}

async function publishReport(deps: Needs, feedback: MailFeedback, at: Date): Promise<FeedbackPublished> {
  const { email, messageId } = feedback;
  if (email === undefined) {
    // An email sent before CareLoop tagged its emails, or not CareLoop's: it knows no ids to report.
    deps.log('mail feedback names no CareLoop email: nothing published', { kind: feedback.kind });
    return 'no-careloop-tags';
  }
  // The contract's messageId is an identifier, as SES's ids are: anything else is not SES's.
  if (messageId === undefined || !IDENTIFIER.test(messageId)) {
    deps.log('mail feedback has no usable message id: nothing published', { kind: feedback.kind });
    return 'no-message-id';
  }
  // A report on an email to a patient erased since is not published: it would name them again.
  const patient = (await deps.store.getPatient(email.clinicId, email.patientId))?.record;
  if (patient?.erasure && (patient.email === undefined || erasedSince(patient, at.toISOString()))) {
    ignoredAfterErasure(deps, REPORTS[feedback.kind], { clinicId: email.clinicId, patientId: email.patientId });
    return 'patient-erased';
  }
  const detailType = REPORTS[feedback.kind];
  const event = reportOf(feedback, email, messageId, at);
  // With a marker, not alone: the outbox function removes the entry once it is published, and the
  // same record delivered again after that would be a new entry, and a second publication.
  const written = await withOptimisticRetry(() =>
    deps.store.saveOutboxEntryOnce({ event }, REPORTER, deps.clock.now()),
  );
  if (!written) {
    deps.log('mail feedback already reported', { detailType, eventId: event.detail.eventId });
    return 'already-reported';
  }
  deps.log('mail feedback published', {
    detailType,
    eventId: event.detail.eventId,
    emailKind: email.kind,
    ...(email.bookingId !== undefined ? { bookingId: email.bookingId } : { patientId: email.patientId }),
  });
  return detailType;
}

/**
 * The id of the event that reports the feedback: derived from the email's message id and the
 * record's own (a bounce's or complaint's feedbackId; a delivery has none, so its time), so the
 * same record delivered twice is one report, and two bounces of one email are two.
 */
export const reportEventId = (feedback: Pick<MailFeedback, 'kind' | 'feedbackId' | 'at'>, messageId: string) =>
  ownEventId(REPORTS[feedback.kind], messageId, feedback.feedbackId ?? feedback.at);

/** The event that reports the feedback. */
function reportOf(feedback: MailFeedback, email: EmailIds, messageId: string, at: Date): OwnEvent {
  const detail = {
    eventId: reportEventId(feedback, messageId),
    occurredAt: at.toISOString(),
    clinicId: email.clinicId,
    patientId: email.patientId,
    ...(email.bookingId !== undefined && { bookingId: email.bookingId }),
    kind: email.kind,
    messageId,
  };
  switch (feedback.kind) {
    case 'delivery':
      return ownEvent('EmailDelivered', detail);
    case 'complaint':
      return ownEvent('EmailComplained', detail);
    case 'bounce':
      return ownEvent('EmailBounced', { ...detail, bounceType: publishedBounceType(feedback) });
  }
}

/**
 * The contract knows two bounce types. Only SES's Permanent says the address will not take mail
 * (and CareLoop suppresses it). Transient is SES having given up on this email after its own
 * retries; Undetermined (SES could not tell why), or a type SES may add, leaves CareLoop mailing
 * the address as after a Transient one: reported as `permanent`, it would tell consumers the
 * address is dead while CareLoop still writes to it.
 */
const publishedBounceType = ({ bounceType }: MailFeedback) => (bounceType === 'Permanent' ? 'permanent' : 'transient');
