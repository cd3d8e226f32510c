import { createHash, createHmac } from 'node:crypto';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type Put,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  BookingRecord,
  ClinicProfileRecord,
  PatientRecord,
  PlanRecord,
  ResponseRecord,
  SessionRecord,
  Versioned,
} from '../domain/model';
import {
  ConcurrentUpdateError,
  type ClaimResult,
  type EmailClaim,
  type EmailLogEntry,
  type OutboxEntry,
  type PatientFile,
  type PatientHoldings,
  type RecordChange,
  type SendingRead,
  type StaffAlertRequest,
  type Store,
  type StoredOutboxEntry,
} from '../domain/ports';
import { expiresAtOf, type Retention } from '../retention';
import { EMAIL_SORT_KEY_PREFIX, OUTBOX_SORT_KEY, tableDefinition } from '../table-definition';

type ItemKey = { pk: string; sk: string };

/** How long a processed-event marker is kept: well past EventBridge's 24 h retry window and archive replays of a month. */
const PROCESSED_MARKER_DAYS = 35;

/**
 * The outbox function removes an entry once it is published; this bounds one it never reached
 * (the stream gave up and no one republished it, see `npm run outbox`).
 */
const OUTBOX_ENTRY_DAYS = 35;

/**
 * Keys live here and only here. A booking is its own partition (changes to it carry no
 * patient id), holding the booking and the emails sent about it; a patient's partition
 * holds their profile, sessions and plans, so one Query reads everything a follow-up needs,
 * and the emails about the patient as a whole (a plan nudge). A clinic's profile is its own.
 */
export const keys = {
  booking: (clinicId: string, bookingId: string) => ({ pk: `C#${clinicId}#B#${bookingId}`, sk: 'BOOKING' }),
  email: (claim: Pick<EmailClaim, 'clinicId' | 'bookingId' | 'patientId' | 'key'>) => ({
    pk:
      claim.bookingId !== undefined
        ? `C#${claim.clinicId}#B#${claim.bookingId}`
        : keys.patientPartition(claim.clinicId, claim.patientId),
    sk: `${EMAIL_SORT_KEY_PREFIX}${claim.key}`,
  }),
  clinicProfile: (clinicId: string) => ({ pk: `C#${clinicId}#CLINIC`, sk: 'PROFILE' }),
  /** A patient's latest answer to one answer page, in their partition. */
  response: (clinicId: string, patientId: string, bookingId: string, kind: string) => ({
    pk: keys.patientPartition(clinicId, patientId),
    sk: `RESPONSE#${bookingId}#${kind}`,
  }),
  /** One of CareLoop's own events, waiting for the outbox function or published (OUTBOX_SORT_KEY). */
  outboxEntry: (clinicId: string, eventId: string) => ({ pk: `C#${clinicId}#OUT#${eventId}`, sk: OUTBOX_SORT_KEY }),
  /** A patient data export's record (the bucket and key it went to), in the patient's partition. */
  export: (clinicId: string, patientId: string, requestId: string) => ({
    pk: keys.patientPartition(clinicId, patientId),
    sk: `EXPORT#${requestId}`,
  }),
  patientPartition: (clinicId: string, patientId: string) => `C#${clinicId}#P#${patientId}`,
  patient: (clinicId: string, patientId: string) => ({ pk: keys.patientPartition(clinicId, patientId), sk: 'PROFILE' }),
  session: (clinicId: string, patientId: string, bookingId: string) => ({
    pk: keys.patientPartition(clinicId, patientId),
    sk: `SESSION#${bookingId}`,
  }),
  plan: (clinicId: string, patientId: string, planId: string) => ({
    pk: keys.patientPartition(clinicId, patientId),
    sk: `PLAN#${planId}`,
  }),
  /**
   * A suppressed address is keyed by an HMAC of it with a secret key: the table says whether an
   * address is suppressed without holding it, and without the key no list of likely addresses
   * can be hashed and matched against it.
   */
  suppressedAddress: (address: string, addressKey: string) => ({
    pk: `ADDRESS#${createHmac('sha256', addressKey).update(normalisedAddress(address)).digest('hex')}`,
    sk: 'SUPPRESSED',
  }),
  /**
   * How suppressions were keyed before: a plain SHA-256, which a dictionary of addresses reverses.
   * Read until every such item is re-keyed (npm run suppressions -- --migrate), never written.
   */
  legacySuppressedAddress: (address: string) => ({
    pk: `SUPPRESSED#${createHash('sha256').update(normalisedAddress(address)).digest('hex')}`,
    sk: 'ADDRESS',
  }),
  /** One marker per event and function: two functions handling one event each mark their own. */
  processedEvent: (clinicId: string, detailType: string, eventId: string, consumer: string) => ({
    pk: `C#${clinicId}#EVENT#${detailType}#${eventId}`,
    sk: `PROCESSED#${consumer}`,
  }),
};

