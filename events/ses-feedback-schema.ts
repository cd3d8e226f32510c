import * as z from 'zod/mini';
import { trimText } from './field-rules';
import './zod-messages';

/**
 * The fields of SES's bounce and complaint records CareLoop reads (events/ses-feedback.ts), as
 * a zod schema. Kept apart from the parser compiled from it, which scripts/compile-event-parsers.ts
 * writes from this module.
 */

/**
 * The schema of a bounce or complaint record, built when first needed: a record the compiled
 * parser (events/event-parsers.generated.ts) accepts never needs it.
 */
export const sesFeedbackDetailSchema = (() => {
  let built: ReturnType<typeof buildSesFeedbackDetailSchema> | undefined;
  return () => (built ??= buildSesFeedbackDetailSchema());
})();

function buildSesFeedbackDetailSchema() {
  // An address as the recipient's mail server reported it; the store normalises case and spaces.
  const recipientAddress = z.string().check(z.overwrite(trimText), z.minLength(1), z.maxLength(320));
  const timestamp = z.iso.datetime({ offset: true });

  const mail = z.object({
    /** SES's id of the message the event is about: safe to log, it names no one. */
    messageId: z.optional(z.string()),
  });

  const bounceDetail = z.object({
    eventType: z.literal('Bounce'),
    mail: z.optional(mail),
    bounce: z.object({
      bounceType: z.string().check(z.minLength(1)),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z.array(z.object({ emailAddress: recipientAddress })).check(z.minLength(1)),
      timestamp,
      feedbackId: z.optional(z.string()),
    }),
  });

  const complaintDetail = z.object({
    eventType: z.literal('Complaint'),
    mail: z.optional(mail),
    complaint: z.object({
      complainedRecipients: z.array(z.object({ emailAddress: recipientAddress })).check(z.minLength(1)),
      complaintFeedbackType: z.optional(z.string()),
      timestamp,
      feedbackId: z.optional(z.string()),
    }),
  });

  /** The `detail` of an "Email Bounced" or "Email Complaint Received" event. */
  return z.discriminatedUnion('eventType', [bounceDetail, complaintDetail]);
}
