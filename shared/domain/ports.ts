import type { EmailAttachment, EmailKind } from '../email/types';
import type { SelfCareLibrary } from '../self-care/library';
import type { AnswerSubject, LinkSubject } from '../unsubscribe/token';
import type { EmailIds } from './email-tags';
import type { QuietHours } from './quiet-hours';
import type {
  BookingRecord,
  ClinicProfileRecord,
  ExportRecord,
  PatientRecord,
  PlanRecord,
  ResponseRecord,
  SessionRecord,
  Versioned,
} from './model';

/**
 * What the domain needs from the outside world. Adapters implement these for DynamoDB,
 * SES v2, EventBridge Scheduler and the clock; tests can implement them in memory.
 */

export interface Clock {
  now(): Date;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
  headers: { name: string; value: string }[];
  /** Where the patient's answer goes: the clinic's address, from its profile. */
  replyTo?: string;
  /**
   * The email's ids, sent with it as SES message tags (shared/domain/email-tags.ts), so that what
   * SES later reports about it names the email: ids and the kind only, as tags show in SES's events.
   */
  ids: EmailIds;
}

export interface Mailer {
  /** Throws MailerError when the email was not accepted. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/**
 * The mail service did not accept an email. Carries the service's error code only: SES's
 * own messages can quote the recipient's address, which must not reach logs.
 */
export class MailerError extends Error {
  override readonly name = 'MailerError';
  constructor(
    readonly code: string,
    /** The service answered with a refusal, so nothing went out and sending again is safe. */
    readonly definitelyNotSent: boolean,
  ) {
    super(`the mail service refused the email (${code})${definitelyNotSent ? '' : '; it may have been sent'}`);
  }
}

export type ScheduledTarget = 'reminder' | 'check-in' | 'plan-check';

export interface ScheduledJob {
  /** Deterministic, so that creating it twice is detected as a conflict, not a second job. */
  name: string;
  at: Date;
  target: ScheduledTarget;
  payload: Record<string, unknown>;
}

export interface JobScheduler {
  /** Creates the job; an existing job of that name counts as done. */
  ensure(job: ScheduledJob): Promise<void>;
  /** Removes the job; a job that no longer exists counts as done. */
  remove(name: string): Promise<void>;
  /** Names of the jobs that start with the prefix. */
  list(prefix: string): Promise<string[]>;
}

/** Raised by a versioned write whose record changed since it was read. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/** A send is in flight in another invocation: retry later rather than send twice or not at all. */
export class EmailInFlightError extends Error {
  override readonly name: string = 'EmailInFlightError';
}

/**
 * The email is in flight in another invocation of the same trigger: this delivery is a duplicate
 * of one still being handled. Nothing is owed here: the original finishes the work, and if it
 * fails, its own retries (which Lambda makes with its request id) do it.
 */
export class DuplicateInFlightError extends EmailInFlightError {
  override readonly name = 'DuplicateInFlightError';
}

/**
 * What is handling the trigger now: Lambda's request id (the same on each of Lambda's own retries
 * of an asynchronous invocation, another on a redelivery) and the trigger (the event), so a claim
 * tells a retry of its own invocation from a duplicate delivery of its event. For a due job, the
 * queue message's id stands for both: SQS delivers it again only after the earlier receive ended.
 */
export interface Invocation {
  requestId: string;
  trigger: string;
}

export interface EmailClaim {
  clinicId: string;
  patientId: string;
  /** The booking the email is about; an email about the patient's plan as a whole has none. */
  bookingId?: string;
  /**
   * Unique per trigger within the booking (or, without one, the patient), e.g. `confirmation`,
   * `reminder#<start>#<offset>` or `plan-nudge#<planId>#<due>`.
   */
  key: string;
  kind: EmailKind;
  token: string;
  claimedAt: Date;
  /** Who claimed it, when a handler said (see Invocation). */
  requestId?: string;
  trigger?: string;
}

export type ClaimResult =
  | { status: 'claimed' }
  | { status: 'sent' }
  | { status: 'in-flight'; claimedAt: Date; requestId?: string; trigger?: string };

export interface PatientFile {
  patient?: Versioned<PatientRecord>;
  sessions: Versioned<SessionRecord>[];
  plans: Versioned<PlanRecord>[];
}

/** One email sent (or claimed) to the patient, as the export's email log shows it: never its body. */
export interface EmailLogEntry {
  kind: EmailKind;
  /** The booking it was about; none for an email about the patient's plan as a whole. */
  bookingId?: string;
  status: 'claimed' | 'sent';
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
}

/** Everything CareLoop holds about one patient: what an export shows and an erasure deletes. */
export interface PatientHoldings {
  patient?: Versioned<PatientRecord>;
  bookings: BookingRecord[];
  sessions: SessionRecord[];
  plans: PlanRecord[];
  responses: ResponseRecord[];
  emails: EmailLogEntry[];
  exports: ExportRecord[];
}

/** That a function has handled an event: the marker a repeat of the event is recognised by. */
export interface ProcessedEvent {
  clinicId: string;
  detailType: string;
  eventId: string;
  consumer: string;
  at: Date;
}

/**
 * A use case's last write, after which nothing it does can fail, says `completesEvent`: the event
 * handler then has the event's marker (`marker`, which it fills in) written in the same
 * transaction, and makes no call of its own for it. A write that fails writes no marker either,
 * so the retry does the work again.
 */
export interface WriteOptions {
  completesEvent?: boolean;
  marker?: ProcessedEvent;
}

/**
 * What a use case reads by its key, and an event handler can read along with the event's marker:
 * a booking, a patient's profile, or what an email to an address needs before it is claimed
 * (readForSending without the patient).
 */
export type RecordRead =
  | { type: 'booking'; clinicId: string; bookingId: string }
  | { type: 'patient'; clinicId: string; patientId: string }
  | { type: 'sending'; clinicId: string; address: string };

/** What readForSending answers for an address and a clinic, without the patient. */
export interface SendingRead {
  suppressed: boolean;
  clinicProfile: Versioned<ClinicProfileRecord> | undefined;
}

export interface Store {
  getBooking(clinicId: string, bookingId: string): Promise<Versioned<BookingRecord> | undefined>;
  getPatient(clinicId: string, patientId: string): Promise<Versioned<PatientRecord> | undefined>;
  /** The patient's profile, sessions and plans in one read. */
  getPatientFile(clinicId: string, patientId: string): Promise<PatientFile>;
  /** Writes the records together or not at all; `version` is what was read (undefined: new record). */
  save(changes: RecordChange[], options?: WriteOptions): Promise<void>;
  /** The patient's earliest active booking starting after the instant, if any. */
  nextActiveBookingAfter(clinicId: string, patientId: string, after: Date): Promise<UpcomingBooking | undefined>;
  /** The clinic's latest profile; undefined until its first. */
  getClinicProfile(clinicId: string): Promise<Versioned<ClinicProfileRecord> | undefined>;
  /** The patient's latest answer to an answer page about a booking. */
  getResponse(
    clinicId: string,
    patientId: string,
    bookingId: string,
    kind: ResponseRecord['kind'],
  ): Promise<Versioned<ResponseRecord> | undefined>;

