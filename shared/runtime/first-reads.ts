import type { RecordRead, Store } from '../domain/ports';

const readKey = (read: RecordRead) =>
  JSON.stringify([read.type, read.clinicId, read.type === 'booking' ? read.bookingId : read.patientId]);

/**
 * The store as the use case sees it: the records read with the event's marker answer the first
 * getBooking or getPatient of each, and every read after goes to the table. Only the first: a
 * read after a write, or again after a conflict, must see what is there now.
 */
export function servingFirstReads(store: Store, reads: readonly RecordRead[], records: unknown[]): Store {
  const waiting = new Map(reads.map((read, index) => [readKey(read), records[index]]));
  const take = <R>(read: RecordRead, fromTable: () => Promise<R>): Promise<R> => {
    const key = readKey(read);
    if (!waiting.has(key)) return fromTable();
    const record = waiting.get(key) as R;
    waiting.delete(key);
    return Promise.resolve(record);
  };
  return {
    ...store,
    getBooking: (clinicId, bookingId) =>
      take({ type: 'booking', clinicId, bookingId }, () => store.getBooking(clinicId, bookingId)),
    getPatient: (clinicId, patientId) =>
      take({ type: 'patient', clinicId, patientId }, () => store.getPatient(clinicId, patientId)),
  };
}
