import type { Needs } from './ports';

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
}

/** Why nothing was suppressed (`delivered`: the email reached the address), or `none` when the feedback was acted on. */
export type FeedbackIgnored =
  'none' | 'delivered' | 'transient-bounce' | 'undetermined-bounce' | 'unrecognised-bounce-type' | 'no-recipients';

export interface FeedbackOutcome {
  /** Distinct addresses suppressed by this feedback. */
  suppressed: number;
  ignored: FeedbackIgnored;
}

const KNOWN_BOUNCE_TYPES = ['Permanent', 'Transient', 'Undetermined'];

function ignoredBounce(bounceType: string | undefined): FeedbackIgnored | undefined {
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

  const ignored =
    feedback.kind === 'delivery'
      ? 'delivered'
      : feedback.kind === 'bounce'
        ? ignoredBounce(feedback.bounceType)
        : undefined;
  if (ignored || feedback.kind === 'delivery' || addresses.length === 0) {
    const outcome: FeedbackOutcome = { suppressed: 0, ignored: ignored ?? 'no-recipients' };
    log('mail feedback ignored', { ...logged, ignored: outcome.ignored });
    return outcome;
  }

  const reason = feedback.kind;
  const parsed = new Date(feedback.at);
  const at = Number.isNaN(parsed.getTime()) ? clock.now() : parsed;
  await Promise.all(addresses.map((address) => store.suppressAddress(address, reason, at)));
  log('addresses suppressed', { ...logged, suppressed: addresses.length });
  return { suppressed: addresses.length, ignored: 'none' };
}
