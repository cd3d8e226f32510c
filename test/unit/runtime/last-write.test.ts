import { describe, expect, it, vi } from 'vitest';
import type { ClinicProfileRecord } from '../../../shared/domain/model';
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
});