/** Addresses compare without case or surrounding space. */
export const normalisedAddress = (address: string) => address.trim().toLowerCase();

const toItem = (value: Record<string, unknown>) =>
  marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });

/** The item an outbox entry is written as: what the table stream carries as its new image. */
export function outboxItem(entry: OutboxEntry): Record<string, unknown> {
  const { clinicId, eventId, occurredAt } = entry.event.detail;
  return {
    ...keys.outboxEntry(clinicId, eventId),
    event: entry.event,
    ...(entry.staffAlert && { staffAlert: entry.staffAlert }),
    [tableDefinition.timeToLiveAttribute]: Math.floor(Date.parse(occurredAt) / 1000) + OUTBOX_ENTRY_DAYS * 86_400,
  };
}

/** That a function has handled an event, kept as long as an event can come again. */
function processedMarker(clinicId: string, detailType: string, eventId: string, consumer: string, at: Date) {
  return {
    ...keys.processedEvent(clinicId, detailType, eventId, consumer),
    processedAt: at.toISOString(),
    [tableDefinition.timeToLiveAttribute]: Math.floor(at.getTime() / 1000) + PROCESSED_MARKER_DAYS * 86_400,
  };
}

/**
 * The entry an item holds (its stream image, unmarshalled), with where it is: an outbox entry
 * (OUTBOX_SORT_KEY), or an email's claim marked sent, which carries its EmailSent itself.
 */
export function storedOutboxEntryOf(item: Record<string, unknown>): StoredOutboxEntry | undefined {
  const event = item.event as OutboxEntry['event'] | undefined;
  if (!event || typeof event !== 'object' || typeof event.detailType !== 'string') return undefined;
  if (typeof item.pk !== 'string' || typeof item.sk !== 'string') return undefined;
  return {
    entry: { event, ...(item.staffAlert !== undefined && { staffAlert: item.staffAlert as StaffAlertRequest }) },
    storedAt: JSON.stringify({ pk: item.pk, sk: item.sk }),
  };
}

/** The key an entry's storedAt names (what storedOutboxEntryOf gave). */
function keyOfStoredEntry(storedAt: string): { pk: string; sk: string } {
  const key = JSON.parse(storedAt) as { pk?: unknown; sk?: unknown };
  if (typeof key.pk !== 'string' || typeof key.sk !== 'string')
    throw new Error(`not where an outbox entry is: ${storedAt}`);
  return { pk: key.pk, sk: key.sk };
}

/**
 * The TTL attribute of an item kept for the retention after its own time, or nothing (`off`):
 * spread into every write of such an item, so no write leaves it out and none counts from
 * another time.
 */
const expiry = (time: Date | string, retention: Retention) => {
  const expiresAt = expiresAtOf(time, retention);
  return expiresAt === undefined ? {} : { [tableDefinition.timeToLiveAttribute]: expiresAt };
};

