import type { StoredEmail } from '../../../infra/local/ses-local';
import type { ActivityEvent, EndedDelivery } from '../../../infra/local/console/activity';
import type { ConsoleData, ConsoleDeadLetter, ConsoleSchedule } from '../../../infra/local/console/model';

/**
 * A local stack's records as the console reads them, for one story: a clinic's profile, a booking
 * made, moved and attended, its emails, the patient's answer, a change that came too late (stale),
 * one the contract refused (rejected, with its dead letter), one whose function kept failing, one
 * still being handled, and the schedules still to come.
 */

export const NOW = new Date('2027-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const seconds = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

let seq = 0;
function event(
  source: string,
  detailType: string,
  detail: Record<string, unknown>,
  minutes: number,
  targets: string[],
  deliveries: EndedDelivery[],
): ActivityEvent {
  const received = at(minutes);
  return {
    seq: seq++,
    id: `eb-${seq}`,
    source,
    detailType,
    detail,
    at: seconds(received),
    receivedAt: received,
    targets,
    deliveries,
  };
}

const processed = (target: string, outcome: unknown): EndedDelivery => ({
  target,
  attempts: 1,
  result: { status: 'processed', outcome },
});

export const CLINIC = 'riverside';
export const BOOKING = 'bk-0001';
export const PATIENT = 'pt-0042';
export const OTHER_BOOKING = 'bk-0002';

const booking = {
  bookingId: BOOKING,
  startsAt: '2027-03-03T15:30:00+01:00',
  durationMinutes: 60,
  timezone: 'Europe/Berlin',
  service: { code: 'massage-60', name: 'Therapeutic massage (60 min)' },
  therapist: { therapistId: 'th-dana', name: 'Dana Kim' },
  location: { name: 'Riverside Physio', address: '12 River Street, Berlin' },
};
const patient = { patientId: PATIENT, firstName: 'Alex', lastName: 'Meyer', email: 'alex@example.com', locale: 'en' };

export function story(): ConsoleData {
  seq = 0;
  const events: ActivityEvent[] = [
    event(
      'clinic.admin',
      'ClinicProfileUpdated',
      {
        eventId: 'evt-profile',
        occurredAt: at(0),
        clinicId: CLINIC,
        profile: { name: 'Riverside PT', phone: '+1 555' },
      },
      0,
      ['clinic-profile-updated'],
      [processed('clinic-profile-updated', { applied: true })],
    ),
    event(
      'clinic.booking',
      'BookingCreated',
      { eventId: 'evt-created', occurredAt: at(1), clinicId: CLINIC, booking, patient },
      1,
      ['booking-created'],
      [
        processed('booking-created', {
          applied: true,
          emails: { confirmation: 'sent' },
          remindersScheduled: 1,
          remindersRemoved: 0,
        }),
      ],
    ),
    // The outbox publishes the email's record after the next event came in; it happened before.
    event(
      'clinic.booking',
      'BookingRescheduled',
      {
        eventId: 'evt-moved',
        occurredAt: at(2),
        clinicId: CLINIC,
        bookingId: BOOKING,
        startsAt: '2027-03-04T09:00:00Z',
      },
      2,
      ['booking-rescheduled'],
      [processed('booking-rescheduled', { applied: true, emails: { reschedule: 'sent' } })],
    ),
    event(
      'careloop.email',
      'EmailSent',
      {
        eventId: 'email-sent-1',
        occurredAt: at(1.5),
        clinicId: CLINIC,
        patientId: PATIENT,
        bookingId: BOOKING,
        kind: 'confirmation',
        messageId: 'ses-1',
      },
      2.5,
      [],
      [],
    ),
    event(
      'clinic.booking',
      'BookingRescheduled',
      {
        eventId: 'evt-late',
        occurredAt: at(0.5),
        clinicId: CLINIC,
        bookingId: BOOKING,
        startsAt: '2027-03-09T09:00:00Z',
      },
      3,
      ['booking-rescheduled'],
      [processed('booking-rescheduled', { applied: false, emails: {} })],
    ),
    event(
      'clinic.booking',
      'BookingCreated',
      { eventId: 'evt-refused', clinicId: CLINIC, booking: { ...booking, startsAt: 'tomorrow' }, patient },
      4,
      ['booking-created'],
      [{ target: 'booking-created', attempts: 1, result: { status: 'rejected' } }],
    ),
    event(
      'clinic.care',
      'SessionCompleted',
      {
        eventId: 'evt-session',
        occurredAt: at(5),
        clinicId: CLINIC,
        bookingId: BOOKING,
        patientId: PATIENT,
        therapist: { therapistId: 'th-dana', name: 'Dana Kim' },
        painBefore: 7,
        painAfter: 4,
        selfCare: { exercises: ['chin-tuck'], note: 'A warm pack tonight.' },
      },
      5,
      ['session-completed'],
      [
        processed('session-completed', { applied: true, followUp: 'sent' }),
        { target: 'session-audit', attempts: 1, result: { status: 'duplicate' } },
      ],
    ),
    event(
      'careloop.patients',
      'PatientResponded',
      {
        eventId: 'patient-responded-1',
        occurredAt: at(6),
        clinicId: CLINIC,
        patientId: PATIENT,
        bookingId: BOOKING,
        responseId: 'resp-1',
        kind: 'check-in',
        feeling: 'better',
        painNow: 3,
        exercises: [{ exerciseId: 'chin-tuck', status: 'done' }],
        warningSigns: false,
      },
      6,
      [],
      [],
    ),
    event(
      'careloop.care',
      'AttentionNeeded',
      {
        eventId: 'attention-1',
        occurredAt: at(6.5),
        clinicId: CLINIC,
        patientId: PATIENT,
        bookingId: BOOKING,
        reasons: ['pain-increase'],
      },
      6.5,
      [],
      [],
    ),
    event(
      'clinic.booking',
      'BookingCancelled',
      { eventId: 'evt-cancel-other', occurredAt: at(7), clinicId: CLINIC, bookingId: OTHER_BOOKING, reason: 'ill' },
      7,
      ['booking-cancelled'],
      [{ target: 'booking-cancelled', attempts: 3, error: 'SES is down' }],
    ),
    event(
      'clinic.patients',
      'ContactPreferencesUpdated',
      { eventId: 'evt-prefs', occurredAt: at(8), clinicId: CLINIC, patientId: PATIENT, consent: { followUps: false } },
      8,
      ['contact-preferences-updated'],
      [],
    ),
    event(
      'aws.ses',
      'Email Bounced',
      { eventType: 'Bounce', mail: { messageId: 'ses-9' } },
      9,
      ['ses-feedback'],
      [processed('ses-feedback', { suppressed: 0, ignored: 'not-careloop' })],
    ),
  ];
  const deadLetters: ConsoleDeadLetter[] = [
    {
      source: 'clinic.booking',
      detailType: 'BookingCreated',
      detail: { eventId: 'evt-refused', clinicId: CLINIC, booking: { ...booking, startsAt: 'tomorrow' }, patient },
      error: 'booking.startsAt: must be an ISO 8601 date-time with an offset; occurredAt: is required',
      at: '2026-12-07T15:00:00.000Z',
    },
    {
      source: 'clinic.booking',
      detailType: 'BookingCancelled',
      detail: { eventId: 'evt-cancel-other', clinicId: CLINIC, bookingId: OTHER_BOOKING, reason: 'ill' },
      error: 'SES is down',
      at: '2026-12-07T15:00:07.000Z',
    },
    {
      source: 'aws.scheduler',
      detailType: 'Scheduled Event',
      detail: {
        schedule: 'chk-1',
        target: 'arn:aws:sqs:eu-central-1:000000000000:careloop-local-due-jobs',
        input: { kind: 'check-in', clinicId: CLINIC, patientId: PATIENT, bookingId: BOOKING },
      },
      error: 'the queue is gone',
      at: '2026-12-07T15:01:00.000Z',
    },
  ];
  const schedules: ConsoleSchedule[] = [
    {
      name: 'chk-2',
      groupName: 'careloop-local',
      fireAt: new Date(NOW.getTime() + 3 * 86_400_000),
      status: 'SCHEDULED',
      state: 'ENABLED',
      target: {
        arn: 'arn:aws:sqs:eu-central-1:000000000000:careloop-local-due-jobs',
        input: JSON.stringify({ kind: 'check-in', clinicId: CLINIC, patientId: PATIENT, bookingId: BOOKING }),
      },
    },
    {
      name: 'rem-1',
      groupName: 'careloop-local',
      fireAt: new Date(NOW.getTime() + 86_400_000),
      status: 'SCHEDULED',
      state: 'ENABLED',
      target: {
        arn: 'arn:aws:sqs:eu-central-1:000000000000:careloop-local-due-jobs',
        input: JSON.stringify({
          kind: 'reminder',
          clinicId: CLINIC,
          bookingId: BOOKING,
          startsAt: '2027-03-04T09:00:00.000Z',
          offsetMinutes: 1440,
        }),
      },
    },
    {
      name: 'rem-0',
      groupName: 'careloop-local',
      fireAt: new Date(NOW.getTime() - 86_400_000),
      status: 'COMPLETED',
      state: 'ENABLED',
      target: { arn: 'arn:aws:sqs:eu-central-1:000000000000:careloop-local-due-jobs', input: '{}' },
    },
    {
      name: 'every-reconcile-1',
      groupName: 'careloop-local',
      fireAt: new Date(NOW.getTime() + 7 * 86_400_000),
      status: 'SCHEDULED',
      state: 'ENABLED',
      target: { arn: 'arn:aws:lambda:eu-central-1:000000000000:function:careloop-local-reconcile', input: '{}' },
    },
  ];
  const emails: StoredEmail[] = [
    {
      messageId: 'ses-1',
      from: 'appointments@careloop.local',
      replyTo: ['frontdesk@riverside.example'],
      destination: { to: ['alex@example.com'], cc: [], bcc: [] },
      subject: 'Your appointment on Wed 3 Mar at 15:30',
      body: { html: '<p>Hello Alex</p>', text: 'Hello Alex, see you soon.' },
      attachments: [{ content: 'QkVHSU4=', contentType: 'text/calendar', filename: 'appointment.ics', size: 6 }],
      at: NOW.getTime(),
    },
  ];
  return { now: NOW, events, deadLetters, schedules, emails };
}

/**
 * The story with every string in it made hostile: each becomes markup that would be an element,
 * close an attribute and start an entity if it were not escaped. The same string always becomes
 * the same hostile one, so ids still tie the records together. `keep` names the fields left as
 * they were (the detail-types the pages pick their wording by, the handlers' statuses).
 */
export const hostile = (value: string) => `<i>${value}</i>"'&amp;`;

export function hostileStory(
  keep: ReadonlySet<string> = new Set(),
  { names = false }: { names?: boolean } = {},
): ConsoleData {
  const data = story();
  // With `names`, the details' field names too (a producer chooses them as much as the values).
  const nameOf = (key: string, inDetail: boolean) => (names && inDetail ? hostile(key) : key);
  const walk = (value: unknown, name = '', inDetail = false): unknown => {
    if (typeof value === 'string') return keep.has(name) ? value : hostile(value);
    if (Array.isArray(value)) return value.map((item) => walk(item, '', inDetail));
    if (value instanceof Date) return value;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          nameOf(key, inDetail),
          walk(item, key, inDetail || key === 'detail' || key === 'result'),
        ]),
      );
    }
    return value;
  };
  return {
    now: data.now,
    events: data.events.map((item) => ({ ...(walk(item) as ActivityEvent), seq: item.seq })),
    deadLetters: walk(data.deadLetters) as ConsoleDeadLetter[],
    schedules: data.schedules.map((schedule) => ({
      ...(walk(schedule) as ConsoleSchedule),
      // The input is JSON text: the strings inside it are made hostile, and it stays JSON.
      target: {
        arn: walk(schedule.target.arn) as string,
        input: JSON.stringify(walk(JSON.parse(schedule.target.input ?? '{}'))),
      },
      status: schedule.status,
      state: schedule.state,
    })),
    emails: walk(data.emails) as StoredEmail[],
  };
}

/** Every string a value holds, at any depth. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null && !(value instanceof Date))
    return Object.values(value).flatMap(stringsOf);
  return [];
}
