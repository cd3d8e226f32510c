import type * as z from 'zod/mini';
import { compiledSesFeedbackParser, INVALID } from './parsers';
import type { sesFeedbackDetailSchema } from './ses-feedback-schema';

/**
 * SES's own email sending events, as a configuration set's EventBridge event destination
 * (SES v2 `EventDestination.EventBridgeDestination`) puts them on the account's *default*
 * event bus: `source` is `aws.ses`, `detail-type` names the event ("Email Bounced",
 * "Email Complaint Received", "Email Delivered", …) and `detail` is the SES event record
 * (`eventType`, `mail`, and `bounce` / `complaint` / `delivery` / …), the same record SES
 * publishes to SNS and Firehose.
 *
 * Not part of the CareLoop contract (events/catalog.ts): SES owns this shape. Only the fields
 * CareLoop reads are declared; everything else SES sends is stripped, never rejected.
 *
 * See https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html,
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html and
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html.
 */

export const SES_EVENT_SOURCE = 'aws.ses';

/**
 * The detail-types of the SES events CareLoop acts on: each is reported on CareLoop's bus, and a
 * bounce or a complaint may stop mail to an address.
 */
export const SES_FEEDBACK_DETAIL_TYPES = ['Email Delivered', 'Email Bounced', 'Email Complaint Received'] as const;

/** Every detail-type SES sends for email sending events, to name an ignored event by its kind. */
export const SES_EMAIL_DETAIL_TYPES = [
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Opened',
  'Email Clicked',
  'Email Rendering Failed',
  'Email Delivery Delayed',
  'Email Subscribed',
] as const;

/** `eventType` values of SES event records. */
export const SES_EVENT_TYPES = [
  'Send',
  'Delivery',
  'Bounce',
  'Complaint',
  'Reject',
  'Open',
  'Click',
  'Rendering Failure',
  'DeliveryDelay',
  'Subscription',
] as const;

/** `bounce.bounceType`: only a Permanent bounce is final; SES has already retried a Transient one. */
export const SES_BOUNCE_TYPES = ['Permanent', 'Transient', 'Undetermined'] as const;

export type SesFeedbackDetail = z.output<ReturnType<typeof sesFeedbackDetailSchema>>;

/**
 * A delivery, bounce or complaint record, parsed: by the compiled parser, or, for a record it does not
 * accept, by zod, loaded then and naming the problems. zod stays out of the function's start-up
 * code.
 */
export async function parseSesFeedbackDetail(
  detail: unknown,
): Promise<{ data: SesFeedbackDetail } | { problems: string[] }> {
  const compiled: unknown = (compiledSesFeedbackParser as (input: unknown) => unknown)(detail);
  if (compiled !== INVALID) return { data: compiled as SesFeedbackDetail };
  const [schema, { describeIssues }] = await Promise.all([import('./ses-feedback-schema'), import('./validation')]);
  const parsed = schema.sesFeedbackDetailSchema().safeParse(detail);
  return parsed.success ? { data: parsed.data } : { problems: describeIssues(parsed.error) };
}
