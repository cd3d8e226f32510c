import type { EmailKind } from '../../shared/email/types';
import type {
  BookingRecord,
  ClinicProfileRecord,
  ExportRecord,
  PatientRecord,
  PlanRecord,
  ResponseRecord,
  SessionRecord,
  Versioned,
} from '../../shared/domain/model';
import {
  ConcurrentUpdateError,
  type ClaimResult,
  type Dependencies,
  type EmailClaim,
  type EventPublisher,
  type ExportStore,
  type JobScheduler,
  type Mailer,
  type OutboxEntry,
  type OutgoingEmail,
  type OwnEvent,
  type ProcessedEvent,
  type ScheduledJob,
  type Store,
} from '../../shared/domain/ports';
import { selfCareLibrary } from '../../shared/self-care/library';

/**
 * In-memory adapters with the same contract as the DynamoDB, SES and Scheduler ones
 * (versioned conditional writes, conditional claims, idempotent schedules), for property
 * tests that run thousands of event sequences through the domain in seconds. The real
 * adapters are exercised against the emulators in test/integration and test/e2e.
 */

const clone = <T>(value: T): T => structuredClone(value);

export function createMemoryStore(): Store & {
  emailClaims: Map<string, { status: string; kind: EmailKind }>;
  /**
   * Every outbox entry in the order first written. A second write of an event changes nothing while
   * it waits; once published (removed), it is pending again, as a new insertion in the table is.
   */
  outbox: OutboxEntry[];
} {
  const records = new Map<string, Versioned<unknown>>();
  const emailClaims = new Map<
    string,
    { status: string; kind: EmailKind; token: string; claimedAt: Date; requestId?: string; trigger?: string }
  >();
  const suppressed = new Set<string>();
  const processed = new Set<string>();
  const markProcessed = (event: Omit<ProcessedEvent, 'at'>) =>
    void processed.add(`${event.clinicId}/${event.detailType}/${event.eventId}/${event.consumer}`);
  const outbox: OutboxEntry[] = [];
  const published = new Set<string>();
  const addToOutbox = (entry: OutboxEntry) => {
    const { clinicId, eventId } = entry.event.detail;
    if (!outbox.some((written) => written.event.detail.eventId === eventId)) outbox.push(clone(entry));
    published.delete(`${clinicId}/${eventId}`);
  };
  const claimKey = (claim: EmailClaim) =>
    `${claim.clinicId}/${claim.bookingId ?? `patient:${claim.patientId}`}/${claim.key}`;
  const get = <T>(key: string) => {
    const found = records.get(key);
    return found ? (clone(found) as Versioned<T>) : undefined;
  };
  const keyOf = (type: string, record: { clinicId: string } & Record<string, unknown>) => {
    switch (type) {
      case 'booking':
        return `booking/${record.clinicId}/${record.bookingId}`;
      case 'patient':
        return `patient/${record.clinicId}/${record.patientId}`;
      case 'session':
        return `session/${record.clinicId}/${record.patientId}/${record.bookingId}`;
      case 'clinic':
        return `clinic/${record.clinicId}`;
      case 'response':
        return `response/${record.clinicId}/${record.patientId}/${record.bookingId}/${record.kind}`;
      case 'export':
        return `export/${record.clinicId}/${record.patientId}/${record.requestId}`;
      default:
        return `plan/${record.clinicId}/${record.patientId}/${record.planId}`;
    }
  };
  const inPartition = <T>(prefix: string) =>
    [...records.entries()].filter(([key]) => key.startsWith(prefix)).map(([, value]) => clone(value) as Versioned<T>);

  return {
    emailClaims,
    outbox,
    getBooking: async (clinicId, bookingId) => get<BookingRecord>(`booking/${clinicId}/${bookingId}`),
    getPatient: async (clinicId, patientId) => get<PatientRecord>(`patient/${clinicId}/${patientId}`),
    async getPatientFile(clinicId, patientId) {
      return {
        patient: get<PatientRecord>(`patient/${clinicId}/${patientId}`),
        sessions: inPartition<SessionRecord>(`session/${clinicId}/${patientId}/`),
        plans: inPartition<PlanRecord>(`plan/${clinicId}/${patientId}/`),
      };
    },
    async save(changes, options) {
      const keyed = changes.flatMap((change) =>
        change.type === 'outbox' ? [] : [{ key: keyOf(change.type, change.record as never), change }],
      );
      for (const { key, change } of keyed) {
        if ((records.get(key)?.version ?? undefined) !== change.version) {
          throw new ConcurrentUpdateError('the record changed since it was read');
        }
      }
      for (const { key, change } of keyed) {
        records.set(key, { record: clone(change.record), version: (change.version ?? 0) + 1 });
      }
      for (const change of changes) if (change.type === 'outbox') addToOutbox(change.entry);
      if (options?.marker && changes.length > 0) markProcessed(options.marker);
    },
    getClinicProfile: async (clinicId) => get<ClinicProfileRecord>(`clinic/${clinicId}`),
    getResponse: async (clinicId, patientId, bookingId, kind) =>
      get<ResponseRecord>(`response/${clinicId}/${patientId}/${bookingId}/${kind}`),
    async nextActiveBookingAfter(clinicId, patientId, after) {
      const upcoming = inPartition<BookingRecord>(`booking/${clinicId}/`)
        .map(({ record }) => record)
        .filter(
          (record) =>
            record.patientId === patientId &&
            record.status === 'active' &&
            record.startsAt !== undefined &&
            Date.parse(record.startsAt) > after.getTime(),
        )
        .sort((a, b) => Date.parse(a.startsAt!) - Date.parse(b.startsAt!))[0];
      return upcoming && { bookingId: upcoming.bookingId, startsAt: new Date(upcoming.startsAt!).toISOString() };
    },
    async claimEmail(claim: EmailClaim): Promise<ClaimResult> {
      const key = claimKey(claim);
      const existing = emailClaims.get(key);
      if (existing) {
        if (existing.status === 'sent') return { status: 'sent' };
        return existing.token === claim.token
          ? { status: 'claimed' }
          : {
              status: 'in-flight',
              claimedAt: existing.claimedAt,
              requestId: existing.requestId,
              trigger: existing.trigger,
            };
      }
      emailClaims.set(key, {
        status: 'claimed',
        kind: claim.kind,
        token: claim.token,
        claimedAt: claim.claimedAt,
        requestId: claim.requestId,
        trigger: claim.trigger,
      });
      return { status: 'claimed' };
    },
    async recordEmailSent(claim, _messageId, _sentAt, entry, settledFrom, options = {}) {
      const existing = emailClaims.get(claimKey(claim));
      if (existing?.token !== claim.token) return;
      existing.status = 'sent';
      addToOutbox(entry);
      if (settledFrom === undefined || claim.bookingId === undefined) return;
      const booking = records.get(`booking/${claim.clinicId}/${claim.bookingId}`);
      const bookingUnchanged = booking?.version === settledFrom.bookingVersion;
      // As the table's transaction: the marker only with the booking's check passing.
      if (!bookingUnchanged || !options.marker) return { bookingUnchanged };
      markProcessed(options.marker);
      return { bookingUnchanged, eventMarked: true };
    },
    async releaseEmailClaim(claim) {
      const key = claimKey(claim);
      const existing = emailClaims.get(key);
      if (existing?.token === claim.token && existing.status === 'claimed') emailClaims.delete(key);
    },
    isAddressSuppressed: async (address) => suppressed.has(address.trim().toLowerCase()),
    readForSending: async (address, clinicId, patient) => ({
      suppressed: suppressed.has(address.trim().toLowerCase()),
      clinicProfile: get<ClinicProfileRecord>(`clinic/${clinicId}`),
      ...(patient && { patient: get<PatientRecord>(`patient/${clinicId}/${patient.patientId}`) }),
    }),
    suppressAddress: async (address) => void suppressed.add(address.trim().toLowerCase()),
    isEventProcessed: async (clinicId, detailType, eventId, consumer) =>
      processed.has(`${clinicId}/${detailType}/${eventId}/${consumer}`),
    readEventStart: async (clinicId, detailType, eventId, consumer, reads) => ({
      processed: processed.has(`${clinicId}/${detailType}/${eventId}/${consumer}`),
      records: reads.map((read) =>
        read.type === 'booking'
          ? get<BookingRecord>(`booking/${read.clinicId}/${read.bookingId}`)
          : read.type === 'patient'
            ? get<PatientRecord>(`patient/${read.clinicId}/${read.patientId}`)
            : {
                suppressed: suppressed.has(read.address.trim().toLowerCase()),
                clinicProfile: get<ClinicProfileRecord>(`clinic/${read.clinicId}`),
              },
      ),
    }),
    markEventProcessed: async (clinicId, detailType, eventId, consumer) =>
      markProcessed({ clinicId, detailType, eventId, consumer }),
    async saveOutboxEntryOnce(entry, writer) {
      const { detailType, detail } = entry.event;
      const marker = `${detail.clinicId}/${detailType}/${detail.eventId}/${writer}`;
      if (processed.has(marker)) return false;
      processed.add(marker);
      addToOutbox(entry);
      return true;
    },
    // Where the memory store keeps an entry: its clinic and event id.
    pendingOutboxEntries: async (storedAt) =>
      new Set(
        storedAt.filter(
          (where) =>
            !published.has(where) &&
            outbox.some((entry) => `${entry.event.detail.clinicId}/${entry.event.detail.eventId}` === where),
        ),
      ),
    removeOutboxEntry: async (storedAt) => void published.add(storedAt),
    async getPatientHoldings(clinicId, patientId) {
      const bookings = inPartition<BookingRecord>(`booking/${clinicId}/`)
        .map(({ record }) => record)
        .filter((record) => record.patientId === patientId);
      const bookingIds = new Set(bookings.map((booking) => booking.bookingId));
      return {
        patient: get<PatientRecord>(`patient/${clinicId}/${patientId}`),
        bookings,
        sessions: inPartition<SessionRecord>(`session/${clinicId}/${patientId}/`).map(({ record }) => record),
        plans: inPartition<PlanRecord>(`plan/${clinicId}/${patientId}/`).map(({ record }) => record),
        responses: inPartition<ResponseRecord>(`response/${clinicId}/${patientId}/`).map(({ record }) => record),
        emails: [...emailClaims.entries()]
          .filter(([key]) => {
            const [claimClinic, owner] = key.split('/');
            return claimClinic === clinicId && (owner === `patient:${patientId}` || bookingIds.has(owner!));
          })
          .map(([key, claim]) => ({
            kind: claim.kind,
            ...(!key.split('/')[1]!.startsWith('patient:') && { bookingId: key.split('/')[1]! }),
            status: claim.status === 'sent' ? ('sent' as const) : ('claimed' as const),
            claimedAt: claim.claimedAt.toISOString(),
          })),
        exports: inPartition<ExportRecord>(`export/${clinicId}/${patientId}/`).map(({ record }) => record),
      };
    },
    async erasePatient(marker, patientVersion, entry, options) {
      const { clinicId, patientId } = marker;
      const profileKey = `patient/${clinicId}/${patientId}`;
      if ((records.get(profileKey)?.version ?? undefined) !== patientVersion) {
        throw new ConcurrentUpdateError('the record changed since it was read');
      }
      const bookingIds = new Set<string>();
      for (const [key, value] of records) {
        const record = value.record as { clinicId: string; patientId?: string; bookingId?: string };
        if (record.clinicId !== clinicId || record.patientId !== patientId || key === profileKey) continue;
        if (record.bookingId !== undefined) bookingIds.add(record.bookingId);
        records.delete(key);
      }
      for (const key of emailClaims.keys()) {
        const [claimClinic, owner] = key.split('/');
        if (claimClinic === clinicId && (owner === `patient:${patientId}` || bookingIds.has(owner!))) {
          emailClaims.delete(key);
        }
      }
      records.set(profileKey, { record: clone(marker), version: (patientVersion ?? 0) + 1 });
      addToOutbox(entry);
      if (options?.marker) markProcessed(options.marker);
    },
  };
}

