import { randomUUID } from 'node:crypto';
import { renderEmail } from '../email/render';
import type { EmailModel } from '../email/types';
import { EmailInFlightError, type Dependencies, type EmailClaim } from './ports';

/**
 * A claim older than this was taken by an invocation that died between calling SES and
 * recording the result. Whether SES sent it cannot be known, so it is not sent again
 * (a duplicate email is the worse failure for a patient); operations see it as a claim
 * without a send.
 */
export const STUCK_CLAIM_AFTER_MS = 5 * 60 * 1000;

export interface SendOnceRequest {
  clinicId: string;
  bookingId: string;
  /** Unique per trigger within the booking. */
  key: string;
  to: string;
  model: EmailModel;
  headers?: { name: string; value: string }[];
}

export type SendOnceResult = 'sent' | 'already-sent' | 'claim-stuck';

/**
 * Sends an email at most once per (booking, key), and at least once unless an invocation
 * dies after SES accepted it: the claim is a conditional write before SES is called, the
 * SES message id is recorded after, and a failed SES call releases the claim so the retry
 * sends. The email is rendered here, at send time, from the records as they are now.
 */
export async function sendOnce(deps: Dependencies, request: SendOnceRequest): Promise<SendOnceResult> {
  const { store, mailer, clock, settings, log, library } = deps;
  const claim: EmailClaim = {
    clinicId: request.clinicId,
    bookingId: request.bookingId,
    key: request.key,
    kind: request.model.kind,
    token: randomUUID(),
    claimedAt: clock.now(),
  };
  const result = await store.claimEmail(claim);
  if (result.status === 'sent') return 'already-sent';
  if (result.status === 'in-flight') {
    if (clock.now().getTime() - result.claimedAt.getTime() < STUCK_CLAIM_AFTER_MS) {
      throw new EmailInFlightError(`email ${request.key} for booking ${request.bookingId} is being sent elsewhere`);
    }
    log('email claim stuck: not sending again', { kind: claim.kind, bookingId: claim.bookingId, key: claim.key });
    return 'claim-stuck';
  }

  let messageId: string;
  try {
    const rendered = renderEmail(request.model, { now: clock.now(), organizerEmail: settings.senderAddress, library });
    ({ messageId } = await mailer.send({
      to: request.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: rendered.attachments,
      headers: request.headers ?? [],
    }));
  } catch (error) {
    await store.releaseEmailClaim(claim).catch(() => undefined);
    throw error;
  }
  await store.recordEmailSent(claim, messageId, clock.now());
  log('email sent', { kind: claim.kind, bookingId: claim.bookingId, key: claim.key, messageId });
  return 'sent';
}
