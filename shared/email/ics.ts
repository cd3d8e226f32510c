import { cleanText } from './html';

/**
 * iCalendar (RFC 5545) invitations for appointments, with iTIP (RFC 5546) methods:
 * REQUEST to add or update, CANCEL to remove. The UID is stable per booking and SEQUENCE
 * grows with each change, so calendar apps update the one entry.
 */

export interface CalendarInviteInput {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** ISO instant; DTSTART is exactly this instant, in UTC. */
  startsAt: string;
  durationMinutes: number;
  summary: string;
  description?: string;
  location?: string;
  organizerEmail: string;
  organizerName?: string;
  /** The patient; when given, an ATTENDEE who needs not reply (RSVP=FALSE). */
  attendee?: { email: string; name?: string };
  dtstamp: Date;
}

export const PRODID = '-//CareLoop//Appointments 1.0//EN';

/**
 * TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newline, after the
 * cleaning every email text gets (cleanText): no control character, and no next-line, line or
 * paragraph separator, which some calendar parsers split lines on, so a value cannot start a
 * property line of its own (an ORGANIZER, an ATTENDEE, a URL).
 */
export function escapeText(value: string): string {
  return cleanText(value).replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

/** A parameter value (e.g. CN), quoted; DQUOTE, newline and tab cannot appear in one. */
function paramValue(value: string): string {
  return `"${cleanText(value)
    .replace(/["\n\t]/g, '')
    .trim()}"`;
}

function mailto(email: string): string {
  return `mailto:${email.replace(/[\u0000-\u0020\u007F"<>]/g, '')}`;
}

/** UTC date-time form, e.g. 20270303T143000Z. */
export function formatUtc(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date for calendar file');
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const encoder = new TextEncoder();

/**
 * Folds a content line so that no line exceeds 75 octets (RFC 5545 §3.1), never splitting
 * a UTF-8 sequence: continuation lines begin with one space, which counts.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/** A safe, stable UID for a booking: bytes outside `[A-Za-z0-9.-]` become `_XX`, so distinct ids stay distinct. */
export function calendarUid(clinicId: string, bookingId: string): string {
  const safe = (value: string) =>
    Array.from(encoder.encode(value), (byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9.-]/.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }).join('');
  return `${safe(bookingId)}.${safe(clinicId)}@careloop`;
}

export function buildCalendarInvite(input: CalendarInviteInput): string {
  const start = new Date(input.startsAt);
  if (Number.isNaN(start.getTime())) throw new RangeError(`invalid startsAt: ${input.startsAt}`);
  if (!Number.isInteger(input.sequence) || input.sequence < 0)
    throw new RangeError('SEQUENCE must be a non-negative integer');
  const end = new Date(start.getTime() + input.durationMinutes * 60_000);
  const cancelled = input.method === 'CANCEL';

  const organizer = input.organizerName
    ? `ORGANIZER;CN=${paramValue(input.organizerName)}:${mailto(input.organizerEmail)}`
    : `ORGANIZER:${mailto(input.organizerEmail)}`;
  const attendee = input.attendee
    ? `ATTENDEE;${input.attendee.name ? `CN=${paramValue(input.attendee.name)};` : ''}ROLE=REQ-PARTICIPANT;${
        cancelled ? '' : 'PARTSTAT=ACCEPTED;'
      }RSVP=FALSE:${mailto(input.attendee.email)}`
    : undefined;

  const lines = [
    'BEGIN:VCALENDAR',
    `PRODID:${PRODID}`,
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `METHOD:${input.method}`,
    'BEGIN:VEVENT',
    `UID:${escapeText(input.uid)}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${formatUtc(input.dtstamp)}`,
    `DTSTART:${formatUtc(start)}`,
    `DTEND:${formatUtc(end)}`,
    `SUMMARY:${escapeText(input.summary)}`,
    input.description ? `DESCRIPTION:${escapeText(input.description)}` : undefined,
    input.location ? `LOCATION:${escapeText(input.location)}` : undefined,
    organizer,
    attendee,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines
    .filter((line): line is string => line !== undefined)
    .map(foldLine)
    .join('\r\n')
    .concat('\r\n');
}