/**
 * The item of a record. Sessions and answers expire with the retention, counted from when the
 * session ended and when the answer was given; the other records have no expiry. A write
 * replaces the whole item, so the expiry is derived here from the record on every write: a
 * session written again (marked waiting for an address, then not) keeps the expiry it had.
 */
/**
 * A booking known only from changes (a reschedule, cancellation or no-show that arrived before its
 * BookingCreated) waits for its creation as long as a late delivery can come: past that, it is a
 * change to a booking that will never arrive, such as one of a patient erased meanwhile, and
 * expires. It names no patient. The creation, when it comes, writes the item without the expiry.
 */
const WAITING_BOOKING_DAYS = 35;

function waitingBookingExpiry(record: BookingRecord): Record<string, number> {
  if (record.created) return {};
  const stamps = [
    ...(record.reschedules ?? []).map((change) => change.stamp),
    record.cancellation?.stamp,
    record.missed?.stamp,
  ].flatMap((stamp) => (stamp ? [Date.parse(stamp.occurredAt)] : []));
  if (stamps.length === 0) return {};
  return {
    [tableDefinition.timeToLiveAttribute]: Math.floor(Math.max(...stamps) / 1000) + WAITING_BOOKING_DAYS * 86_400,
  };
}

function itemFor(change: Exclude<RecordChange, { type: 'outbox' }>, retention: Retention): Record<string, unknown> {
  const version = (change.version ?? 0) + 1;
  switch (change.type) {
    case 'booking': {
      const { record } = change;
      const byPatient =
        record.patientId && record.startsAt
          ? {
              [tableDefinition.indexes[0].partitionKey]: keys.patientPartition(record.clinicId, record.patientId),
              [tableDefinition.indexes[0].sortKey]: `${new Date(record.startsAt).toISOString()}#${record.bookingId}`,
            }
          : {};
      return {
        ...keys.booking(record.clinicId, record.bookingId),
        ...byPatient,
        status: record.status,
        version,
        data: record,
        ...waitingBookingExpiry(record),
      };
    }
    case 'patient':
      return { ...keys.patient(change.record.clinicId, change.record.patientId), version, data: change.record };
    case 'session': {
      const { record } = change;
      return {
        ...keys.session(record.clinicId, record.patientId, record.bookingId),
        version,
        data: record,
        ...expiry(record.completedAt, retention),
      };
    }
    case 'plan': {
      const { record } = change;
      return { ...keys.plan(record.clinicId, record.patientId, record.planId), version, data: record };
    }
    case 'clinic':
      return { ...keys.clinicProfile(change.record.clinicId), version, data: change.record };
    case 'response': {
      const { record } = change;
      return {
        ...keys.response(record.clinicId, record.patientId, record.bookingId, record.kind),
        version,
        data: record,
        ...expiry(record.answeredAt, retention),
      };
    }
    case 'export': {
      const { record } = change;
      return { ...keys.export(record.clinicId, record.patientId, record.requestId), version, data: record };
    }
  }
}

/** An email claim as the export's log shows it: what was sent, when, and SES's id; the item holds no body. */
function emailLogEntryOf(item: Record<string, unknown>, bookingId: string | undefined): EmailLogEntry {
  return {
    kind: item.kind as EmailLogEntry['kind'],
    ...(bookingId !== undefined && { bookingId }),
    status: item.status === 'sent' ? 'sent' : 'claimed',
    claimedAt: String(item.claimedAt),
    ...(typeof item.sentAt === 'string' && { sentAt: item.sentAt }),
    ...(typeof item.messageId === 'string' && { messageId: item.messageId }),
  };
}

function versionedPut(tableName: string, change: RecordChange, retention: Retention): Put {
  // Unconditional: what it is written with carries the condition (a version, a claim's token, a
  // marker), so a repeat, which fails that condition, does not write it again once it is published.
  if (change.type === 'outbox') return { TableName: tableName, Item: toItem(outboxItem(change.entry)) };
  const expected = change.version;
  return {
    TableName: tableName,
    Item: toItem(itemFor(change, retention)),
    ...(expected === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': { N: String(expected) } },
        }),
  };
}

