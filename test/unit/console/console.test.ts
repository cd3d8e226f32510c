import { describe, expect, it } from 'vitest';
import {
  bookingModel,
  emailModel,
  nextDue,
  outcomesOf,
  overviewModel,
  patientModel,
  type ConsoleData,
} from '../../../infra/local/console/model';
import {
  bookingContent,
  emailContent,
  fromNow,
  inZone,
  notFoundContent,
  overviewContent,
  patientContent,
  renderConsolePage,
} from '../../../infra/local/console/pages';
import { byTag, elements, parseDocument, textOf, type Element } from '../../support/html-document';
import { BOOKING, CLINIC, hostile, hostileStory, NOW, OTHER_BOOKING, PATIENT, story, stringsOf } from './fixtures';

const page = (
  path: string,
  content: Parameters<typeof renderConsolePage>[0]['content'],
  data: ConsoleData,
  heading = 'A page',
) =>
  renderConsolePage({
    title: heading,
    heading,
    path,
    clock: { now: data.now, ...(nextDue(data) && { next: nextDue(data)! }) },
    inboxUrl: 'http://127.0.0.1:8005',
    content,
  });

/** Every page the console serves for the records, by path. */
function everyPage(data: ConsoleData, ids = { clinicId: CLINIC, bookingId: BOOKING, patientId: PATIENT }) {
  const booking = bookingModel(data, ids.clinicId, ids.bookingId);
  const patient = patientModel(data, ids.clinicId, ids.patientId);
  const messageId = data.emails[0]!.messageId;
  const email = emailModel(data, messageId);
  return {
    '/': page('/', overviewContent(overviewModel(data), data.now), data),
    ...(booking && { '/bookings': page('/bookings/x/y', bookingContent(booking, data.now), data) }),
    ...(patient && { '/patients': page('/patients/x/y', patientContent(patient, data.now), data) }),
    // The server heads an email's page with its subject.
    ...(email && { '/emails': page('/emails/x', emailContent(email), data, email.email.subject) }),
    '/missing': page('/missing', notFoundContent('such booking'), data),
  };
}

/** The elements the console writes: anything else in a page came from the data. */
const OWN_ELEMENTS = new Set(
  (
    'html head meta title style body a header div p nav ul li main h1 h2 h3 section time form input button span ' +
    'footer code div table thead tbody tr th td ol details summary pre dl dt dd br iframe'
  ).split(' '),
);

