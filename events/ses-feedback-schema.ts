import * as z from 'zod/mini';
import { trimText } from './field-rules';
import { EMAIL_TAG_NAMES } from './ses-message-tags';
import './zod-messages';

/**
 * The fields of SES's delivery, bounce and complaint records CareLoop reads (events/ses-feedback.ts), as
 * a zod schema. Kept apart from the parser compiled from it, which scripts/compile-event-parsers.ts
 * writes from this module.
 */

/**
 * The schema of a delivery, bounce or complaint record, built when first needed: a record the compiled
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

  // SES reports each tag as a list of values; only CareLoop's own tags are read, SES's (`ses:…`) are stripped.
  const tagValues = () => z.optional(z.array(z.string()));
  const mail = z.object({
    /** SES's id of the message the event is about: safe to log, it names no one. */
    messageId: z.optional(z.string()),
    /** The tags the email was sent with (shared/domain/email-tags.ts): absent on an email sent without them. */
    tags: z.optional(
      z.object({
        [EMAIL_TAG_NAMES.clinicId]: tagValues(),
        [EMAIL_TAG_NAMES.patientId]: tagValues(),
        [EMAIL_TAG_NAMES.bookingId]: tagValues(),
        [EMAIL_TAG_NAMES.kind]: tagValues(),
      }),
    ),
  });

  const deliveryDetail = z.object({
    eventType: z.literal('Delivery'),
    mail: z.optional(mail),
    delivery: z.object({
      timestamp,
      recipients: z.array(recipientAddress),
    }),
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

  /** The `detail` of an "Email Delivered", "Email Bounced" or "Email Complaint Received" event. */
  return z.discriminatedUnion('eventType', [deliveryDetail, bounceDetail, complaintDetail]);
}
