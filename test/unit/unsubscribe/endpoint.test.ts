import { describe, expect, it } from 'vitest';
import { handleUnsubscribeRequest } from '../../../functions/unsubscribe/handler';
import type { PatientRecord, Versioned } from '../../../shared/domain/model';
import { ConcurrentUpdateError, type Dependencies, type RecordChange } from '../../../shared/domain/ports';
import { onUnsubscribe } from '../../../shared/domain/unsubscribe';
import { applyContactPreferences } from '../../../shared/domain/records';
import { createUnsubscribeLinks } from '../../../shared/adapters/unsubscribe-links';

/**
 * The endpoint and the domain with an in-memory store: the paths DynamoDB Local is not
 * needed for (methods, headers, failures, write conflicts). The integration test covers
 * the same flow against DynamoDB Local.
 */
const KEY = 'endpoint-test-key-0123456789abcdef';
const NOW = new Date('2027-03-05T10:00:00Z');

function patient(overrides: Partial<PatientRecord> = {}): PatientRecord {
  return {
    clinicId: 'riverside',
    patientId: 'pt-0042',
    email: 'alex@example.com',
    consent: { reminders: true, followUps: true },
    consentChange: {},
    ...overrides,
  };
}

function memoryDeps(
  initial?: PatientRecord,
  options: { conflicts?: number; failReads?: boolean; clinicName?: string } = {},
) {
  let stored: Versioned<PatientRecord> | undefined = initial ? { record: initial, version: 1 } : undefined;
  let conflicts = options.conflicts ?? 0;
  const saves: RecordChange[][] = [];
  const logs: [string, Record<string, unknown>][] = [];
  const deps = {
    store: {
      async getPatient() {
        if (options.failReads) throw new Error('ProvisionedThroughputExceededException');
        return stored && structuredClone(stored);
      },
      async getClinicProfile() {
        return options.clinicName === undefined
          ? undefined
          : { record: { clinicId: 'riverside', name: options.clinicName }, version: 1 };
      },
      async save(changes: RecordChange[]) {
        const change = changes.find((candidate) => candidate.type === 'patient')!;
        if (conflicts-- > 0 || change.version !== stored?.version) throw new ConcurrentUpdateError('changed');
        saves.push(changes);
        stored = { record: change.record, version: (stored?.version ?? 0) + 1 };
      },
    },
    clock: { now: () => NOW },
    unsubscribeLinks: createUnsubscribeLinks({
      baseUrl: 'https://u.example/',
      loadKeys: async () => ({ current: KEY }),
    }),
    log: (message: string, fields: Record<string, unknown>) => logs.push([message, fields]),
  } as unknown as Dependencies;
  return { deps, saves, logs, stored: () => stored };
}

async function tokenFor(deps: Dependencies, patientId = 'pt-0042') {
  return (await deps.unsubscribeLinks.urlFor('riverside', patientId)).split('/').pop()!;
}