  claimEmail(claim: EmailClaim): Promise<ClaimResult>;
  /**
   * Marks the claim sent, with the outbox entry (EmailSent) that says so, together (the store may
   * keep the entry on the claim itself). Given the version of the claim's booking the email was
   * settled from, it also says whether the booking is still at it when the email is recorded
   * (checked in the same write; the email is recorded either way). Given a marker (WriteOptions),
   * it writes it in the same write only when the booking is still at that version, and says so
   * (`eventMarked`): a booking that moved is settled again, so the event is not complete yet.
   */
  recordEmailSent(
    claim: EmailClaim,
    messageId: string,
    sentAt: Date,
    outbox: OutboxEntry,
    settledFrom?: { bookingVersion: number },
    options?: WriteOptions,
  ): Promise<{ bookingUnchanged?: boolean; eventMarked?: boolean } | void>;
  releaseEmailClaim(claim: EmailClaim): Promise<void>;

  /** Whether mail to this address bounced permanently or drew a complaint. */
  isAddressSuppressed(address: string): Promise<boolean>;
  /**
   * What an email needs before it is claimed, in one read: whether its address is suppressed
   * (as isAddressSuppressed), the clinic's latest profile (as getClinicProfile) and, when named,
   * the patient's profile as it is now (as getPatient). `readWithTheEvent`: the caller takes what
   * was read for this address with the event's marker, if it was (a new booking's confirmation, a
   * few calls after that read); only the event handler's view of the store has such a read
   * (servingFirstReads), and the table is read otherwise.
   */
  readForSending(
    address: string,
    clinicId: string,
    patient?: { patientId: string },
    options?: { readWithTheEvent?: boolean },
  ): Promise<SendingRead & { patient?: Versioned<PatientRecord> | undefined }>;
  suppressAddress(address: string, reason: SuppressionReason, at: Date): Promise<void>;