function checkDocument(source: string, where: string): Element {
  const { root, problems } = parseDocument(source);
  expect(problems, where).toEqual([]);
  expect(
    elements(root, (element) => !OWN_ELEMENTS.has(element.tag)).map((element) => element.tag),
    where,
  ).toEqual([]);
  // Links only to the console's own paths, the JSON endpoints and the SES viewer the stack names.
  for (const link of byTag(root, 'a')) {
    expect(link.attributes.get('href'), where).toMatch(/^(\/|#content$|http:\/\/127\.0\.0\.1:8005$)/);
  }
  for (const frame of byTag(root, 'iframe'))
    expect(frame.attributes.get('src'), where).toMatch(/^\/emails\/[^/]+\/body$/);
  return root;
}

describe('what each event came to', () => {
  const data = story();
  const outcomes = (eventId: string) =>
    outcomesOf(
      data.events.find((event) => event.detail.eventId === eventId)!,
      data.deadLetters,
    );

  it('reads the handler result: applied with what was done, stale, duplicate, ignored', () => {
    expect(outcomes('evt-created')).toEqual([
      {
        target: 'booking-created',
        kind: 'applied',
        note: 'emails.confirmation: sent · remindersScheduled: 1 · remindersRemoved: 0',
      },
    ]);
    expect(outcomes('evt-late')).toEqual([
      { target: 'booking-rescheduled', kind: 'stale', note: 'not newer than what is stored: nothing changed' },
    ]);
    expect(outcomes('evt-session').map(({ kind }) => kind)).toEqual(['applied', 'duplicate']);
    expect(outcomesOf(data.events.at(-1)!, data.deadLetters)).toEqual([
      { target: 'ses-feedback', kind: 'ignored', note: 'not-careloop' },
    ]);
  });

  it('names the fields of a rejection, from the dead letter the handler wrote', () => {
    expect(outcomes('evt-refused')).toEqual([
      {
        target: 'booking-created',
        kind: 'rejected',
        note: 'booking.startsAt: must be an ISO 8601 date-time with an offset; occurredAt: is required',
      },
    ]);
  });

  it('says only "done" of a function that answered without a handler result', () => {
    const event = { ...data.events[1]!, deliveries: [{ target: 'booking-created', attempts: 1, result: undefined }] };
    expect(outcomesOf(event, data.deadLetters)).toEqual([{ target: 'booking-created', kind: 'done' }]);
  });

  it('tells a delivery that failed every attempt, and one still under way', () => {
    expect(outcomes('evt-cancel-other')).toEqual([
      { target: 'booking-cancelled', kind: 'failed', note: 'SES is down (after 3 attempts)' },
    ]);
    expect(outcomes('evt-prefs')).toEqual([{ target: 'contact-preferences-updated', kind: 'under way' }]);
  });
});

describe('bookings, patients and their timelines', () => {
  const data = story();

  it('lists bookings and patients newest first, a booking as the changes that took left it', () => {
    const overview = overviewModel(data);
    expect(overview.bookings.map((booking) => booking.bookingId)).toEqual([OTHER_BOOKING, BOOKING]);
    // Moved by evt-moved; the stale evt-late and the refused creation left it as it was.
    expect(overview.bookings[1]).toMatchObject({
      status: 'session completed',
      startsAt: '2027-03-04T09:00:00Z',
      patientId: PATIENT,
      patientName: 'Alex Meyer',
      emails: 1,
    });
    expect(overview.bookings[0]).toMatchObject({ status: 'not created' });
    expect(overview.patients.map((patient) => [patient.patientId, patient.bookings.length])).toEqual([[PATIENT, 1]]);
    expect(overview.other.map((entry) => entry.event.detailType)).toEqual(['Email Bounced', 'ClinicProfileUpdated']);
  });

  it("tells a booking's story oldest first, an email when it was sent rather than when its record was published", () => {
    const model = bookingModel(data, CLINIC, BOOKING)!;
    expect(model.timeline.map((entry) => `${entry.type} ${String(entry.event.detail.eventId)}`)).toEqual([
      'received evt-created',
      'email email-sent-1', // published after evt-moved came in, sent before it
      'received evt-moved',
      // Placed when it came in: what a producer says of when it happened is not the bus's order.
      'received evt-late',
      'received evt-refused',
      'received evt-session',
      'answer patient-responded-1',
      'published attention-1',
    ]);
    const email = model.timeline.find((entry) => entry.type === 'email');
    expect(email).toMatchObject({
      messageId: 'ses-1',
      kind: 'confirmation',
      email: { subject: data.emails[0]!.subject },
    });
    expect(model.pending.map((schedule) => schedule.name)).toEqual(['rem-1', 'chk-2']);
    expect(model.deadLetters.map(({ letter }) => letter.error)).toEqual([
      'the queue is gone',
      'booking.startsAt: must be an ISO 8601 date-time with an offset; occurredAt: is required',
    ]);
  });

  it("gives a patient their bookings' reminders, which name the booking only", () => {
    const model = patientModel(data, CLINIC, PATIENT)!;
    expect(model.pending.map((schedule) => schedule.kind)).toEqual(['reminder', 'check-in']);
    expect(model.timeline.map((entry) => entry.event.detailType)).toContain('ContactPreferencesUpdated');
  });

  it('moves "next due" to the soonest schedule still to fire', () => {
    expect(nextDue(data)).toMatchObject({ name: 'rem-1', kind: 'reminder', offsetMinutes: 1440 });
    expect(nextDue({ schedules: [] })).toBeUndefined();
  });

  it('knows no booking, patient or email the records do not name', () => {
    expect(bookingModel(data, 'elsewhere', BOOKING)).toBeUndefined();
    expect(patientModel(data, CLINIC, 'pt-none')).toBeUndefined();
    expect(emailModel(data, 'ses-none')).toBeUndefined();
  });
});

describe('the pages', () => {
  it('are sound documents with landmarks, one h1, headed sections and buttons in a form that posts', () => {
    const data = story();
    for (const [path, source] of Object.entries(everyPage(data))) {
      const root = checkDocument(source, path);
      for (const landmark of ['header', 'nav', 'main', 'footer']) expect(byTag(root, landmark), path).toHaveLength(1);
      for (const section of byTag(root, 'section')) {
        const heading = section.attributes.get('aria-labelledby');
        expect(
          elements(root, (element) => element.attributes.get('id') === heading && element.tag === 'h2'),
          path,
        ).toHaveLength(1);
      }
      const [form] = byTag(root, 'form');
      expect(form?.attributes.get('method')).toBe('post');
      expect(form?.attributes.get('action')).toBe('/clock');
      expect(byTag(form!, 'button').map((button) => textOf(button))).toEqual(['+1 hour', '+1 day', 'Next due']);
    }
  });

  it('frame an email in a sandbox that allows no script', () => {
    const data = story();
    const root = checkDocument(everyPage(data)['/emails']!, 'email');
    const [frame] = byTag(root, 'iframe');
    expect(frame?.attributes.get('src')).toBe('/emails/ses-1/body');
    expect(frame?.attributes.get('sandbox')).not.toContain('allow-scripts');
    expect(frame?.attributes.get('sandbox')).not.toContain('allow-same-origin');
    expect(frame?.attributes.get('title')).toBeTruthy();
  });

  it('show the clock, what is next and when, with no button to a schedule when none is left', () => {
    const data = { ...story(), schedules: [] };
    const root = checkDocument(everyPage(data)['/']!, '/');
    expect(byTag(root, 'button').map((button) => textOf(button))).toEqual(['+1 hour', '+1 day']);
    expect(textOf(root)).toContain('Nothing is scheduled.');
    expect(textOf(checkDocument(everyPage(story())['/']!, '/'))).toContain(
      'Next due: reminder for booking bk-0001, 2027-03-02 10:00:00 UTC (in 1 d)',
    );
  });

  it("write times in UTC, with the booking's own wall clock beside its start", () => {
    expect(inZone('2027-03-03T15:30:00+01:00', 'Europe/Berlin')).toBe('2027-03-03 15:30 Europe/Berlin');
    expect(inZone('2027-03-03T15:30:00+01:00', 'Not/AZone')).toBeUndefined();
    expect(fromNow(new Date(NOW.getTime() + 26 * 3_600_000 + 5 * 60_000), NOW)).toBe('in 1 d 2 h');
    expect(fromNow(new Date(NOW.getTime() - 3 * 60_000), NOW)).toBe('3 min ago');
    expect(fromNow(NOW, NOW)).toBe('due now');
    const text = textOf(checkDocument(everyPage(story())['/bookings']!, 'booking'));
    expect(text).toContain('2027-03-04 09:00:00 UTC (2027-03-04 10:00 Europe/Berlin)');
  });
});

describe('escaping: every field a page shows is text', () => {
  /** A page's text holds the hostile string literally: it was shown, as text. */
  const shows = (text: string, value: string) => text.includes(value.replace(/"'&amp;$/, ''));

  type Ids = { clinicId: string; bookingId: string; patientId: string };
  const variants: [string, ConsoleData, Ids][] = [
    // The pages pick their wording by detail-type and read the handlers' statuses: with those kept,
    // every field of every kind of entry is reached.
    [
      'values',
      hostileStory(new Set(['detailType', 'source', 'status', 'kind'])),
      { clinicId: hostile(CLINIC), bookingId: hostile(BOOKING), patientId: hostile(PATIENT) },
    ],
    [
      'values, types and statuses',
      hostileStory(),
      { clinicId: hostile(CLINIC), bookingId: hostile(BOOKING), patientId: hostile(PATIENT) },
    ],
    [
      'values and field names',
      hostileStory(new Set(), { names: true }),
      { clinicId: hostile(CLINIC), bookingId: hostile(BOOKING), patientId: hostile(PATIENT) },
    ],
  ];

  for (const [name, data, ids] of variants) {
    it(`hostile ${name}: no element, attribute or entity of theirs in any page`, () => {
      const pages = everyPage(data, ids);
      for (const [path, source] of Object.entries(pages)) checkDocument(source, `${name} ${path}`);
    });
  }

  it('shows every value of a booking, its emails, schedules and dead letters, as it was given', () => {
    const [, data, ids] = variants[0]!;
    const pages = everyPage(data, ids);
    const bookingText = textOf(parseDocument(pages['/bookings']!).root);
    const model = bookingModel(data, ids.clinicId, ids.bookingId)!;
    const expected = [
      ...model.timeline.flatMap((entry) => stringsOf(entry.event.detail)),
      ...model.timeline.flatMap((entry) => stringsOf(entry.event.deliveries.map((delivery) => delivery.target))),
      ...model.pending.map((schedule) => schedule.name),
      ...model.deadLetters.flatMap(({ letter }) => [letter.error, ...stringsOf(letter.detail)]),
      data.emails[0]!.subject,
      ...data.emails[0]!.destination.to,
    ];
    expect(expected.length).toBeGreaterThan(40);
    expect(expected.filter((value) => !shows(bookingText, value))).toEqual([]);

    const overviewText = textOf(parseDocument(pages['/']!).root);
    const overview = overviewModel(data);
    const listed = [
      ...overview.bookings.flatMap((booking) => [booking.bookingId, booking.clinicId, booking.patientName ?? '']),
      ...overview.patients.flatMap((patient) => [patient.patientId, patient.name ?? '']),
      ...overview.pending.map((schedule) => schedule.name),
      ...overview.deadLetters.flatMap(({ letter }) => [letter.error, ...stringsOf(letter.detail)]),
      ...overview.other.flatMap((entry) => stringsOf(entry.event.detail)),
    ].filter(Boolean);
    expect(listed.filter((value) => !shows(overviewText, value))).toEqual([]);

    const emailText = textOf(parseDocument(pages['/emails']!).root);
    const email = data.emails[0]!;
    const shown = [
      email.subject,
      email.from,
      ...email.replyTo,
      ...email.destination.to,
      email.body.text!,
      email.attachments[0]!.filename!,
      email.messageId,
    ];
    expect(shown.filter((value) => !shows(emailText, value))).toEqual([]);
  });

  it('builds links from ids with encodeURIComponent, so an id stays one path segment', () => {
    const [, data, ids] = variants[0]!;
    const root = parseDocument(everyPage(data, ids)['/']!).root;
    const hrefs = byTag(root, 'a').map((link) => link.attributes.get('href')!);
    expect(hrefs).toContain(`/bookings/${encodeURIComponent(ids.clinicId)}/${encodeURIComponent(ids.bookingId)}`);
    expect(hrefs).toContain(`/patients/${encodeURIComponent(ids.clinicId)}/${encodeURIComponent(ids.patientId)}`);
  });
});
