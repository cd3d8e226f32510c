import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeSdkCalls, type SdkCall } from '../../scripts/bench/sdk-probe';
import { createHarness, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Against DynamoDB Local: a use case whose last write completes its event has the event's
 * processed marker written in that same transaction (WriteOptions), not by a call of its own;
 * a repeat of the event is still recognised by it.
 */

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ now: new Date('2027-03-01T09:30:00Z') });
});
afterAll(async () => harness?.close());

/** callsOf a function's invocation alone: the outbox's reader, which shares this process, held meanwhile. */
async function ownCallsOf(run: () => Promise<unknown>) {
  await harness.settled();
  const release = await harness.holdOutbox();
  return callsOf(run).finally(release);
}

async function callsOf(run: () => Promise<unknown>) {
  const calls: SdkCall[] = [];
  const stop = observeSdkCalls((call) => void calls.push(call));
  try {
    return { result: await run(), calls };
  } finally {
    stop();
  }
}

type SortKey = { sk: { S: string } };

/** Each DynamoDB write, as the sort keys it writes (an update or a check says so). */
const writes = (calls: SdkCall[]) =>
  calls.flatMap((call) => {
    const input = call.input as {
      Item?: SortKey;
      TransactItems?: { Put?: { Item: SortKey }; Update?: { Key: SortKey }; ConditionCheck?: { Key: SortKey } }[];
    };
    if (call.command === 'PutItemCommand') return [[input.Item!.sk.S]];
    if (call.command === 'TransactWriteItemsCommand')
      return [
        input.TransactItems!.map(
          (item) =>
            item.Put?.Item.sk.S ??
            (item.Update ? `update ${item.Update.Key.sk.S}` : `check ${item.ConditionCheck!.Key.sk.S}`),
        ),
      ];
    return [];
  });

/** The calls of an invocation on the common path: without what an environment reads once (its keys). */
const commandsOf = (calls: SdkCall[]) =>
  calls.filter((call) => call.client !== 'SecretsManagerClient').map((call) => call.command.replace(/Command$/, ''));

