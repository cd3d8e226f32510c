import type { RecordRead, SendingRead, Store } from '../domain/ports';

const readKey = (read: RecordRead) =>
  JSON.stringify([
    read.type,
    read.clinicId,
    read.type === 'booking' ? read.bookingId : read.type === 'patient' ? read.patientId : read.address,
  ]);

/**
 * The store as the use case sees it: what was read with the event's marker answers the first
 * getBooking or getPatient of each record, and the first readForSending of the address that asks
 * for it (`readWithTheEvent`) and not for the patient's profile, which only a read now can
 * answer; every read after goes to the table. Only the first: a read after a write, or again
 * after a conflict, must see what is there now.
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
    readForSending: (address, clinicId, patient, options) =>
      patient || !options?.readWithTheEvent
        ? store.readForSending(address, clinicId, patient)
        : take<SendingRead>({ type: 'sending', clinicId, address }, () => store.readForSending(address, clinicId)),
  };
}
