import { createHmac, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseDetail } from '../../events/validation';
import { handleUnsubscribeRequest } from '../../functions/unsubscribe/handler';
import { createDynamoStore } from '../../shared/adapters/dynamo-store';
import { DEFAULT_RETENTION_DAYS } from '../../shared/retention';
import {
  createSecretsManagerKeyLoader,
  createUnsubscribeLinks,
  KEY_CACHE_TTL_MS,
  UNKNOWN_KEY_REFRESH_MS,
} from '../../shared/adapters/unsubscribe-links';
import { onContactPreferencesUpdated } from '../../shared/domain/patients';
import type { Dependencies, OutgoingEmail } from '../../shared/domain/ports';
import { applyPatientFromBooking, applySessionCompleted } from '../../shared/domain/records';
import { onCheckInDue } from '../../shared/domain/sessions';
import { onUnsubscribe } from '../../shared/domain/unsubscribe';
import { selfCareLibrary } from '../../shared/self-care/library';
import { signUnsubscribeToken, unsubscribeKeyId } from '../../shared/unsubscribe/token';
import { createCareLoopTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { scenario } from '../support/scenario';
import { serveSideServices } from '../support/side-services-server';

/**
 * The unsubscribe endpoint against DynamoDB Local: the keys come through the Secrets Manager
 * loader from the local stack's Secrets Manager (infra/local/side-services.ts), the records
 * through the real store. Nothing here sends mail or schedules jobs (a mailer or scheduler
 * call fails the test), except the check-ins of the key rotation, which are captured.
 */
const SECRET_ID = 'careloop/unsubscribe-signing-key';
const KEY = 'integration-signing-key-0123456789abcdef';
const NOW = new Date('2027-03-05T10:00:00Z');
const BASE_URL = 'http://127.0.0.1:4010/unsubscribe/';

let secretsManager: Awaited<ReturnType<typeof serveSideServices>>;
let secrets: SecretsManagerClient;
let dynamo: DynamoDBClient;
let deps: Dependencies;
/** The clock of this test's container's key cache, moved by the rotation tests. */
let keysNow = 0;

const unexpected = (what: string) => () => {
  throw new Error(`unexpected ${what} call`);
};

const getSecretValueCalls = () => secretsManager.targets.filter((target) => target.endsWith('.GetSecretValue')).length;

beforeAll(async () => {
  secretsManager = await serveSideServices({ [SECRET_ID]: KEY });
  secrets = secretsManager.secretsManager();
  dynamo = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const tableName = `careloop-it-unsub-${randomUUID().slice(0, 8)}`;
  await createCareLoopTable(dynamo, tableName);
  deps = {
    store: createDynamoStore(dynamo, tableName, {
      retention: DEFAULT_RETENTION_DAYS,
      addressKey: async () => 'test-address-key',
    }),
    mailer: { send: unexpected('mailer') },
    scheduler: { ensure: unexpected('scheduler'), remove: unexpected('scheduler'), list: unexpected('scheduler') },
    clock: { now: () => NOW },
    settings: {
      senderAddress: 'appointments@riverside.example',
      reminderOffsetsMinutes: [1440],
      checkInDelayMinutes: 4320,
    },
    library: { load: async () => selfCareLibrary },
    events: { publish: unexpected('events') },
    exports: { put: unexpected('exports') },
    unsubscribeLinks: createUnsubscribeLinks({
      baseUrl: BASE_URL,
      loadKeys: createSecretsManagerKeyLoader(secrets, SECRET_ID),
      now: () => keysNow,
    }),
    log: () => {},
  };
});

afterAll(async () => {
  secrets?.destroy();
  await secretsManager?.close();
  dynamo?.destroy();
});

/** A patient as a booking left them: address known, reminders and follow-ups on. */
async function knownPatient() {
  const s = scenario();
  const record = applyPatientFromBooking(undefined, parseDetail('BookingCreated', s.created()))!;
  await deps.store.save([{ type: 'patient', record, version: undefined }]);
  const url = await deps.unsubscribeLinks.urlFor('riverside', s.patientId);
  return { s, url, path: new URL(url).pathname, read: () => deps.store.getPatient('riverside', s.patientId) };
}

const oneClick = (path: string) =>
  handleUnsubscribeRequest(deps, { method: 'POST', path, body: 'List-Unsubscribe=One-Click' });

describe('one-click unsubscribe', () => {
  it('links to the endpoint with a token in the last path segment', async () => {
    const { url } = await knownPatient();
    expect(url).toMatch(
      /^http:\/\/127\.0\.0\.1:4010\/unsubscribe\/[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/,
    );
    expect(new URL(url).pathname.split('/').pop()!.split('.')[0]).toBe(unsubscribeKeyId(KEY));
  });

  it('shows the confirmation page on GET and changes nothing', async () => {
    const { path, read } = await knownPatient();
    const before = await read();

    const response = await handleUnsubscribeRequest(deps, { method: 'GET', path });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<form method="post">');
    expect(response.body).toContain('Appointment confirmations and reminders will still arrive.');
    expect(await read()).toEqual(before);
  });

  it('turns follow-ups off on a one-click POST, keeps reminders on, and stops the check-in', async () => {
    const { s, path, read } = await knownPatient();
    const session = applySessionCompleted(undefined, parseDetail('SessionCompleted', s.sessionCompleted()), [])!;
    await deps.store.save([{ type: 'session', record: session, version: undefined }]);

    const response = await oneClick(path);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('You have unsubscribed');
    const patient = (await read())!.record;
    expect(patient.consent).toEqual({ reminders: true, followUps: false });
    expect(patient.consentChange.followUps).toEqual({ occurredAt: NOW.toISOString(), eventId: 'unsubscribe-link' });
    expect(patient.email).toBe(s.email);
    await expect(
      onCheckInDue(deps, { clinicId: 'riverside', patientId: s.patientId, bookingId: s.bookingId }),
    ).resolves.toBe('no-consent');
  });

  it('is idempotent: a second POST answers the same and writes nothing', async () => {
    const { path, read } = await knownPatient();
    await oneClick(path);
    const after = await read();

    const again = await oneClick(path);

    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('You have unsubscribed');
    expect(await read()).toEqual(after);
  });

  it('writes once when clicks race (optimistic concurrency on the real table)', async () => {
    const { s, read } = await knownPatient();
    const before = (await read())!.version;

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => onUnsubscribe(deps, { clinicId: 'riverside', patientId: s.patientId })),
    );

    expect(outcomes.filter((outcome) => outcome === 'unsubscribed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'already-unsubscribed')).toHaveLength(4);
    expect((await read())!.version).toBe(before + 1);
  });

  it.each(['GET', 'POST'])('answers %s with a tampered token with 400 and changes nothing', async (method) => {
    const { path, read } = await knownPatient();
    const before = await read();
    const tampered = path.slice(0, -1) + (path.endsWith('A') ? 'B' : 'A');

    const response = await handleUnsubscribeRequest(deps, {
      method,
      path: tampered,
      body: 'List-Unsubscribe=One-Click',
    });

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('This link does not work');
    expect(await read()).toEqual(before);
  });

  it('does not create a record for a valid link of a patient the clinic has no record of', async () => {
    const unknown = `pt-${randomUUID().slice(0, 8)}`;
    const path = new URL(await deps.unsubscribeLinks.urlFor('riverside', unknown)).pathname;

    const response = await oneClick(path);

    expect(response.statusCode).toBe(200);
    expect(await deps.store.getPatient('riverside', unknown)).toBeUndefined();
  });

  it('lets a newer ContactPreferencesUpdated turn follow-ups on again, but not an older one', async () => {
    const { s, path, read } = await knownPatient();
    await oneClick(path);

    const older = parseDetail(
      'ContactPreferencesUpdated',
      s.preferences({ occurredAt: '2027-03-05T09:30:00Z', consent: { followUps: true } }),
    );
    await onContactPreferencesUpdated(deps, older);
    expect((await read())!.record.consent.followUps).toBe(false);

    const newer = parseDetail(
      'ContactPreferencesUpdated',
      s.preferences({ occurredAt: '2027-03-06T08:00:00Z', consent: { followUps: true } }),
    );
    await onContactPreferencesUpdated(deps, newer);
    expect((await read())!.record.consent).toEqual({ reminders: true, followUps: true });

    // The link in the old email still works afterwards.
    await oneClick(path);
    expect((await read())!.record.consent.followUps).toBe(false);
  });

  it('read the signing keys from Secrets Manager once while they were fresh: AWSCURRENT and AWSPREVIOUS', () => {
    expect(getSecretValueCalls()).toBe(2);
  });
});

describe('rotating the signing key', () => {
  const NEW_KEY = 'integration-signing-key-after-rotation-0123';
  const NEWER_KEY = 'integration-signing-key-after-two-rotations';
  /** What `aws secretsmanager put-secret-value` does (docs/DEPLOY.md, "Rotating keys"). */
  const rotate = (key: string) => secrets.send(new PutSecretValueCommand({ SecretId: SECRET_ID, SecretString: key }));
  const keyIdOf = (url: string) => new URL(url).pathname.split('/').pop()!.split('.')[0];

  const sent: OutgoingEmail[] = [];
  /** The check-in a patient gets, and the unsubscribe link in it. */
  async function checkIn(s: ReturnType<typeof scenario>) {
    const session = applySessionCompleted(undefined, parseDetail('SessionCompleted', s.sessionCompleted()), [])!;
    await deps.store.save([{ type: 'session', record: session, version: undefined }]);
    const mailer = {
      send: async (email: OutgoingEmail) => {
        sent.push(email);
        return { messageId: randomUUID() };
      },
    };
    await expect(
      onCheckInDue({ ...deps, mailer }, { clinicId: 'riverside', patientId: s.patientId, bookingId: s.bookingId }),
    ).resolves.toBe('sent');
    const header = sent.at(-1)!.headers.find((h) => h.name === 'List-Unsubscribe')!.value;
    return header.slice(1, -1);
  }
  /** A link as emails carried it before links named their key: `payload.signature`, payload version 1. */
  const linkWithoutKeyId = (patientId: string, key: string) => {
    const payload = Buffer.from(JSON.stringify({ v: 1, c: 'riverside', p: patientId })).toString('base64url');
    return `${BASE_URL}${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
  };

  it('keeps the links in sent emails working and signs new emails with the new key', async () => {
    const before = await knownPatient();
    const oldLink = await checkIn(before.s);
    expect(keyIdOf(oldLink)).toBe(unsubscribeKeyId(KEY));
    const older = await knownPatient();
    const oldestLink = linkWithoutKeyId(older.s.patientId, KEY);

    await rotate(NEW_KEY);
    // A container that starts after the rotation signs with the new key ...
    const fresh = createUnsubscribeLinks({
      baseUrl: BASE_URL,
      loadKeys: createSecretsManagerKeyLoader(secrets, SECRET_ID),
    });
    const afterRotation = await knownPatient();
    const newLinkFromElsewhere = await fresh.urlFor('riverside', afterRotation.s.patientId);
    expect(keyIdOf(newLinkFromElsewhere)).toBe(unsubscribeKeyId(NEW_KEY));
    // ... and this warm one, still within its TTL, reads the keys again when a link names the new one.
    keysNow += UNKNOWN_KEY_REFRESH_MS;
    const calls = getSecretValueCalls();
    expect(
      (await handleUnsubscribeRequest(deps, { method: 'GET', path: new URL(newLinkFromElsewhere).pathname }))
        .statusCode,
    ).toBe(200);
    expect(getSecretValueCalls()).toBe(calls + 2);

    const after = await knownPatient();
    const newLink = await checkIn(after.s);
    expect(keyIdOf(newLink)).toBe(unsubscribeKeyId(NEW_KEY));

    for (const [link, patient] of [
      [oldLink, before],
      [oldestLink, older],
      [newLink, after],
    ] as const) {
      const response = await oneClick(new URL(link).pathname);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('You have unsubscribed');
      expect((await patient.read())!.record.consent).toEqual({ reminders: true, followUps: false });
    }
  });

  it('stops links signed two rotations ago, once warm containers have read the keys again', async () => {
    const { s, read } = await knownPatient();
    const signedWithFirstKey = `${BASE_URL}${signUnsubscribeToken({ clinicId: 'riverside', patientId: s.patientId }, KEY)}`;
    const withoutKeyId = linkWithoutKeyId(s.patientId, KEY);
    const signedWithSecondKey = await deps.unsubscribeLinks.urlFor('riverside', s.patientId);
    expect(keyIdOf(signedWithSecondKey)).toBe(unsubscribeKeyId(NEW_KEY));
    const before = await read();

    await rotate(NEWER_KEY);
    keysNow += KEY_CACHE_TTL_MS;

    for (const link of [signedWithFirstKey, withoutKeyId]) {
      const response = await oneClick(new URL(link).pathname);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('This link does not work');
    }
    expect(await read()).toEqual(before);
    expect(keyIdOf(await deps.unsubscribeLinks.urlFor('riverside', s.patientId))).toBe(unsubscribeKeyId(NEWER_KEY));
    expect((await oneClick(new URL(signedWithSecondKey).pathname)).statusCode).toBe(200);
  });
});