  /** Whether this consumer (a function) has handled the event: each function that handles it marks its own. */
  isEventProcessed(clinicId: string, detailType: string, eventId: string, consumer: string): Promise<boolean>;
  /**
   * isEventProcessed, and in the same read what is named, each as getBooking, getPatient or
   * readForSending (without a patient) would return it (in the order named).
   */
  readEventStart(
    clinicId: string,
    detailType: string,
    eventId: string,
    consumer: string,
    reads: readonly RecordRead[],
  ): Promise<{
    processed: boolean;
    records: (Versioned<BookingRecord> | Versioned<PatientRecord> | SendingRead | undefined)[];
  }>;
  markEventProcessed(clinicId: string, detailType: string, eventId: string, consumer: string, at: Date): Promise<void>;

  /** Everything held about the patient: their partition, and each of their bookings' partitions. */
  getPatientHoldings(clinicId: string, patientId: string): Promise<PatientHoldings>;
  /**
   * Deletes every item of the patient (their partition, and each booking's partition the patient
   * is named in, emails included), then writes the marker (a profile holding only ids and the
   * erasure) with the outbox entry that reports it, together. Throws ConcurrentUpdateError when
   * the profile changed since `patientVersion` was read.
   */
  erasePatient(
    marker: PatientRecord,
    patientVersion: number | undefined,
    outbox: OutboxEntry,
    options?: WriteOptions,
  ): Promise<void>;
  /**
   * Writes the outbox entry together with the writer's marker of its event, unless that marker is
   * already there: then nothing is written, and it answers false. For an entry that goes with no
   * conditional change of a record: the marker outlives the entry (which the outbox function
   * removes once published), so a repeat of the trigger does not publish the event again.
   */
  saveOutboxEntryOnce(entry: OutboxEntry, writer: string, at: Date): Promise<boolean>;

