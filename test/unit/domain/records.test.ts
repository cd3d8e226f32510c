import { describe, expect, it } from 'vitest';
import {
  applyBookingCancelled,
  applyBookingCreated,
  applyBookingRescheduled,
  applyContactPreferences,
  applyPatientFromBooking,
} from '../../../shared/domain/records';
import type { BookingRecord } from '../../../shared/domain/model';
import { exampleDetail } from '../../support/examples';

const created = exampleDetail('BookingCreated');
const rescheduled = exampleDetail('BookingRescheduled');
const cancelled = exampleDetail('BookingCancelled');

function applyAll(...steps: ((booking: BookingRecord | undefined) => BookingRecord | undefined)[]) {
  return steps.reduce<BookingRecord | undefined>((booking, step) => step(booking) ?? booking, undefined);
}

const create = (b: BookingRecord | undefined) => applyBookingCreated(b, created);
const reschedule = (b: BookingRecord | undefined) => applyBookingRescheduled(b, rescheduled);
const cancel = (b: BookingRecord | undefined) => applyBookingCancelled(b, cancelled);

describe('booking record', () => {
  it('takes the time, service and patient from BookingCreated, at sequence 0', () => {
    const booking = applyAll(create)!;
    expect(booking).toMatchObject({
      status: 'active',
      patientId: 'pt-0042',
      startsAt: '2027-03-03T15:30:00+01:00',
      timezone: 'Europe/Berlin',
      sequence: 0,
    });
  });

  it('moves the start on reschedule and raises the sequence', () => {
    const booking = applyAll(create, reschedule)!;
    expect(booking.startsAt).toBe('2027-03-04T10:00:00+01:00');
    expect(booking.previousStartsAt).toBe('2027-03-03T15:30:00+01:00');
    expect(booking.sequence).toBe(1);
  });

  it('ends in the same state when the reschedule arrives before the creation', () => {
    const inOrder = applyAll(create, reschedule)!;
    const reversed = applyAll(reschedule, create)!;
    expect(reversed.startsAt).toBe(inOrder.startsAt);
    expect(reversed.sequence).toBe(inOrder.sequence);
    expect(reversed.status).toBe('active');
    expect(reversed.patientId).toBe('pt-0042');
  });

  it('ignores a repeated reschedule', () => {
    const once = applyAll(create, reschedule)!;
    expect(applyBookingRescheduled(once, rescheduled)).toBeUndefined();
  });

  it('ignores a reschedule older than the one already applied', () => {
    const later = exampleDetail('BookingRescheduled', {
      eventId: 'evt-later',
      occurredAt: '2027-03-02T09:00:00Z',
      startsAt: '2027-03-05T10:00:00+01:00',
    });
    const booking = applyAll(create, (b) => applyBookingRescheduled(b, later), reschedule)!;
    expect(booking.startsAt).toBe('2027-03-05T10:00:00+01:00');
  });

  it('breaks a tie in occurredAt by eventId, whatever the arrival order', () => {
    const a = exampleDetail('BookingRescheduled', { eventId: 'evt-a', startsAt: '2027-03-05T10:00:00+01:00' });
    const b = exampleDetail('BookingRescheduled', { eventId: 'evt-b', startsAt: '2027-03-06T10:00:00+01:00' });
    const ab = applyAll(
      create,
      (x) => applyBookingRescheduled(x, a),
      (x) => applyBookingRescheduled(x, b),
    )!;
    const ba = applyAll(
      create,
      (x) => applyBookingRescheduled(x, b),
      (x) => applyBookingRescheduled(x, a),
    )!;
    expect(ab.startsAt).toBe('2027-03-06T10:00:00+01:00');
    expect(ba.startsAt).toBe(ab.startsAt);
  });

  it('ignores a reschedule made after the cancellation: a cancelled booking stays cancelled', () => {
    const late = exampleDetail('BookingRescheduled', { eventId: 'evt-late', occurredAt: '2027-03-02T19:00:00Z' });
    const booking = applyAll(create, cancel, (b) => applyBookingRescheduled(b, late))!;
    expect(booking.status).toBe('cancelled');
    expect(booking.startsAt).toBe('2027-03-03T15:30:00+01:00');
  });

  it('still records a reschedule made before the cancellation but delivered after it, without reviving', () => {
    const inOrder = applyAll(create, reschedule, cancel)!;
    const delivered = applyAll(create, cancel, reschedule)!;
    expect(delivered.status).toBe('cancelled');
    expect(delivered.startsAt).toBe(inOrder.startsAt);
    expect(delivered.sequence).toBe(inOrder.sequence);
  });

  it('does not revive a booking whose creation arrives after its cancellation', () => {
    const booking = applyAll(cancel, create)!;
    expect(booking.status).toBe('cancelled');
    expect(booking.created).toBeDefined();
    expect(booking.patientId).toBe('pt-0042');
  });

  it('raises the sequence on cancellation so calendars replace the invitation', () => {
    expect(applyAll(create, cancel)!.sequence).toBe(1);
  });
});

describe('patient record', () => {
  it('defaults consent to true for a new patient who gave none', () => {
    const event = exampleDetail('BookingCreated', { patient: { consent: undefined } });
    expect(applyPatientFromBooking(undefined, event)!.consent).toEqual({ reminders: true, followUps: true });
  });

  it('keeps an opt-out made later than the booking, whatever order they arrive in', () => {
    const optOut = exampleDetail('ContactPreferencesUpdated', { consent: { reminders: false } });
    const bookingFirst = applyContactPreferences(applyPatientFromBooking(undefined, created), optOut)!;
    const optOutFirst = applyPatientFromBooking(applyContactPreferences(undefined, optOut), created)!;
    expect(bookingFirst.consent.reminders).toBe(false);
    expect(optOutFirst.consent.reminders).toBe(false);
    expect(optOutFirst.firstName).toBe('Alex');
  });

  it('takes a new address only from a newer change', () => {
    const older = exampleDetail('ContactPreferencesUpdated', {
      occurredAt: '2027-02-01T00:00:00Z',
      email: 'old@example.com',
    });
    const patient = applyContactPreferences(applyPatientFromBooking(undefined, created), older);
    expect(patient).toBeUndefined();
  });

  it('changes nothing when the same booking is applied twice', () => {
    const once = applyPatientFromBooking(undefined, created)!;
    expect(applyPatientFromBooking(once, created)).toBeUndefined();
  });
});
