import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/email/render';
import type { EmailModel } from '../../../shared/email/types';
import { createSelfCareLibrary } from '../../../shared/self-care/library';
import { afterSession, appointment, context, models, session } from './fixtures';

const HOSTILE_NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const HOSTILE_NOTE = 'Keep it gentle.\n"><img src=x onerror=alert(3)>\n<script>steal()</script> & more';

const FORBIDDEN_IN_SUBJECTS = [
  /massage/i,
  /therapeutic/i,
  /deep/i,
  /tissue/i,
  /myofascial/i,
  /neck/i,
  /shoulder/i,
  /Nacken/i,
  /\b[0-9]\s*(\/|out of|von)\s*10\b/i,
  /pain/i,
  /Schmerz/i,
  /Anna/,
];

describe('renderEmail', () => {
  it.each(models().map((model) => [model.kind, model] as const))(
    'renders a %s with subject, HTML and text',
    (_kind, model) => {
      const email = renderEmail(model, model.kind === 'follow-up' ? afterSession : context);
      expect(email.subject.length).toBeGreaterThan(5);
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(email.html).toMatch(/^<!DOCTYPE html>/);
      expect(email.html).toContain('<html lang="en"');
      expect(email.html).toContain('role="presentation"');
      expect(email.html).toMatch(/<h1[^>]*>/);
      expect(email.html).not.toMatch(/<img/i);
      expect(email.text).toContain('Hello Max,');
      expect(email.html).toContain('Hello Max,');
    },
  );

  it.each(['en', 'de'])('names no service, technique, body area or pain score in any subject (%s)', (locale) => {
    for (const model of models(locale)) {
      const { subject } = renderEmail(model, afterSession);
      for (const pattern of FORBIDDEN_IN_SUBJECTS) expect(subject, `${model.kind}: ${subject}`).not.toMatch(pattern);
    }
  });

  it('uses the subjects of the contract', () => {
    const [confirmation, reschedule, cancellation, reminder, followUp, checkIn] = models().map((model) =>
      renderEmail(model, model.kind === 'follow-up' ? afterSession : context),
    );
    expect(confirmation!.subject).toBe('Your appointment on Wed 3 Mar at 15:30');
    expect(reschedule!.subject).toBe('Your appointment has moved to Wed 3 Mar at 15:30');
    expect(cancellation!.subject).toBe('Your appointment on Wed 3 Mar at 15:30 is cancelled');
    expect(reminder!.subject).toBe('Reminder: your appointment tomorrow at 15:30');
    expect(followUp!.subject).toBe("Your self-care plan after today's visit");
    expect(checkIn!.subject).toBe('How are you feeling?');
  });

  it('says "today" in a reminder on the day and names the date further ahead', () => {
    const model: EmailModel = { kind: 'reminder', recipient: { firstName: 'Max', locale: 'en' }, appointment };
    expect(renderEmail(model, { ...context, now: new Date('2027-03-03T06:00:00Z') }).subject).toBe(
      'Reminder: your appointment today at 15:30',
    );
    expect(renderEmail(model, { ...context, now: new Date('2027-02-28T06:00:00Z') }).subject).toBe(
      'Reminder: your appointment on Wed 3 Mar at 15:30',
    );
  });

  it('escapes a hostile first name and note in HTML and keeps them readable in text', () => {
    for (const model of models('en', HOSTILE_NAME)) {
      const withNote = 'session' in model ? { ...model, session: { ...model.session, note: HOSTILE_NOTE } } : model;
      const email = renderEmail(withNote, afterSession);
      expect(email.html).not.toMatch(/<script/i);
      expect(email.html).not.toMatch(/<img/i);
      expect(email.html).not.toMatch(/"><img/);
      expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
      expect(email.text).toContain(`Hello ${HOSTILE_NAME},`);
    }
    const followUp = renderEmail(
      { ...(models()[4] as Extract<EmailModel, { kind: 'follow-up' }>), session: { ...session, note: HOSTILE_NOTE } },
      afterSession,
    );
    expect(followUp.html).toContain(
      'Keep it gentle.<br />&quot;&gt;&lt;img src=x onerror=alert(3)&gt;<br />&lt;script&gt;steal()&lt;/script&gt; &amp; more',
    );
    expect(followUp.text).toContain('> "><img src=x onerror=alert(3)>\n> <script>steal()</script> & more');
  });

  it('shows times in the booking time zone, with the zone named', () => {
    const email = renderEmail(models()[0]!, context);
    expect(email.text).toContain('15:30–16:30 (Central European Standard Time)');
    expect(email.html).toContain('15:30–16:30 (Central European Standard Time)');
    const tokyo = renderEmail(
      {
        kind: 'confirmation',
        recipient: { firstName: 'Max', locale: 'en' },
        appointment: { ...appointment, timezone: 'Asia/Tokyo' },
      },
      context,
    );
    expect(tokyo.subject).toBe('Your appointment on Wed 3 Mar at 23:30');
  });

  it('renders German for de and de-AT, and English for an unknown or invalid locale', () => {
    const german = renderEmail(models('de')[0]!, context);
    expect(german.subject).toBe('Ihr Termin am Mi., 3. März um 15:30');
    expect(german.html).toContain('<html lang="de"');
    expect(german.text).toContain('Hallo Max,');
    expect(german.text).toContain('Ihr Termin ist gebucht');
    expect(german.text).toContain('Mitteleuropäische Normalzeit');
    expect(german.text).not.toBe(renderEmail(models('en')[0]!, context).text);
    expect(renderEmail(models('de-AT')[3]!, context).subject).toBe('Erinnerung: Ihr Termin morgen um 15:30');
    expect(renderEmail(models('fr-FR')[0]!, context).subject).toBe('Your appointment on Wed 3 Mar at 15:30');
    expect(renderEmail(models('not a locale!')[0]!, context).subject).toBe('Your appointment on Wed 3 Mar at 15:30');
    expect(renderEmail(models('en-US')[0]!, context).subject).toBe('Your appointment on Wed, Mar 3 at 3:30 PM');
  });

  it('translates every fixed string of the follow-up and check-in into German', () => {
    const [, , , , followUp, checkIn] = models('de').map((model) => renderEmail(model, afterSession));
    expect(followUp!.subject).toBe('Ihr Selbstpflege-Plan nach Ihrem heutigen Besuch');
    expect(followUp!.text).toContain('Behandlung 2 von 6 in Ihrem Behandlungsplan.');
    expect(followUp!.text).toContain('Wann Sie sich bei uns melden sollten');
    expect(followUp!.text).toContain('Rufen Sie sofort den Notruf bei:');
    expect(followUp!.text).toContain('Kinn zurückschieben (Chin Tuck)');
    expect(checkIn!.subject).toBe('Wie geht es Ihnen?');
    expect(checkIn!.text).toContain('Zeit für Ihren nächsten Termin?');
  });

  it('marks library text that has no translation with its own language', () => {
    const library = createSelfCareLibrary({
      techniques: [
        { code: 'cupping', title: 'After cupping', points: ['Marks fade within a week.'], suggestedExercises: [] },
      ],
    });
    const model = models('de')[4]!;
    if (model.kind !== 'follow-up') throw new Error('expected the follow-up model');
    const followUp = renderEmail(
      { ...model, session: { ...model.session, techniques: ['cupping', 'deep-tissue'] } },
      { ...afterSession, library },
    );
    expect(followUp.html).toMatch(/<div lang="en">\s*<h3[^>]*>After cupping<\/h3>/);
    expect(followUp.html).not.toMatch(/<div lang="en">\s*<h3[^>]*>Nach einer Tiefengewebsmassage/);
    expect(followUp.html).not.toMatch(/<div lang="en">\s*<h3[^>]*>Kinn/);
  });

  it('renders the built-in self-care text of a German follow-up and check-in wholly in German', () => {
    const [, , , , followUp, checkIn] = models('de').map((model) => renderEmail(model, afterSession));
    for (const email of [followUp!, checkIn!]) {
      expect(email.html).not.toContain('lang="en"');
      expect(email.text).toContain('Brustdehnung im Türrahmen');
      expect(email.text).not.toMatch(/Doorway|How much|sharp, stabbing|Drink water/);
    }
    expect(followUp!.text).toContain('Nach einer Tiefengewebsmassage');
    expect(followUp!.text).toContain('Ihr Nacken');
  });

  it('attaches an .ics invitation to confirmations and reschedules and a cancelling one to cancellations', () => {
    const [confirmation, reschedule, cancellation, reminder] = models().map((model) => renderEmail(model, context));
    for (const [email, method, sequence] of [
      [confirmation!, 'REQUEST', 0],
      [reschedule!, 'REQUEST', 1],
      [cancellation!, 'CANCEL', 2],
    ] as const) {
      expect(email.attachments).toHaveLength(1);
      const [attachment] = email.attachments;
      expect(attachment!.fileName).toBe('appointment.ics');
      expect(attachment!.contentType).toBe(`text/calendar; charset=UTF-8; method=${method}`);
      const calendar = new ICAL.Component(ICAL.parse(attachment!.content));
      const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
      expect(calendar.getFirstPropertyValue('method')).toBe(method);
      expect(event.startDate.toJSDate().toISOString()).toBe('2027-03-03T14:30:00.000Z');
      expect(event.sequence).toBe(sequence);
      expect(event.uid).toBe('booking-1.clinic-a@careloop');
      expect(event.summary).toBe('Therapeutic massage (60 min) with Anna Schmidt');
    }
    expect(reminder!.attachments).toEqual([]);
  });

  it('lists the prescribed exercises with steps, dose, frequency and when to stop in a follow-up', () => {
    const email = renderEmail(models()[4]!, afterSession);
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Chin tuck');
      expect(part).toContain('Doorway chest stretch');
      expect(part).toContain('Hold 5 seconds; repeat 10 times');
      expect(part).toContain('How often');
      expect(part).toContain('numbness, tingling or pins and needles');
      expect(part).toContain('After deep tissue massage');
      expect(part).toContain('After myofascial release');
      expect(part).toContain('Your neck');
      expect(part).toContain('Your shoulders');
      expect(part).toContain('Call emergency services straight away');
    }
    expect(email.text).toContain('> Take it easy with the shoulder this week.\n> Warm shower in the evening.');
    expect(email.html).toContain('Take it easy with the shoulder this week.<br />Warm shower in the evening.');
    expect(email.html).toMatch(/<ol[^>]*>\s*<li[^>]*>Sit or stand tall/);
  });

  it('shows pain before and after, the pain trend, plan progress and the next visit in a follow-up', () => {
    const email = renderEmail(models()[4]!, afterSession);
    expect(email.text).toContain('You rated your pain 7 out of 10 before the session and 4 out of 10 afterwards.');
    expect(email.text).toContain('- Wed 24 Feb: 8 before, 5 after\n- Wed 3 Mar: 7 before, 4 after');
    expect(email.text).toContain('Session 2 of 6 in your treatment plan.');
    expect(email.text).toContain('Anna Schmidt recommends your next session in about 7 days, around Wed 10 Mar.');
  });

  it('leaves out what a follow-up was not given, and gives general guidance for unknown codes', () => {
    const email = renderEmail(
      {
        kind: 'follow-up',
        recipient: { firstName: 'Max', locale: 'en' },
        session: {
          ...session,
          techniques: ['hot-stones'],
          focusAreas: ['elbow'],
          painBefore: undefined,
          painAfter: undefined,
          note: undefined,
          nextVisitInDays: undefined,
          exerciseIds: ['chin-tuck', 'unknown-exercise'],
        },
        painTrend: [{ completedAt: session.completedAt }],
      },
      afterSession,
    );
    expect(email.text).not.toMatch(/out of 10/);
    expect(email.text).not.toMatch(/Session \d+ of/);
    expect(email.text).not.toMatch(/A note from/);
    expect(email.text).not.toMatch(/next session in about/);
    expect(email.text).toContain('General advice');
    expect(email.text).toContain('General care');
    expect(email.text).toContain('Chin tuck');
    expect(email.text).not.toContain('unknown-exercise');
  });

  it('ends the German next-visit sentence with one full stop after an abbreviated month', () => {
    const model = models('de')[4] as Extract<EmailModel, { kind: 'follow-up' }>;
    const email = renderEmail({ ...model, session: { ...session, nextVisitInDays: 30 } }, afterSession);
    expect(email.text).toContain(
      'Anna Schmidt empfiehlt Ihre nächste Behandlung in etwa 30 Tagen, um den Fr., 2. Apr.\n',
    );
    expect(renderEmail(model, afterSession).text).toContain('in etwa 7 Tagen, um den Mi., 10. März.\n');
  });

  it('names the visit date in a follow-up subject when it is not sent on the day', () => {
    const email = renderEmail(models()[4]!, { ...context, now: new Date('2027-03-05T10:00:00Z') });
    expect(email.subject).toBe('Your self-care plan after your visit on Wed 3 Mar');
  });

  it('prompts to book in a check-in only when promptToBook is true', () => {
    const checkIn = models()[5] as Extract<EmailModel, { kind: 'check-in' }>;
    const prompted = renderEmail(checkIn, context);
    const quiet = renderEmail({ ...checkIn, promptToBook: false }, context);
    expect(prompted.text).toContain('Time to book your next session?');
    expect(prompted.html).toContain('Time to book your next session?');
    expect(quiet.text).not.toContain('Time to book your next session?');
    expect(quiet.html).not.toContain('Time to book your next session?');
    for (const email of [prompted, quiet]) {
      expect(email.text).toContain('How are you feeling?');
      expect(email.text).toContain('You have completed 2 of 6 sessions in your treatment plan.');
      expect(email.text).toContain('Chin tuck');
    }
  });

  it('links booking and unsubscribe pages only with a safe scheme', () => {
    const checkIn = models()[5]!;
    const safe = renderEmail(checkIn, {
      ...context,
      clinic: { name: 'Praxis Mitte', phone: '+49 30 123', bookingUrl: 'https://clinic.example/book?a=1&b=2' },
      unsubscribeUrl: 'https://clinic.example/u/tok',
    });
    expect(safe.html).toContain('href="https://clinic.example/book?a=1&amp;b=2"');
    expect(safe.html).toContain('href="https://clinic.example/u/tok"');
    expect(safe.text).toContain('Book your next session: https://clinic.example/book?a=1&b=2');
    expect(safe.text).toContain('call us on +49 30 123');
    expect(safe.text).toContain('The team at Praxis Mitte');
    const hostile = renderEmail(checkIn, {
      ...context,
      clinic: { bookingUrl: 'javascript:alert(1)' },
      unsubscribeUrl: 'javascript:alert(2)',
    });
    expect(hostile.html).not.toMatch(/javascript:/i);
    expect(hostile.text).toContain('To book, please get in touch with the clinic.');
  });

  it('uses a clinic library passed in the render context', () => {
    const library = createSelfCareLibrary({ exercises: [{ id: 'chin-tuck', title: 'Our own chin tuck' }] });
    const email = renderEmail(models()[4]!, { ...afterSession, library });
    expect(email.text).toContain('Our own chin tuck');
  });

  it('falls back to UTC for an unknown time zone rather than failing', () => {
    const email = renderEmail(
      {
        kind: 'confirmation',
        recipient: { firstName: 'Max', locale: 'en' },
        appointment: { ...appointment, timezone: 'Mars/Olympus' },
      },
      context,
    );
    expect(email.subject).toBe('Your appointment on Wed 3 Mar at 14:30');
  });
});
