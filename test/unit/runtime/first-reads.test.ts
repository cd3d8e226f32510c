import { describe, expect, it } from 'vitest';
import { servingFirstReads } from '../../../shared/runtime/first-reads';
import { createMemoryStore } from '../../support/memory';
import type { BookingRecord } from '../../../shared/domain/model';

describe('the records read with the event marker', () => {
  it('answer the first read of each, and every later read goes to the table', async () => {
    const store = createMemoryStore();
    const booking = { clinicId: 'riverside', bookingId: 'bk-1', status: 'active' } as unknown as BookingRecord;
    await store.save([{ type: 'booking', record: booking, version: undefined }]);
    const reads = [
      { type: 'booking' as const, clinicId: 'riverside', bookingId: 'bk-1' },
      { type: 'patient' as const, clinicId: 'riverside', patientId: 'pt-1' },
    ];
    const start = await store.readEventStart('riverside', 'BookingCreated', 'ev-1', 'consumer', reads);
    expect(start.processed).toBe(false);
    const served = servingFirstReads(store, reads, start.records);
    // Written after the marker's read: the first read answers from that read, the next from the table.
    await store.save([{ type: 'booking', record: { ...booking, status: 'cancelled' }, version: 1 }]);
    expect((await served.getBooking('riverside', 'bk-1'))?.version).toBe(1);
    expect((await served.getBooking('riverside', 'bk-1'))?.version).toBe(2);
    expect(await served.getPatient('riverside', 'pt-1')).toBeUndefined();
    // A record not named is read from the table.
    expect(await served.getBooking('riverside', 'bk-2')).toBeUndefined();
  });

  it('answer the first readForSending of the address that asks for it, without the patient; any other goes to the table', async () => {
    const store = createMemoryStore();
    const reads = [{ type: 'sending' as const, clinicId: 'riverside', address: 'alex@example.com' }];
    const start = await store.readEventStart('riverside', 'BookingCreated', 'ev-1', 'consumer', reads);
    expect(start.records).toEqual([{ suppressed: false, clinicProfile: undefined }]);
    const served = servingFirstReads(store, reads, start.records);
    // Suppressed after the marker's read: only a read that asks for the event's answer gets it.
    await store.suppressAddress('alex@example.com', 'bounce', new Date());
    const withTheEvent = { readWithTheEvent: true };
    expect(await served.readForSending('alex@example.com', 'riverside')).toMatchObject({ suppressed: true });
    // One that asks for the patient's profile as it is now cannot be answered from before the write.
    expect(
      await served.readForSending('alex@example.com', 'riverside', { patientId: 'pt-1' }, withTheEvent),
    ).toMatchObject({ suppressed: true });
    expect(await served.readForSending('alex@example.com', 'riverside', undefined, withTheEvent)).toMatchObject({
      suppressed: false,
    });
    expect(await served.readForSending('alex@example.com', 'riverside', undefined, withTheEvent)).toMatchObject({
      suppressed: true,
    });
    // Another address (the patient's profile kept a newer one) is read from the table.
    await store.suppressAddress('sam@example.com', 'complaint', new Date());
    expect(await served.readForSending('sam@example.com', 'riverside', undefined, withTheEvent)).toMatchObject({
      suppressed: true,
    });
  });
});
