import * as z from 'zod/mini';
import './zod-messages';
import { detailBody, validatedBy } from './detail-parsing';
import { isPublishedDetailType, PUBLISHED_SOURCES, type PublishedDetailType } from './detail-types';
import { closedObject, commonFields, identifier, instant, integerBetween, integerFrom, once, oneOf } from './fields';
import { InvalidEventError } from './invalid-event';

export { isPublishedDetailType, PUBLISHED_SOURCES, type PublishedDetailType };

/**
 * The events CareLoop publishes (contract 1.1, "What CareLoop publishes"), one zod schema each:
 * what CareLoop's own functions must publish, and what the clinic's tools that listen to them can
 * parse (`parsePublishedEvent`).
 *
 * Each detail carries the common fields and ids, counts and codes only. The objects are closed
 * (`closedObject`): CareLoop is the only producer, so a field the contract does not list is
 * CareLoop's own mistake, and refusing it is what keeps a name, an address, a note or an email
 * address from being added to a published event without the contract (and these schemas)
 * changing first. The other side of it: a consumer's copy of these schemas refuses a field a
 * later contract version adds, until it takes that version's schemas.
 */

const EMAIL_KINDS = [
  'confirmation',
  'reminder',
  'reschedule',
  'cancellation',
  'missed',
  // The plan summary is a follow-up too.
  'follow-up',
  'check-in',
  'plan-nudge',
  'staff-alert',
] as const;

const ATTENTION_REASONS = ['feeling-worse', 'pain-increase', 'exercise-too-painful', 'warning-signs'] as const;

/** A response names at most the exercises of one session (SessionCompleted's `selfCare.exercises`). */
const MAX_EXERCISES = 50;

/**
 * An email and what SES later said of it share these: the patient it went to (a staff alert: the
 * patient it is about), the booking when it was about one (a plan nudge is not), its kind, and
 * SES's message id, which ties the reports to the send.
 */
const emailFields = () => ({
  ...commonFields(),
  patientId: identifier(),
  bookingId: z.optional(identifier()),
  kind: oneOf(EMAIL_KINDS),
  messageId: identifier(),
});

const buildEmailSent = once(() => closedObject(emailFields()));
const buildEmailDelivered = once(() => closedObject(emailFields()));
const buildEmailBounced = once(() => closedObject({ ...emailFields(), bounceType: oneOf(['permanent', 'transient']) }));
const buildEmailComplained = once(() => closedObject(emailFields()));

const buildPatientUnsubscribed = once(() =>
  closedObject({ ...commonFields(), patientId: identifier(), from: oneOf(['follow-ups']) }),
);

/** Every answer comes from a link in an email about a booking (a check-in's: the session's). */
const answerFields = () => ({
  ...commonFields(),
  patientId: identifier(),
  bookingId: identifier(),
  responseId: identifier(),
});

const buildPatientResponded = once(() =>
  z.discriminatedUnion(
    'kind',
    [
      closedObject({ ...answerFields(), kind: oneOf(['attendance-confirmed', 'change-requested']) }),
      closedObject({
        ...answerFields(),
        kind: oneOf(['check-in']),
        // The patient may leave how they feel and the pain out; the exercises (empty when none was
        // answered) and the warning signs (false when unticked) are always there.
        feeling: z.optional(oneOf(['better', 'same', 'worse'])),
        painNow: z.optional(integerBetween(0, 10)),
        exercises: z
          .array(closedObject({ exerciseId: identifier(), status: oneOf(['done', 'skipped', 'too-painful']) }), {
            message: 'must be a list of exercise answers',
          })
          .check(z.maxLength(MAX_EXERCISES, { message: `must list at most ${MAX_EXERCISES} exercises` })),
        warningSigns: z.boolean({ message: 'must be true or false' }),
      }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? 'must be attendance-confirmed, change-requested or check-in' : undefined,
    },
  ),
);

const attentionReasons = () => {
  const reasons = z.array(oneOf(ATTENTION_REASONS), { message: 'must be a list of reasons' }).check(
    z.minLength(1, { message: 'must list at least 1 reason' }),
    z.refine((listed) => new Set(listed).size === listed.length, { message: 'must not list a reason twice' }),
  );
  // zod copies a schema's metadata into its JSON Schema: the refinement, as a keyword.
  z.globalRegistry.add(reasons, { uniqueItems: true });
  return reasons;
};

const buildAttentionNeeded = once(() =>
  closedObject({ ...commonFields(), patientId: identifier(), bookingId: identifier(), reasons: attentionReasons() }),
);

const buildPlanAtRisk = once(() =>
  closedObject({
    ...commonFields(),
    patientId: identifier(),
    planId: identifier(),
    sessionsCompleted: integerFrom(0),
    plannedSessions: integerFrom(0),
    daysSinceLastSession: integerFrom(0),
  }),
);

/** An S3 bucket name as S3 allows it: 3-63 lower-case letters, digits, dots and hyphens. */
const bucketName = () =>
  z.string().check(
    z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      message: 'must be an S3 bucket name (3-63 characters of a-z 0-9 . -)',
    }),
  );