describe("the processed marker in the use case's last write", () => {
  it('ClinicProfileUpdated: the profile and the marker in one transaction; the repeat is a duplicate', async () => {
    const s = scenario({ clinicId: `clinic-${randomUUID().slice(0, 8)}` });
    const event = s.clinicProfile();
    const first = await callsOf(() => harness.publish('ClinicProfileUpdated', event));
    expect(first.result).toMatchObject({ status: 'processed', outcome: { applied: true } });
    expect(writes(first.calls)).toEqual([['PROFILE', 'PROCESSED#clinic-profile-updated']]);
    await expect(harness.publish('ClinicProfileUpdated', event)).resolves.toEqual({ status: 'duplicate' });
  });

  it('ClinicProfileUpdated older than the stored profile writes nothing but the marker', async () => {
    const s = scenario({ clinicId: `clinic-${randomUUID().slice(0, 8)}` });
    await harness.publish('ClinicProfileUpdated', s.clinicProfile({ occurredAt: '2027-03-01T09:00:00Z' }));
    const older = s.clinicProfile({ eventId: `older-${randomUUID()}`, occurredAt: '2027-03-01T08:00:00Z' });
    const { result, calls } = await callsOf(() => harness.publish('ClinicProfileUpdated', older));
    expect(result).toMatchObject({ status: 'processed', outcome: { applied: false } });
    expect(writes(calls)).toEqual([['PROCESSED#clinic-profile-updated']]);
  });

  it('PatientDataExportRequested: the export, its event and the marker together', async () => {
    const s = scenario({ clinicId: `clinic-${randomUUID().slice(0, 8)}` });
    await harness.publish('BookingCreated', s.created());
    const request = s.exportRequested({ occurredAt: harness.clock.now().toISOString() });
    const { result, calls } = await callsOf(() => harness.publish('PatientDataExportRequested', request));
    expect(result).toMatchObject({ status: 'processed', outcome: { exported: true } });
    expect(writes(calls)).toEqual([
      [`EXPORT#${request.requestId}`, 'OUTBOX', 'PROCESSED#patient-data-export-requested'],
    ]);
    await expect(harness.publish('PatientDataExportRequested', request)).resolves.toEqual({ status: 'duplicate' });
  });

  it('PatientErasureRequested: the erased profile, its event and the marker together', async () => {
    const s = scenario({ clinicId: `clinic-${randomUUID().slice(0, 8)}` });
    await harness.publish('BookingCreated', s.created());
    await harness.settled();
    const request = s.erasureRequested({ occurredAt: harness.clock.now().toISOString() });
    const { result, calls } = await callsOf(() => harness.publish('PatientErasureRequested', request));
    expect(result).toMatchObject({ status: 'processed', outcome: { erased: true } });
    expect(writes(calls)).toEqual([['PROFILE', 'OUTBOX', 'PROCESSED#patient-erasure-requested']]);
    await expect(harness.publish('PatientErasureRequested', request)).resolves.toEqual({ status: 'duplicate' });
  });

  it("BookingCreated: the address's suppression and the clinic's profile read with the event, the marker with the confirmation's record", async () => {
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    const event = s.created();
    const { result, calls } = await ownCallsOf(() => harness.publish('BookingCreated', event));
    expect(result).toMatchObject({ status: 'processed', outcome: { emails: { confirmation: 'sent' } } });
    // One read before the write and one after it (the patient's file), none before the claim.
    expect(commandsOf(calls)).toEqual([
      'BatchGetItem',
      'TransactWriteItems',
      'CreateSchedule',
      'Query',
      'PutItem',
      'SendEmail',
      'TransactWriteItems',
    ]);
    expect(writes(calls).at(-1)).toEqual(['update EMAIL#confirmation', 'check BOOKING', 'PROCESSED#booking-created']);
    await expect(harness.publish('BookingCreated', event)).resolves.toEqual({ status: 'duplicate' });
  });

  it('BookingCreated giving the address a follow-up waited for: the follow-up goes, then the marker on its own', async () => {
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    await harness.publish('SessionCompleted', s.sessionCompleted({ completedAt: '2027-03-01T09:00:00Z' }));
    const event = s.created();
    const { result, calls } = await ownCallsOf(() => harness.publish('BookingCreated', event));
    expect(result).toMatchObject({ status: 'processed', outcome: { emails: { confirmation: 'sent' } } });
    expect(commandsOf(calls).filter((command) => command === 'SendEmail')).toHaveLength(2);
    const recorded = writes(calls).find((written) => written.includes('update EMAIL#confirmation'));
    expect(recorded).not.toContain('PROCESSED#booking-created');
    expect(writes(calls).at(-1)).toEqual(['PROCESSED#booking-created']);
    await expect(harness.publish('BookingCreated', event)).resolves.toEqual({ status: 'duplicate' });
  });

  it("BookingRescheduled: the marker with the reschedule email's record", async () => {
    const s = scenario({ startsAt: '2027-03-10T15:30:00+02:00' });
    await harness.publish('BookingCreated', s.created());
    await harness.settled();
    const moved = s.rescheduled({ startsAt: '2027-03-12T10:00:00+01:00' });
    const { result, calls } = await ownCallsOf(() => harness.publish('BookingRescheduled', moved));
    expect(result).toMatchObject({ status: 'processed', outcome: { emails: { reschedule: 'sent' } } });
    expect(writes(calls).at(-1)).toEqual([
      `update EMAIL#reschedule#${moved.eventId}`,
      'check BOOKING',
      'PROCESSED#booking-rescheduled',
    ]);
    await expect(harness.publish('BookingRescheduled', moved)).resolves.toEqual({ status: 'duplicate' });
  });
});