describe('onUnsubscribe', () => {
  it('turns follow-ups off, stamped now, and leaves reminders on', async () => {
    const { deps, stored } = memoryDeps(patient());
    await expect(onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' })).resolves.toBe('unsubscribed');
    expect(stored()!.record.consent).toEqual({ reminders: true, followUps: false });
    expect(stored()!.record.consentChange.followUps).toEqual({
      occurredAt: NOW.toISOString(),
      eventId: 'unsubscribe-link',
    });
  });

  it('changes nothing the second time', async () => {
    const { deps, saves } = memoryDeps(patient());
    await onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' });
    await expect(onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' })).resolves.toBe(
      'already-unsubscribed',
    );
    expect(saves).toHaveLength(1);
  });

  it('creates no record for a patient it does not know', async () => {
    const { deps, saves } = memoryDeps(undefined);
    await expect(onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' })).resolves.toBe('unknown-patient');
    expect(saves).toHaveLength(0);
  });

  it('retries when the record changed between read and write', async () => {
    const { deps, stored } = memoryDeps(patient(), { conflicts: 2 });
    await expect(onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' })).resolves.toBe('unsubscribed');
    expect(stored()!.record.consent.followUps).toBe(false);
  });

  it('wins over a stored consent change that claims a later instant (a producer clock running ahead)', async () => {
    const ahead = { occurredAt: '2027-03-05T10:05:00Z', eventId: 'evt-prefs' };
    const { deps, stored } = memoryDeps(patient({ consentChange: { followUps: ahead } }));
    await expect(onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' })).resolves.toBe('unsubscribed');
    expect(stored()!.record.consent.followUps).toBe(false);
    expect(Date.parse(stored()!.record.consentChange.followUps!.occurredAt)).toBeGreaterThan(
      Date.parse(ahead.occurredAt),
    );
  });

  it('can be undone by a newer ContactPreferencesUpdated, not by an older one', async () => {
    const { deps, stored } = memoryDeps(patient());
    await onUnsubscribe(deps, { clinicId: 'riverside', patientId: 'pt-0042' });
    const prefs = (occurredAt: string) => ({
      eventId: 'evt-prefs-1',
      occurredAt,
      clinicId: 'riverside',
      patientId: 'pt-0042',
      consent: { followUps: true },
    });
    expect(applyContactPreferences(stored()!.record, prefs('2027-03-05T09:59:00Z'))).toBeUndefined();
    expect(applyContactPreferences(stored()!.record, prefs('2027-03-06T09:00:00Z'))!.consent.followUps).toBe(true);
  });
});

describe('unsubscribe endpoint', () => {
  it('shows the confirmation page on GET with strict headers, and changes nothing', async () => {
    const { deps, saves } = memoryDeps(patient());
    const response = await handleUnsubscribeRequest(deps, { method: 'GET', path: `/${await tokenFor(deps)}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Robots-Tag': expect.stringContaining('noindex'),
    });
    expect(response.headers['Content-Security-Policy']).toContain(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    );
    expect(response.body).toContain('<form method="post">');
    expect(saves).toHaveLength(0);
  });

  it('names the clinic from its profile, escaped, on the page of a valid link only', async () => {
    const { deps } = memoryDeps(patient(), { clinicName: 'Riverside <Physio> & Co' });
    const page = await handleUnsubscribeRequest(deps, { method: 'GET', path: `/${await tokenFor(deps)}` });
    expect(page.body).toContain('<p class="clinic">Riverside &lt;Physio&gt; &amp; Co</p>');
    expect(page.body).toContain('<title>Unsubscribe from self-care emails · Riverside &lt;Physio&gt; &amp; Co</title>');
    expect(page.body).not.toContain('<Physio>');
    const invalid = await handleUnsubscribeRequest(deps, { method: 'GET', path: '/not-a-token' });
    expect(invalid.body).not.toContain('Riverside');
    const { deps: noProfile } = memoryDeps(patient());
    const neutral = await handleUnsubscribeRequest(noProfile, { method: 'GET', path: `/${await tokenFor(noProfile)}` });
    expect(neutral.body).not.toContain('class="clinic"');
  });

  it('answers HEAD like GET, without a body', async () => {
    const { deps } = memoryDeps(patient());
    const response = await handleUnsubscribeRequest(deps, { method: 'HEAD', path: `/${await tokenFor(deps)}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe('');
  });

  it('unsubscribes on a one-click POST and logs ids and the outcome only', async () => {
    const { deps, stored, logs } = memoryDeps(patient());
    const response = await handleUnsubscribeRequest(deps, {
      method: 'POST',
      path: `/unsubscribe/${await tokenFor(deps)}`,
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('You have unsubscribed');
    expect(stored()!.record.consent.followUps).toBe(false);
    expect(logs).toEqual([
      [
        'unsubscribe link used',
        { outcome: 'unsubscribed', clinicId: 'riverside', patientId: 'pt-0042', via: 'one-click' },
      ],
    ]);
    expect(JSON.stringify(logs)).not.toContain('alex@example.com');
  });

  it('takes the token from the query when the path has none', async () => {
    const { deps, stored } = memoryDeps(patient());
    const response = await handleUnsubscribeRequest(deps, {
      method: 'post',
      path: '/unsubscribe',
      query: { token: await tokenFor(deps), lang: 'de' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Sie haben die Nachsorge-E-Mails abbestellt');
    expect(stored()!.record.consent.followUps).toBe(false);
  });

  it('shows the success page for a valid link of a patient no longer on record', async () => {
    const { deps, saves } = memoryDeps(undefined);
    const response = await handleUnsubscribeRequest(deps, { method: 'POST', path: `/${await tokenFor(deps)}` });
    expect(response.statusCode).toBe(200);
    expect(saves).toHaveLength(0);
  });

  it.each(['GET', 'POST'])('answers %s with an invalid link with 400 and changes nothing', async (method) => {
    const { deps, saves } = memoryDeps(patient());
    const token = await tokenFor(deps);
    const response = await handleUnsubscribeRequest(deps, {
      method,
      path: `/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      acceptLanguage: 'de-DE,de;q=0.9',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Dieser Link funktioniert nicht');
    expect(saves).toHaveLength(0);
  });

  it('answers 400 when there is no token at all', async () => {
    const { deps } = memoryDeps(patient());
    expect((await handleUnsubscribeRequest(deps, { method: 'GET', path: '/' })).statusCode).toBe(400);
  });

  it.each(['PUT', 'DELETE', 'OPTIONS', 'PATCH'])('refuses %s with 405 and an Allow header', async (method) => {
    const { deps, saves } = memoryDeps(patient());
    const response = await handleUnsubscribeRequest(deps, { method, path: `/${await tokenFor(deps)}` });
    expect(response.statusCode).toBe(405);
    expect(response.headers.Allow).toBe('GET, HEAD, POST');
    expect(saves).toHaveLength(0);
  });

  it('answers 503 and reports the error when the store fails', async () => {
    const { deps } = memoryDeps(patient(), { failReads: true });
    const errors: unknown[] = [];
    const response = await handleUnsubscribeRequest(
      deps,
      { method: 'POST', path: `/${await tokenFor(deps)}` },
      { onError: (error) => errors.push(error) },
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('60');
    expect(response.body).toContain('Something went wrong');
    expect(errors).toHaveLength(1);
  });
});