export function createMemoryEventPublisher(): EventPublisher & { published: OwnEvent[] } {
  const published: OwnEvent[] = [];
  return {
    published,
    async publish(event) {
      published.push(clone(event));
    },
  };
}

export function createMemoryMailer(): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(email) {
      sent.push(email);
      return { messageId: `memory-${sent.length}` };
    },
  };
}

/** The export bucket, in memory: what was put, by key, as S3 would hold it. */
export function createMemoryExportStore(
  bucket = 'careloop-test-exports',
): ExportStore & { objects: Map<string, { body: string; contentType: string }> } {
  const objects = new Map<string, { body: string; contentType: string }>();
  return {
    objects,
    async put(key, body, contentType) {
      objects.set(key, { body, contentType });
      return { bucket, key };
    },
  };
}

export function createMemoryScheduler(): JobScheduler & { jobs: Map<string, ScheduledJob> } {
  const jobs = new Map<string, ScheduledJob>();
  return {
    jobs,
    async ensure(job) {
      if (!jobs.has(job.name)) jobs.set(job.name, clone(job));
    },
    async remove(name) {
      jobs.delete(name);
    },
    async list(prefix) {
      return [...jobs.keys()].filter((name) => name.startsWith(prefix));
    },
  };
}

export function createMemoryDependencies(now: Date) {
  const store = createMemoryStore();
  const mailer = createMemoryMailer();
  const scheduler = createMemoryScheduler();
  const events = createMemoryEventPublisher();
  const exports = createMemoryExportStore();
  let current = now.getTime();
  const dependencies: Dependencies = {
    store,
    mailer,
    scheduler,
    clock: { now: () => new Date(current) },
    settings: {
      senderAddress: 'appointments@clinic.example',
      reminderOffsetsMinutes: [1440],
      checkInDelayMinutes: 4320,
    },
    library: { load: async () => selfCareLibrary },
    unsubscribeLinks: {
      urlFor: async (clinicId, patientId) => `https://unsubscribe.example/${clinicId}.${patientId}`,
      answerUrlFor: async ({ purpose, clinicId, patientId, bookingId }) =>
        `https://answers.example/${purpose}.${clinicId}.${patientId}.${bookingId}`,
      verify: async () => undefined,
    },
    events,
    exports,
    log: () => undefined,
  };
  return {
    dependencies,
    store,
    mailer,
    scheduler,
    events,
    exports,
    advanceTo: (instant: Date) => (current = instant.getTime()),
  };
}
