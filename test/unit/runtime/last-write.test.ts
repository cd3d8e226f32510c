import { describe, expect, it, vi } from 'vitest';
import type { BookingRecord, ClinicProfileRecord } from '../../../shared/domain/model';
import type { EmailClaim, OutboxEntry } from '../../../shared/domain/ports';
import { markingWithLastWrite } from '../../../shared/runtime/last-write';
import { failOnce } from '../../support/faults';
import { createMemoryStore } from '../../support/memory';

const EVENT = { clinicId: 'riverside', detailType: 'ClinicProfileUpdated', eventId: 'ev-1', consumer: 'fn' };
const clock = { now: () => new Date('2027-03-01T09:00:00Z') };
const profile = { clinicId: 'riverside', name: 'Riverside Physio' } as unknown as ClinicProfileRecord;
const isMarked = (store: ReturnType<typeof createMemoryStore>) =>
  store.isEventProcessed(EVENT.clinicId, EVENT.detailType, EVENT.eventId, EVENT.consumer);

describe("the event's marker in the use case's last write", () => {
  it('goes with a write that completes the event, and the handler is told', async () => {
    const store = createMemoryStore();
    const marked = vi.fn();
    const seen = markingWithLastWrite(store, EVENT, clock, marked);
    await seen.save([{ type: 'clinic', record: profile, version: undefined }], { completesEvent: true });
    expect(await isMarked(store)).toBe(true);
    expect(marked).toHaveBeenCalledTimes(1);
  });

  it('stays out of any other write, and out of a write of nothing (the handler then writes it itself)', async () => {
    const store = createMemoryStore();
    const marked = vi.fn();
    const seen = markingWithLastWrite(store, EVENT, clock, marked);
    await seen.save([{ type: 'clinic', record: profile, version: undefined }]);
    await seen.save([], { completesEvent: true });
    expect(await isMarked(store)).toBe(false);
    expect(marked).not.toHaveBeenCalled();
  });

  it('is not written when that write fails: the retry does the work again', async () => {
    const store = createMemoryStore();
    const marked = vi.fn();
    const seen = markingWithLastWrite(store, EVENT, clock, marked);
    const fault = failOnce(store, 'save');
    await expect(
      seen.save([{ type: 'clinic', record: profile, version: undefined }], { completesEvent: true }),
    ).rejects.toThrow(/injected failure in save/);
    expect(fault.fired).toBe(true);
    expect(await isMarked(store)).toBe(false);
    expect(marked).not.toHaveBeenCalled();
  });

  it("goes with an email's record when that completes the event and the booking is unchanged; not when it moved", async () => {
    const store = createMemoryStore();
    const booking = { clinicId: 'riverside', bookingId: 'bk-1', status: 'active' } as unknown as BookingRecord;
    await store.save([{ type: 'booking', record: booking, version: undefined }]);
    const marked = vi.fn();
    const seen = markingWithLastWrite(store, EVENT, clock, marked);
    const claim = (key: string): EmailClaim => ({
      clinicId: 'riverside',
      patientId: 'pt-1',
      bookingId: 'bk-1',
      key,
      kind: 'confirmation',
      token: `token-${key}`,
      claimedAt: clock.now(),
    });
    const record = async (key: string, bookingVersion: number) => {
      await store.claimEmail(claim(key));
      const emailSent = { event: { detail: { clinicId: 'riverside', eventId: `sent-${key}` } } } as OutboxEntry;
      return seen.recordEmailSent(
        claim(key),
        'ses-1',
        clock.now(),
        emailSent,
        { bookingVersion },
        {
          completesEvent: true,
        },
      );
    };
    expect(await record('moved', 2)).toEqual({ bookingUnchanged: false });
    expect(await isMarked(store)).toBe(false);
    expect(marked).not.toHaveBeenCalled();
    expect(await record('unchanged', 1)).toEqual({ bookingUnchanged: true, eventMarked: true });
    expect(await isMarked(store)).toBe(true);
    expect(marked).toHaveBeenCalledTimes(1);
  });
});
