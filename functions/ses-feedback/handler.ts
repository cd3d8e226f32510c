import middy from '@middy/core';
import { injectLambdaContext } from '../../shared/adapters/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import {
  SES_EMAIL_DETAIL_TYPES,
  SES_EVENT_SOURCE,
  SES_EVENT_TYPES,
  SES_FEEDBACK_DETAIL_TYPES,
  parseSesFeedbackDetail,
  type SesFeedbackDetail,
} from '../../events/ses-feedback';
import { emailIdsOfTags } from '../../shared/domain/email-tags';
import { onMailFeedback, type MailFeedback } from '../../shared/domain/feedback';
import type { HandlerResult } from '../../shared/runtime/handlers';
import { logger, NO_OPTIONAL_PORTS, runtime } from '../../shared/runtime/runtime';

export const wiring = NO_OPTIONAL_PORTS;

const LOGGABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value);

/** The event's kind, named only by values SES defines: anything else could be any text. */
function kindOf(event: EventBridgeEvent<string, unknown>, detail: unknown): string {
  if (event.source !== SES_EVENT_SOURCE) return 'not from SES';
  const eventType = typeof detail === 'object' && detail !== null ? (detail as { eventType?: unknown }).eventType : '';
  if (isOneOf(SES_EVENT_TYPES, eventType)) return eventType;
  return isOneOf(SES_EMAIL_DETAIL_TYPES, event['detail-type']) ? event['detail-type'] : 'unknown';
}

/** A delivery, bounce or complaint by its record or by its detail-type: one that does not parse is reported. */
const isFeedback = (event: EventBridgeEvent<string, unknown>, kind: string) =>
  kind === 'Delivery' ||
  kind === 'Bounce' ||
  kind === 'Complaint' ||
  (event.source === SES_EVENT_SOURCE && isOneOf(SES_FEEDBACK_DETAIL_TYPES, event['detail-type']));

/** What the domain needs from an SES delivery, bounce or complaint record. */
export function feedbackOf(detail: SesFeedbackDetail): MailFeedback {
  const email = emailIdsOfTags(detail.mail?.tags);
  // SES's ids, and the email's own when its tags name it.
  const ids = {
    ...(detail.mail?.messageId !== undefined && { messageId: detail.mail.messageId }),
    ...(email !== undefined && { email }),
  };
  if (detail.eventType === 'Delivery') {
    return { kind: 'delivery', recipients: detail.delivery.recipients, at: detail.delivery.timestamp, ...ids };
  }
  if (detail.eventType === 'Bounce') {
    const { bounce } = detail;
    return {
      kind: 'bounce',
      bounceType: bounce.bounceType,
      recipients: bounce.bouncedRecipients.map((recipient) => recipient.emailAddress),
      at: bounce.timestamp,
      ...(bounce.feedbackId !== undefined && { feedbackId: bounce.feedbackId }),
      ...ids,
    };
  }
  const { complaint } = detail;
  return {
    kind: 'complaint',
    recipients: complaint.complainedRecipients.map((recipient) => recipient.emailAddress),
    at: complaint.timestamp,
    ...(complaint.feedbackId !== undefined && { feedbackId: complaint.feedbackId }),
    ...ids,
  };
}

/**
 * SES's delivery, bounce and complaint events, from the configuration set's EventBridge destination:
 * suppressions, and the reports on CareLoop's emails written to the outbox. An event that is none
 * of these, or that does not parse, is logged by its kind and dropped: no retry can change it. A
 * failure to write the suppression or the report throws, and Lambda retries. Addresses never
 * reach the log.
 */
const handle = async (event: EventBridgeEvent<string, unknown>, _context: Context): Promise<HandlerResult> => {
  let detail = event.detail;
  if (typeof detail === 'string') {
    try {
      detail = JSON.parse(detail);
    } catch {
      detail = undefined;
    }
  }
  const kind = kindOf(event, detail);
  if (!isFeedback(event, kind)) {
    logger.info('SES event ignored', { eventType: kind });
    return { status: 'processed', outcome: { suppressed: 0, ignored: 'not-feedback', eventType: kind } };
  }
  const parsed = await parseSesFeedbackDetail(detail);
  if ('problems' in parsed) {
    logger.warn('SES event not understood', { eventType: kind, problems: parsed.problems });
    return { status: 'rejected' };
  }
  const messageId = parsed.data.mail?.messageId;
  logger.appendKeys({
    sesEventType: kind,
    sesMessageId: messageId && LOGGABLE_ID.test(messageId) ? messageId : undefined,
  });
  try {
    const outcome = await onMailFeedback(runtime(wiring).dependencies, feedbackOf(parsed.data));
    logger.info('SES feedback processed', { outcome });
    return { status: 'processed', outcome };
  } finally {
    logger.removeKeys(['sesEventType', 'sesMessageId']);
  }
};

export const handler = middy(handle).use(injectLambdaContext(logger));