  /**
   * Of these outbox entries (by where the store keeps them: StoredOutboxEntry.storedAt), those
   * still waiting there: not published yet.
   */
  pendingOutboxEntries(storedAt: readonly string[]): Promise<Set<string>>;
  /** Removes a published entry: the table keeps no copy of what the bus now has. */
  removeOutboxEntry(storedAt: string): Promise<void>;
}

export interface UpcomingBooking {
  bookingId: string;
  startsAt: string;
}

export type SuppressionReason = 'bounce' | 'complaint';

export type RecordChange =
  | { type: 'booking'; record: BookingRecord; version: number | undefined }
  | { type: 'patient'; record: PatientRecord; version: number | undefined }
  | { type: 'session'; record: SessionRecord; version: number | undefined }
  | { type: 'plan'; record: PlanRecord; version: number | undefined }
  | { type: 'clinic'; record: ClinicProfileRecord; version: number | undefined }
  | { type: 'response'; record: ResponseRecord; version: number | undefined }
  | { type: 'export'; record: ExportRecord; version: undefined }
  /**
   * One of CareLoop's own events, written with the change it reports (the transactional outbox):
   * the outbox function publishes it from the table's stream. Written again while it waits, it
   * changes nothing; once published it is gone, and written again it is published again. So it goes
   * with a conditional change, which a repeat does not make again (or see `saveOutboxEntryOnce`).
   */
  | { type: 'outbox'; entry: OutboxEntry };

/** An event CareLoop owes the bus, and the staff alert that goes with it, if any. */
export interface OutboxEntry {
  event: OwnEvent;
  /** For an AttentionNeeded: the clinic's staff are emailed (ids and reason codes only). */
  staffAlert?: StaffAlertRequest;
}

/**
 * An outbox entry as the store hands it over, with where it keeps it: opaque to the domain, which
 * only gives it back to ask whether the entry still waits and to remove it once published.
 */
export interface StoredOutboxEntry {
  entry: OutboxEntry;
  storedAt: string;
}

export interface StaffAlertRequest {
  patientId: string;
  bookingId: string;
  reasons: string[];
}

/** Facts worth a log line: ids, kinds and outcomes only, never names, addresses, notes or scores. */
export type DomainLog = (message: string, fields: Record<string, string | number | boolean | string[]>) => void;

export interface Settings {
  senderAddress: string;
  /** Minutes before the start, largest first. */
  reminderOffsetsMinutes: number[];
  checkInDelayMinutes: number;
  /** Reminders and check-ins are not delivered inside these hours of the booking's zone. */
  quietHours?: QuietHours;
}

/**
 * The signed links of the patient pages: one-click unsubscribe (RFC 8058) for follow-ups and
 * check-ins, and the answer pages (attendance, check-in). Signed, so they cannot be forged.
 */
export interface UnsubscribeLinks {
  /** An absolute URL (https on AWS) that unsubscribes this patient from follow-ups and check-ins. */
  urlFor(clinicId: string, patientId: string): Promise<string>;
  /** An absolute URL of the answer page about one booking, good until the subject's `expiresAt`. */
  answerUrlFor(subject: AnswerSubject): Promise<string>;
  /** What a token was signed for, or undefined when it is not one of ours (or was altered). */
  verify(token: string): Promise<LinkSubject | undefined>;
}

/**
 * The operational metrics CareLoop emits (CloudWatch namespace `CareLoop`). The one list:
 * the adapter (shared/adapters/metrics.ts) and the alarms (infra/operations.ts) read these
 * names, so the code and the alarms cannot drift apart.
 */
export const METRIC_NAMES = {
  /** A contract event handled; dimensions detailType, status (processed, duplicate, rejected, failed). */
  eventsProcessed: 'EventsProcessed',
  /** An email claimed (conditional write) before SES is called; dimension kind. */
  emailsClaimed: 'EmailsClaimed',
  /** SES accepted an email; dimension kind. */
  emailsSent: 'EmailsSent',
  /** SES refused an email, so its claim was released for the retry; dimension kind. */
  emailClaimsReleased: 'EmailClaimsReleased',
  /** A claim left by an invocation that died mid-send: the email is not sent again; dimension kind. */
  emailClaimsStuck: 'EmailClaimsStuck',
  /** Not sent: the address bounced or complained before; dimension kind. */
  emailsSuppressed: 'EmailsSuppressed',
  /** A reminder, check-in or plan-check schedule fired; dimensions job, outcome. */
  scheduledJobs: 'ScheduledJobs',
  /** CareLoop published an event of its own; dimension detailType. */
  eventsPublished: 'EventsPublished',
  /** An event about an erased patient that occurred before the erasure: ignored; dimension detailType. */
  eventsAfterErasure: 'EventsIgnoredAfterErasure',
} as const;
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/**
 * Counts for operations. Dimensions stay low-cardinality (email kind, event type, status,
 * outcome): never ids, addresses or anything a patient wrote.
 */
export interface Metrics {
  count(name: MetricName, dimensions?: Record<string, string>, value?: number): void;
}

/**
 * The clinic's self-care library, loaded when a follow-up or check-in first needs it: the data
 * is a chunk of its own, which most invocations never load (shared/runtime/wiring.ts).
 */
export interface SelfCareSource {
  load(): Promise<SelfCareLibrary>;
}

/**
 * An event CareLoop publishes about what it did (contract "What CareLoop publishes"): its detail
 * carries the common fields and ids, counts and codes only, never anything a patient wrote.
 */
export interface OwnEvent {
  source: `careloop.${string}`;
  detailType: string;
  detail: { eventId: string; occurredAt: string; clinicId: string } & Record<string, unknown>;
}

export interface EventPublisher {
  /** Throws when the bus did not accept the event. */
  publish(event: OwnEvent): Promise<void>;
}

/**
 * Where patient data exports are written (contract 1.1, PatientDataExportRequested): the stack's
 * export bucket, encrypted with its key, from which the clinic's named readers fetch them and
 * where each is deleted a week after it was written.
 */
export interface ExportStore {
  /**
   * Stores the document under the key (ids only, never a name: the key shows in access logs and
   * events); the same key again replaces it. Resolves with where it is, for
   * PatientDataExportReady; throws when it was not stored.
   */
  put(key: string, body: string, contentType: string): Promise<{ bucket: string; key: string }>;
}

export interface Dependencies {
  store: Store;
  mailer: Mailer;
  scheduler: JobScheduler;
  clock: Clock;
  settings: Settings;
  library: SelfCareSource;
  unsubscribeLinks: UnsubscribeLinks;
  events: EventPublisher;
  exports: ExportStore;
  log: DomainLog;
  /** Optional so in-memory test doubles need none; the runtime (shared/runtime/runtime.ts) always sets it. */
  metrics?: Metrics;
  /** The invocation handling a contract event; set per invocation by the event handlers. */
  invocation?: Invocation;
}

/**
 * The ports only some functions use. A use case names the ones it needs (`Needs<'mailer'>`),
 * and each function wires only those (functions/<name>/handler.ts), so a function that sends no
 * email carries neither SES's client nor the templates, and starts faster.
 */
export type OptionalPort = 'mailer' | 'scheduler' | 'library' | 'unsubscribeLinks' | 'events' | 'exports';

/** The store, clock, settings, log and metrics every function has, and the optional ports `P`. */
export type Needs<P extends OptionalPort = never> = Omit<Dependencies, OptionalPort> & Pick<Dependencies, P>;
