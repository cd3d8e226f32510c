import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildCalendarInvite, calendarUid, foldLine, type CalendarInviteInput } from '../../../shared/email/ics';

const base: CalendarInviteInput = {
  uid: calendarUid('clinic-a', 'booking-1'),
  sequence: 0,
  method: 'REQUEST',
  startsAt: '2027-03-03T15:30:00+01:00',
  durationMinutes: 60,
  summary: 'Therapeutic massage (60 min) with Anna',
  location: 'Praxis Mitte, Hauptstraße 1, Berlin',
  organizerEmail: 'care@clinic.example',
  organizerName: 'Praxis Mitte',
  dtstamp: new Date('2027-03-01T09:00:00Z'),
};

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

describe('calendar invitations', () => {
  it('starts exactly at the booking instant, in UTC, and lasts the booked duration', () => {
    const { event, vevent } = parse(buildCalendarInvite(base));
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-03-03T14:30:00.000Z');
    expect(event.startDate.zone?.tzid).toBe('UTC');
    expect(event.endDate.toJSDate().toISOString()).toBe('2027-03-03T15:30:00.000Z');
    expect(vevent.getFirstPropertyValue('dtstamp')?.toString()).toBe('2027-03-01T09:00:00Z');
  });

  it('carries the header and event properties RFC 5545 and iTIP need', () => {
    const ics = buildCalendarInvite(base);
    const { calendar, vevent, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toMatch(/CareLoop/);
    expect(calendar.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event.organizer).toBe('mailto:care@clinic.example');
    expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe('Praxis Mitte');
    expect(event.summary).toBe(base.summary);
  });

  it('uses CRLF line endings only and keeps every line within 75 octets', () => {
    const ics = buildCalendarInvite({ ...base, description: 'ü'.repeat(200), summary: 'x'.repeat(300) });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });

  it('keeps the same UID for a booking across changes, and the SEQUENCE it is given', () => {
    const first = parse(buildCalendarInvite(base)).event;
    const moved = parse(buildCalendarInvite({ ...base, sequence: 1, startsAt: '2027-03-04T10:00:00+01:00' })).event;
    expect(moved.uid).toBe(first.uid);
    expect(first.sequence).toBe(0);
    expect(moved.sequence).toBe(1);
    expect(calendarUid('clinic-a', 'booking-1')).toBe(calendarUid('clinic-a', 'booking-1'));
  });

  it('makes UIDs safe without letting two bookings share one', () => {
    expect(calendarUid('clinic-a', 'b:1')).toMatch(/^[A-Za-z0-9._-]+@careloop$/);
    expect(calendarUid('clinic-a', 'b:1')).not.toBe(calendarUid('clinic-a', 'b-1'));
    expect(calendarUid('clinic-a', 'b:1')).not.toBe(calendarUid('clinic-a', 'b_3A1'));
  });

  it('cancels with METHOD:CANCEL, STATUS:CANCELLED, the same UID and a higher SEQUENCE', () => {
    const { calendar, vevent, event } = parse(buildCalendarInvite({ ...base, method: 'CANCEL', sequence: 2 }));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.uid).toBe(base.uid);
    expect(event.sequence).toBe(2);
  });

  it('round-trips commas, semicolons, backslashes, newlines and multi-byte text through escaping and folding', () => {
    const summary = 'Massage; neck, shoulders \\ back — 60 min 😀 '.repeat(4).trim();
    const description = 'Line one, with a comma;\nline two\r\nline three ü€😀 '.repeat(5).trim();
    const location = 'Praxis Mitte, Hauptstraße 1; 2nd floor';
    const ics = buildCalendarInvite({ ...base, summary, description, location });
    expect(ics).toMatch(/\r\n /);
    const { event } = parse(ics);
    expect(event.summary).toBe(summary);
    expect(event.description).toBe(description.replace(/\r\n/g, '\n'));
    expect(event.location).toBe(location);
  });

  it('names the patient as an attendee who need not reply, when an address is given', () => {
    const { vevent } = parse(buildCalendarInvite({ ...base, attendee: { email: 'max@example.com', name: 'Max "M"' } }));
    const attendee = vevent.getFirstProperty('attendee')!;
    expect(attendee.getFirstValue()).toBe('mailto:max@example.com');
    expect(attendee.getParameter('rsvp')).toBe('FALSE');
    expect(attendee.getParameter('cn')).toBe('Max M');
  });

  it('lets no value start a property line of its own, for parsers that split lines on Unicode separators', () => {
    const injected = (separator: string) =>
      `Massage${separator}ORGANIZER:mailto:evil@example.com${separator}URL:https://evil.example`;
    for (const separator of ['\u0085', '\u2028', '\u2029']) {
      const ics = buildCalendarInvite({
        ...base,
        summary: injected(separator),
        location: injected(separator),
        description: injected(separator),
        organizerName: `Clinic${separator}ATTENDEE:mailto:evil@example.com`,
        attendee: { email: 'max@example.com', name: `Max${separator}URL:https://evil.example` },
      });
      expect(ics).not.toMatch(/[\u0085\u2028\u2029]/);
      // Split as such a parser would: still one ORGANIZER, one ATTENDEE and no URL line.
      const lines = ics.split(/\r\n|[\n\u0085\u2028\u2029]/);
      expect(lines.filter((line) => line.startsWith('ORGANIZER'))).toHaveLength(1);
      expect(lines.filter((line) => line.startsWith('ATTENDEE'))).toHaveLength(1);
      expect(lines.filter((line) => line.startsWith('URL'))).toHaveLength(0);
      expect(parse(ics).event.organizer).toBe('mailto:care@clinic.example');
    }
  });

  it('drops bidirectional controls and invisible characters from what the calendar shows', () => {
    const { event } = parse(buildCalendarInvite({ ...base, summary: 'Massage with \u202Eanna\u202C\u200B\uFEFF' }));
    expect(event.summary).toBe('Massage with anna');
  });

  it('folds without splitting a UTF-8 character', () => {
    const folded = foldLine(`SUMMARY:${'€'.repeat(60)}`);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/\uFFFD/);
    }
    expect(lines.map((line, i) => (i === 0 ? line : line.slice(1))).join('')).toBe(`SUMMARY:${'€'.repeat(60)}`);
  });
});