/** The export's object key: ids and slashes, so it never carries a name and needs no encoding in a URL. */
const objectKey = () =>
  z
    .string()
    .check(z.regex(/^[A-Za-z0-9._:/-]{1,1024}$/, { message: 'must be 1-1024 characters of A-Z a-z 0-9 . _ : / -' }));

const buildPatientDataExportReady = once(() =>
  closedObject({
    ...commonFields(),
    patientId: identifier(),
    requestId: identifier(),
    bucket: bucketName(),
    key: objectKey(),
    expiresAt: instant(),
  }),
);

const buildPatientErased = once(() =>
  closedObject({ ...commonFields(), patientId: identifier(), requestId: identifier() }),
);

/** A catalog entry whose schema is built when first read, as in events/catalog.ts. */
const entry = <Source extends string, Schema>(source: Source, build: () => Schema) => ({
  source,
  get schema() {
    return build();
  },
});

/**
 * The published catalog: which source publishes which detail-type, and the schema of its detail.
 * A function that publishes one event builds one schema.
 */
export const publishedCatalog = {
  EmailSent: entry(PUBLISHED_SOURCES.EmailSent, buildEmailSent),
  EmailDelivered: entry(PUBLISHED_SOURCES.EmailDelivered, buildEmailDelivered),
  EmailBounced: entry(PUBLISHED_SOURCES.EmailBounced, buildEmailBounced),
  EmailComplained: entry(PUBLISHED_SOURCES.EmailComplained, buildEmailComplained),
  PatientUnsubscribed: entry(PUBLISHED_SOURCES.PatientUnsubscribed, buildPatientUnsubscribed),
  PatientResponded: entry(PUBLISHED_SOURCES.PatientResponded, buildPatientResponded),
  AttentionNeeded: entry(PUBLISHED_SOURCES.AttentionNeeded, buildAttentionNeeded),
  PlanAtRisk: entry(PUBLISHED_SOURCES.PlanAtRisk, buildPlanAtRisk),
  PatientDataExportReady: entry(PUBLISHED_SOURCES.PatientDataExportReady, buildPatientDataExportReady),
  PatientErased: entry(PUBLISHED_SOURCES.PatientErased, buildPatientErased),
} as const satisfies {
  [T in PublishedDetailType]: { source: (typeof PUBLISHED_SOURCES)[T]; readonly schema: unknown };
};

export const publishedDetailTypes = Object.keys(publishedCatalog) as PublishedDetailType[];

export type PublishedSource = (typeof PUBLISHED_SOURCES)[PublishedDetailType];
/** A published event's detail as a consumer reads it. */
export type PublishedDetail<T extends PublishedDetailType> = z.output<(typeof publishedCatalog)[T]['schema']>;
/** The detail CareLoop writes before publishing it (the same fields; strings not yet trimmed). */
export type PublishedDetailInput<T extends PublishedDetailType> = z.input<(typeof publishedCatalog)[T]['schema']>;

export type EmailSent = PublishedDetail<'EmailSent'>;
export type EmailDelivered = PublishedDetail<'EmailDelivered'>;
export type EmailBounced = PublishedDetail<'EmailBounced'>;
export type EmailComplained = PublishedDetail<'EmailComplained'>;
export type PatientUnsubscribed = PublishedDetail<'PatientUnsubscribed'>;
export type PatientResponded = PublishedDetail<'PatientResponded'>;
export type AttentionNeeded = PublishedDetail<'AttentionNeeded'>;
export type PlanAtRisk = PublishedDetail<'PlanAtRisk'>;
export type PatientDataExportReady = PublishedDetail<'PatientDataExportReady'>;
export type PatientErased = PublishedDetail<'PatientErased'>;

/** One published event: `detail` narrows with `detailType`. */
export type PublishedEvent = {
  [T in PublishedDetailType]: { source: (typeof PUBLISHED_SOURCES)[T]; detailType: T; detail: PublishedDetail<T> };
}[PublishedDetailType];

/**
 * A published event as a consumer received it (EventBridge's `source`, `detail-type` and
 * `detail`, the detail as an object or JSON text), validated and typed; an event that is not one
 * CareLoop publishes throws an InvalidEventError whose problems name fields and rules, never values.
 */
export function parsePublishedEvent(source: unknown, detailType: unknown, detail: unknown): PublishedEvent {
  if (!isPublishedDetailType(detailType)) {
    // Name only contract values: the detail-type received could be anything, CR/LF included.
    throw new InvalidEventError(['detail-type: not an event CareLoop publishes']);
  }
  const { source: expected, schema } = publishedCatalog[detailType];
  if (source !== expected) throw new InvalidEventError([`source: must be ${expected} for ${detailType}`]);
  return { source: expected, detailType, detail: validatedBy(schema, detailBody(detail)) } as PublishedEvent;
}
