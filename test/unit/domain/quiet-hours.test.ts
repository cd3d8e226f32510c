import { describe, expect, it } from 'vitest';
import { desiredReminders } from '../../../shared/domain/bookings';
import type { BookingRecord } from '../../../shared/domain/model';
import { outsideQuietHours, parseQuietHours } from '../../../shared/domain/quiet-hours';

const quiet = parseQuietHours('21:00-08:00');
const berlin = 'Europe/Berlin';
const local = (instant: Date, timeZone = berlin) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(instant);

describe('quiet hours', () => {
  it('leaves a time outside quiet hours as it is', () => {
    const at = new Date('2027-03-03T13:30:00Z');
    expect(outsideQuietHours(at, berlin, quiet, 'earlier')).toEqual(at);
    expect(outsideQuietHours(at, berlin, quiet, 'later')).toEqual(at);
  });

  it('moves a reminder due at 07:30 to 20:45 the evening before', () => {
    const moved = outsideQuietHours(new Date('2027-05-04T05:30:00Z'), berlin, quiet, 'earlier');
    expect(local(moved)).toBe('2027-05-03 20:45');
  });

  it('moves a reminder due at 22:00 to 20:45 the same evening', () => {
    const moved = outsideQuietHours(new Date('2027-05-04T20:00:00Z'), berlin, quiet, 'earlier');
    expect(local(moved)).toBe('2027-05-04 20:45');
  });

  it('moves a check-in due at 23:10 to 08:00 the next morning', () => {
    const moved = outsideQuietHours(new Date('2027-05-04T21:10:00Z'), berlin, quiet, 'later');
    expect(local(moved)).toBe('2027-05-05 08:00');
  });

  it('moves a check-in due at 03:00 to 08:00 the same morning', () => {
    const moved = outsideQuietHours(new Date('2027-05-05T01:00:00Z'), berlin, quiet, 'later');
    expect(local(moved)).toBe('2027-05-05 08:00');
  });

  it('keeps local times right across the spring DST change (Berlin, 28 March 2027)', () => {
    // 02:30 local does not exist that night; the check-in still lands at 08:00 CEST (06:00Z).
    const moved = outsideQuietHours(new Date('2027-03-28T00:30:00Z'), berlin, quiet, 'later');
    expect(moved.toISOString()).toBe('2027-03-28T06:00:00.000Z');
    const earlier = outsideQuietHours(new Date('2027-03-28T05:00:00Z'), berlin, quiet, 'earlier');
    expect(earlier.toISOString()).toBe('2027-03-27T19:45:00.000Z');
  });

  it('keeps local times right across the autumn DST change (Berlin, 31 October 2027)', () => {
    const moved = outsideQuietHours(new Date('2027-10-31T01:30:00Z'), berlin, quiet, 'later');
    expect(moved.toISOString()).toBe('2027-10-31T07:00:00.000Z');
    const earlier = outsideQuietHours(new Date('2027-10-31T06:30:00Z'), berlin, quiet, 'earlier');
    expect(earlier.toISOString()).toBe('2027-10-30T18:45:00.000Z');
  });

  it('works in the zone of the booking, not of the server', () => {
    const moved = outsideQuietHours(new Date('2027-05-04T03:00:00Z'), 'America/New_York', quiet, 'later');
    expect(local(moved, 'America/New_York')).toBe('2027-05-04 08:00');
  });

  it('supports a window that does not cross midnight, and can be switched off', () => {
    const lunch = parseQuietHours('12:00-13:00');
    expect(local(outsideQuietHours(new Date('2027-05-04T10:30:00Z'), berlin, lunch, 'later'))).toBe('2027-05-04 13:00');
    expect(parseQuietHours('off')).toBeUndefined();
    expect(() => parseQuietHours('9pm-8am')).toThrow(/21:00-08:00/);
  });

  it('moves a booking reminder out of the night, and drops it when the earlier time has passed', () => {
    const booking: BookingRecord = {
      clinicId: 'riverside',
      bookingId: 'bk-1',
      status: 'active',
      created: { occurredAt: '2027-05-01T10:00:00Z', eventId: 'e1' },
      startsAt: '2027-05-05T07:30:00+02:00',
      timezone: berlin,
      sequence: 0,
    };
    const [reminder] = desiredReminders(booking, [1440], new Date('2027-05-01T10:00:00Z'), quiet);
    expect(local(reminder!.at)).toBe('2027-05-03 20:45');
    expect(desiredReminders(booking, [1440], new Date('2027-05-03T19:00:00Z'), quiet)).toEqual([]);
  });
});