function versioned<T>(item: Record<string, AttributeValue> | undefined): Versioned<T> | undefined {
  if (!item) return undefined;
  const { data, version } = unmarshall(item) as { data: T; version: number };
  return { record: data, version };
}

export interface DynamoStoreOptions {
  /**
   * How long sessions, answers and the email log are kept (shared/retention.ts): the deployment's
   * setting (RETENTION_DAYS). Required, so that no store writes them by a rule of its own.
   */
  retention: Retention;
  /**
   * The secret key that suppressed addresses are keyed with (see keys.suppressedAddress): read
   * when a suppression is first checked or written. A store without one refuses both.
   */
  addressKey?: () => Promise<string>;
}

export function createDynamoStore(client: DynamoDBClient, tableName: string, options: DynamoStoreOptions): Store {
  const { retention } = options;
  const addressKey = async () => {
    if (!options.addressKey) throw new Error('this store was given no key for suppressed addresses');
    const key = await options.addressKey();
    if (!key) throw new Error('the key for suppressed addresses is empty');
    return key;
  };

  /**
   * The items at these keys, each read consistently, in one BatchGetItem (more only when DynamoDB
   * leaves some unprocessed): an item absent from the answer does not exist.
   */
  const batchGet = async (wanted: { pk: string; sk: string }[], what: string) => {
    let request: Record<string, { Keys: Record<string, AttributeValue>[]; ConsistentRead: boolean }> | undefined = {
      [tableName]: { Keys: wanted.map((each) => marshall(each)), ConsistentRead: true },
    };
    const found: Record<string, AttributeValue>[] = [];
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      // DynamoDB leaves keys unprocessed only under throttling: back off, and give up as a throttle would.
      if (attempt >= 8) throw new Error(`DynamoDB left ${what} unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const answer = await client.send(new BatchGetItemCommand({ RequestItems: request }));
      found.push(...(answer.Responses?.[tableName] ?? []));
      request = answer.UnprocessedKeys as typeof request;
    }
    return (at: { pk: string; sk: string }) => found.find((item) => item.pk?.S === at.pk && item.sk?.S === at.sk);
  };

  /**
   * Whether the address is suppressed, read with the other items named in the same BatchGetItem:
   * the suppression under both its keys, until none keyed the old way is left.
   */
  const suppressionAnd = async (address: string, alongWith: { pk: string; sk: string }[]) => {
    const suppressionKeys = await suppressionKeysOf(address);
    const itemAt = await batchGet([...suppressionKeys, ...alongWith], 'the suppression lookup');
    return { suppressed: await suppressionIn(suppressionKeys, itemAt), itemAt };
  };

  /** The suppression's two keys: as it is kept, and as it was kept before (until none is left). */
  const suppressionKeysOf = async (address: string) =>
    [keys.suppressedAddress(address, await addressKey()), keys.legacySuppressedAddress(address)] as const;

  /** Whether a read of the suppression's keys found it; one found under the old key is re-keyed. */
  const suppressionIn = async (
    [key, legacyKey]: readonly [ItemKey, ItemKey],
    itemAt: (at: ItemKey) => Record<string, AttributeValue> | undefined,
  ) => {
    if (itemAt(key)) return true;
    const legacy = itemAt(legacyKey);
    if (!legacy) return false;
    // Re-keyed on first sight; the old item goes only once the new one is written.
    await client.send(new PutItemCommand({ TableName: tableName, Item: toItem({ ...unmarshall(legacy), ...key }) }));
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(legacyKey) }));
    return true;
  };

  const getVersioned = async <T>(key: { pk: string; sk: string }) => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return versioned<T>(Item);
  };

  /** Every item of a partition, each page read consistently. */
  const queryPartition = async (pk: string) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  /**
   * The patient's partition, and the partition of every booking that names them: those the index
   * finds, and those their sessions and answers are about (a booking's index entry needs its time).
   */
  const readHoldings = async (clinicId: string, patientId: string) => {
    const holdings: PatientHoldings = {
      bookings: [],
      sessions: [],
      plans: [],
      responses: [],
      emails: [],
      exports: [],
    };
    const itemKeys: { pk: string; sk: string }[] = [];
    const bookingIds = new Set<string>();
    for (const item of await queryPartition(keys.patientPartition(clinicId, patientId))) {
      const sk = String(item.sk);
      itemKeys.push({ pk: String(item.pk), sk });
      const data = item.data as never;
      if (sk === 'PROFILE') holdings.patient = { record: data, version: item.version as number };
      else if (sk.startsWith('SESSION#')) holdings.sessions.push(data);
      else if (sk.startsWith('PLAN#')) holdings.plans.push(data);
      else if (sk.startsWith('RESPONSE#')) holdings.responses.push(data);
      else if (sk.startsWith('EXPORT#')) holdings.exports.push(data);
      else if (sk.startsWith(EMAIL_SORT_KEY_PREFIX)) holdings.emails.push(emailLogEntryOf(item, undefined));
      if (sk.startsWith('SESSION#') || sk.startsWith('RESPONSE#')) {
        bookingIds.add((data as { bookingId: string }).bookingId);
      }
    }
    const index = tableDefinition.indexes[0];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          ExpressionAttributeValues: { ':pk': { S: keys.patientPartition(clinicId, patientId) } },
          ProjectionExpression: '#sk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        // The index's sort key is `<start>#<bookingId>`.
        const sortKey = item[index.sortKey]?.S ?? '';
        bookingIds.add(sortKey.slice(sortKey.indexOf('#') + 1));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    for (const bookingId of [...bookingIds].sort()) {
      const items = await queryPartition(keys.booking(clinicId, bookingId).pk);
      const booking = items.find((item) => item.sk === 'BOOKING')?.data as BookingRecord | undefined;
      // A booking of someone else's (an id a session or answer named wrongly) is not theirs to take.
      if (booking?.patientId !== undefined && booking.patientId !== patientId) continue;
      for (const item of items) {
        itemKeys.push({ pk: String(item.pk), sk: String(item.sk) });
        if (String(item.sk).startsWith(EMAIL_SORT_KEY_PREFIX)) holdings.emails.push(emailLogEntryOf(item, bookingId));
      }
      if (booking) holdings.bookings.push(booking);
    }
    return { holdings, itemKeys };
  };

  const store: Store = {
    getBooking: (clinicId, bookingId) => getVersioned<BookingRecord>(keys.booking(clinicId, bookingId)),
    getPatient: (clinicId, patientId) => getVersioned<PatientRecord>(keys.patient(clinicId, patientId)),

    async getPatientFile(clinicId, patientId) {
      const file: PatientFile = { sessions: [], plans: [] };
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: keys.patientPartition(clinicId, patientId) } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const sk = item.sk?.S ?? '';
          if (sk === 'PROFILE') file.patient = versioned<PatientRecord>(item);
          else if (sk.startsWith('SESSION#')) file.sessions.push(versioned<SessionRecord>(item)!);
          else if (sk.startsWith('PLAN#')) file.plans.push(versioned<PlanRecord>(item)!);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return file;
    },

    async save(changes, options = {}) {
      const puts = changes.map((change) => versionedPut(tableName, change, retention));
      const { marker } = options;
      if (marker && puts.length > 0) {
        const { clinicId, detailType, eventId, consumer, at } = marker;
        puts.push({ TableName: tableName, Item: toItem(processedMarker(clinicId, detailType, eventId, consumer, at)) });
      }
      try {
        if (puts.length === 1) {
          await client.send(new PutItemCommand(puts[0]!));
        } else if (puts.length > 1) {
          await client.send(new TransactWriteItemsCommand({ TransactItems: puts.map((put) => ({ Put: put })) }));
        }
      } catch (error) {
        const conflict =
          error instanceof ConditionalCheckFailedException ||
          error instanceof TransactionConflictException ||
          (error instanceof TransactionCanceledException &&
            (error.CancellationReasons ?? []).some(
              (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
            ));
        if (conflict) throw new ConcurrentUpdateError('the record changed since it was read');
        throw error;
      }
    },

    getClinicProfile: (clinicId) => getVersioned<ClinicProfileRecord>(keys.clinicProfile(clinicId)),
    getResponse: (clinicId, patientId, bookingId, kind) =>
      getVersioned<ResponseRecord>(keys.response(clinicId, patientId, bookingId, kind)),

    async nextActiveBookingAfter(clinicId, patientId, after) {
      const index = tableDefinition.indexes[0];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index.indexName,
            KeyConditionExpression: '#pk = :pk AND #sk > :after',
            FilterExpression: '#status = :active',
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey, '#status': 'status' },
            ExpressionAttributeValues: {
              ':pk': { S: keys.patientPartition(clinicId, patientId) },
              ':after': { S: after.toISOString() },
              ':active': { S: 'active' },
            },
            ProjectionExpression: '#sk',
            ExclusiveStartKey: startKey,
          }),
        );
        // The index's sort key is `<start>#<bookingId>`, in start order.
        const first = page.Items?.[0]?.[index.sortKey]?.S;
        if (first !== undefined) {
          const separator = first.indexOf('#');
          return { startsAt: first.slice(0, separator), bookingId: first.slice(separator + 1) };
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return undefined;
    },

    async claimEmail(claim: EmailClaim): Promise<ClaimResult> {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem({
              ...keys.email(claim),
              kind: claim.kind,
              status: 'claimed',
              token: claim.token,
              claimedAt: claim.claimedAt.toISOString(),
              requestId: claim.requestId,
              trigger: claim.trigger,
              // From the claim too: one never marked sent (its invocation died) expires all the same.
              ...expiry(claim.claimedAt, retention),
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { status: 'claimed' };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = error.Item ? unmarshall(error.Item) : {};
        if (existing.status === 'sent') return { status: 'sent' };
        // The SDK retried our own write after its first answer was lost: the claim is ours.
        if (existing.token === claim.token) return { status: 'claimed' };
        return {
          status: 'in-flight',
          claimedAt: new Date(String(existing.claimedAt ?? 0)),
          ...(typeof existing.requestId === 'string' && { requestId: existing.requestId }),
          ...(typeof existing.trigger === 'string' && { trigger: existing.trigger }),
        };
      }
    },

    async recordEmailSent(claim, messageId, sentAt, outbox, settledFrom, options = {}) {
      // Counted again from the send, which the log records; `off` leaves the claim without one.
      const expiresAt = expiresAtOf(sentAt, retention);
      // The claim carries its EmailSent: the stream's record of this write is the outbox entry
      // (storedOutboxEntryOf), so recording an email writes one item, not a claim and an entry.
      const markSent = {
        TableName: tableName,
        Key: marshall(keys.email(claim)),
        UpdateExpression: `SET #status = :sent, messageId = :messageId, sentAt = :sentAt, #event = :event${
          outbox.staffAlert === undefined ? '' : ', staffAlert = :staffAlert'
        }${expiresAt === undefined ? '' : ', #expiresAt = :expiresAt'}`,
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#token': 'token',
          '#event': 'event',
          ...(expiresAt !== undefined && { '#expiresAt': tableDefinition.timeToLiveAttribute }),
        },
        ExpressionAttributeValues: toItem({
          ':sent': 'sent',
          ':messageId': messageId,
          ':sentAt': sentAt.toISOString(),
          ':event': outbox.event,
          ':staffAlert': outbox.staffAlert,
          ':token': claim.token,
          ':expiresAt': expiresAt,
        }),
      };
      if (settledFrom === undefined || claim.bookingId === undefined) {
        await client.send(new UpdateItemCommand(markSent));
        return;
      }
      const bookingCheck: TransactWriteItem = {
        ConditionCheck: {
          TableName: tableName,
          Key: marshall(keys.booking(claim.clinicId, claim.bookingId)),
          ConditionExpression: 'version = :settled',
          ExpressionAttributeValues: { ':settled': { N: String(settledFrom.bookingVersion) } },
        },
      };
      const { marker } = options;
      const markerPut: TransactWriteItem[] = marker
        ? [
            {
              Put: {
                TableName: tableName,
                Item: toItem(
                  processedMarker(marker.clinicId, marker.detailType, marker.eventId, marker.consumer, marker.at),
                ),
              },
            },
          ]
        : [];
      try {
        await client.send(
          new TransactWriteItemsCommand({ TransactItems: [{ Update: markSent }, bookingCheck, ...markerPut] }),
        );
        return { bookingUnchanged: true, ...(marker && { eventMarked: true }) };
      } catch (error) {
        const [claimReason, bookingReason, markerReason] =
          error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        // A conflict on the booking is a write to it landing now: changed, as far as settling goes.
        // One on the marker (a repeat of the event writing it now) is taken the same way: the
        // caller reads the booking again, and the handler writes the marker after.
        const failed = (reason: typeof claimReason) => reason?.Code !== undefined && reason.Code !== 'None';
        const onlyTheBookingOrMarker =
          !failed(claimReason) &&
          (['ConditionalCheckFailed', 'TransactionConflict'].includes(bookingReason?.Code ?? '') ||
            failed(markerReason));
        if (!onlyTheBookingOrMarker) throw error;
      }
      // The email went out: it is recorded all the same, and the caller settles the booking again.
      await client.send(new UpdateItemCommand(markSent));
      return { bookingUnchanged: false };
    },

    async releaseEmailClaim(claim) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: marshall(keys.email(claim)),
            ConditionExpression: '#token = :token AND #status = :claimed',
            ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
            ExpressionAttributeValues: marshall({ ':token': claim.token, ':claimed': 'claimed' }),
          }),
        );
      } catch (error) {
        // Someone else's claim, or already gone: nothing of ours to release.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async isAddressSuppressed(address) {
      return (await suppressionAnd(address, [])).suppressed;
    },

    async readForSending(address, clinicId, patient) {
      const profileKey = keys.clinicProfile(clinicId);
      const patientKey = patient && keys.patient(clinicId, patient.patientId);
      const { suppressed, itemAt } = await suppressionAnd(
        address,
        patientKey ? [profileKey, patientKey] : [profileKey],
      );
      return {
        suppressed,
        clinicProfile: versioned<ClinicProfileRecord>(itemAt(profileKey)),
        ...(patientKey && { patient: versioned<PatientRecord>(itemAt(patientKey)) }),
      };
    },

    async suppressAddress(address, reason, at) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem({
            ...keys.suppressedAddress(address, await addressKey()),
            reason,
            suppressedAt: at.toISOString(),
          }),
        }),
      );
    },

    async readEventStart(clinicId, detailType, eventId, consumer, reads) {
      const marker = keys.processedEvent(clinicId, detailType, eventId, consumer);
      const keysOfRead = await Promise.all(
        reads.map(async (read) =>
          read.type === 'booking'
            ? [keys.booking(read.clinicId, read.bookingId)]
            : read.type === 'patient'
              ? [keys.patient(read.clinicId, read.patientId)]
              : [keys.clinicProfile(read.clinicId), ...(await suppressionKeysOf(read.address))],
        ),
      );
      const itemAt = await batchGet([marker, ...keysOfRead.flat()], 'the event and its records');
      const records = await Promise.all(
        keysOfRead.map(async ([key, ...suppressionKeys]) =>
          suppressionKeys.length === 0
            ? versioned<BookingRecord | PatientRecord>(itemAt(key!))
            : ({
                suppressed: await suppressionIn(suppressionKeys as [ItemKey, ItemKey], itemAt),
                clinicProfile: versioned<ClinicProfileRecord>(itemAt(key!)),
              } satisfies SendingRead),
        ),
      );
      return {
        processed: itemAt(marker) !== undefined,
        records: records as (Versioned<BookingRecord> | Versioned<PatientRecord> | SendingRead | undefined)[],
      };
    },

    async isEventProcessed(clinicId, detailType, eventId, consumer) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(keys.processedEvent(clinicId, detailType, eventId, consumer)),
          ConsistentRead: true,
          ProjectionExpression: 'pk',
        }),
      );
      return Item !== undefined;
    },

    async pendingOutboxEntries(storedAt) {
      const pending = new Set<string>();
      // BatchGetItem takes 100 keys at most; an outbox batch is far smaller, but each call is bounded.
      for (let index = 0; index < storedAt.length; index += 100) {
        let requested: Record<string, AttributeValue>[] = storedAt
          .slice(index, index + 100)
          .map((where) => marshall(keyOfStoredEntry(where)));
        while (requested.length > 0) {
          const { Responses, UnprocessedKeys } = await client.send(
            new BatchGetItemCommand({
              RequestItems: {
                [tableName]: {
                  Keys: requested,
                  ConsistentRead: true,
                  ProjectionExpression: 'pk, sk, #event.detailType',
                  ExpressionAttributeNames: { '#event': 'event' },
                },
              },
            }),
          );
          // An item without its event: a claim whose EmailSent is published (or one erased since).
          for (const item of Responses?.[tableName] ?? []) {
            const found = storedOutboxEntryOf(unmarshall(item));
            if (found) pending.add(found.storedAt);
          }
          requested = UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      }
      return pending;
    },

    async getPatientHoldings(clinicId, patientId) {
      return (await readHoldings(clinicId, patientId)).holdings;
    },

    async erasePatient(marker, patientVersion, outbox, options) {
      const { itemKeys } = await readHoldings(marker.clinicId, marker.patientId);
      const profile = keys.patient(marker.clinicId, marker.patientId);
      const doomed = itemKeys.filter((key) => key.pk !== profile.pk || key.sk !== profile.sk);
      // One DeleteItem each (an erasure is rare; its role needs no batch write), a few at a time.
      for (let index = 0; index < doomed.length; index += 10) {
        await Promise.all(
          doomed
            .slice(index, index + 10)
            .map((key) => client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(key) }))),
        );
      }
      // The marker replaces the profile (a versioned write, so a change that landed meanwhile is
      // seen by the retry), with the event that reports the erasure: both or neither.
      await store.save(
        [
          { type: 'patient', record: marker, version: patientVersion },
          { type: 'outbox', entry: outbox },
        ],
        options,
      );
    },

    async removeOutboxEntry(storedAt) {
      const key = keyOfStoredEntry(storedAt);
      if (key.sk === OUTBOX_SORT_KEY) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(key) }));
        return;
      }
      // A claim keeps its record of the email; only the event it carried for the outbox goes.
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: marshall(key),
            UpdateExpression: 'REMOVE #event, staffAlert',
            // Never an item of keys alone where an erasure removed the claim meanwhile.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#event': 'event' },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async markEventProcessed(clinicId, detailType, eventId, consumer, at) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem(processedMarker(clinicId, detailType, eventId, consumer, at)),
        }),
      );
    },

    async saveOutboxEntryOnce(entry, writer, at) {
      const { clinicId, eventId } = entry.event.detail;
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: toItem(processedMarker(clinicId, entry.event.detailType, eventId, writer, at)),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: versionedPut(tableName, { type: 'outbox', entry }, retention) },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [marker] = error.CancellationReasons ?? [];
        if (marker?.Code === 'ConditionalCheckFailed') return false;
        // Another invocation writing the same marker at this moment: a retry finds it there, or not.
        if ((error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict'))
          throw new ConcurrentUpdateError('another invocation is writing the same outbox entry');
        throw error;
      }
    },
  };
  return store;
}
