import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/email/render';
import type { ClinicContact } from '../../../shared/email/types';
import { afterSession, appointment, clinic, context, type ModelOf } from './fixtures';

const missed = (locale: string): ModelOf<'missed'> => ({
  kind: 'missed',
  recipient: { firstName: 'Max', locale, email: 'max@example.com' },
  appointment,
});

const render = (locale: string, contact?: ClinicContact, now = afterSession.now) =>
  renderEmail(missed(locale), { ...context, now, ...(contact && { clinic: contact }) });

describe('"we missed you"', () => {
  it.each([
    ['en', 'We missed you today', 'We missed you on Wed 3 Mar'],
    ['de', 'Wir haben Sie heute vermisst', 'Wir haben Sie am Mi., 3. März vermisst'],
  ])('has a subject that names only the day (%s)', (locale, today, later) => {
    expect(render(locale).subject).toBe(today);
    expect(render(locale, clinic, new Date('2027-03-04T08:00:00Z')).subject).toBe(later);
  });

  it.each([
    [
      'en',
      [
        'We missed you',
        'Hello Max,',
        'We were sorry not to see you at your appointment, and we hope all is well.',
        'Date: Wednesday, 3 March 2027',
        'Time: 15:30–16:30 (Central European Standard Time)',
        'Treatment: Therapeutic massage (60 min)',
        'Therapist: Anna Schmidt',
        'Location: Praxis Mitte, Hauptstraße 1, Berlin',
        'Things come up sometimes, and that is perfectly all right.',
        'Whenever you are ready, we would be glad to find a new time for you.',
      ],
    ],
    [
      'de',
      [
        'Wir haben Sie vermisst',
        'Hallo Max,',
        'Schade, dass wir Sie bei Ihrem Termin nicht sehen konnten. Wir hoffen, es geht Ihnen gut.',
        'Datum: Mittwoch, 3. März 2027',
        'Uhrzeit: 15:30–16:30 Uhr (Mitteleuropäische Normalzeit)',
        'Behandlung: Therapeutic massage (60 min)',
        'Therapeut/in: Anna Schmidt',
        'Ort: Praxis Mitte, Hauptstraße 1, Berlin',
        'Manchmal kommt etwas dazwischen, und das ist völlig in Ordnung.',
        'Wann immer es Ihnen passt, finden wir gern einen neuen Termin für Sie.',
      ],
    ],
  ])('shows the missed appointment and hopes all is well (%s)', (locale, lines) => {
    for (const email of [render(locale), render(locale, clinic)]) {
      for (const line of lines) expect(email.text).toContain(line);
      expect(email.html).toContain(lines[2]!);
      expect(email.html).toMatch(/<th scope="row"[^>]*>(Date|Datum)<\/th>/);
    }
  });

  it('books again through the booking page, else the phone, else neutral words', () => {
    const button = render('en', clinic);
    expect(button.html).toContain(
      '<a href="https://praxis-mitte.example/book?patient=p-1" style="display:inline-block;',
    );
    expect(button.text).toContain('Book a new appointment: https://praxis-mitte.example/book?patient=p-1');
    expect(render('de', clinic).text).toContain('Neuen Termin buchen: https://praxis-mitte.example/book?patient=p-1');
    const { bookingUrl: _dropped, ...phoneOnly } = clinic;
    expect(render('en', phoneOnly).text).toContain('To book, call us on +49 30 1234567.');
    expect(render('de', phoneOnly).text).toContain('Für einen Termin erreichen Sie uns unter +49 30 1234567.');
    expect(render('en').text).toContain('To book, please get in touch with the clinic.');
    expect(render('de').text).toContain('Für einen Termin wenden Sie sich bitte an die Praxis.');
    for (const email of [render('en', phoneOnly), render('en')]) expect(email.html).not.toContain('<a href');
    // The phone the booking line gave is not given again in the closing lines; with a booking page it is.
    for (const locale of ['en', 'de']) {
      expect(render(locale, phoneOnly).text.split('+49 30 1234567')).toHaveLength(2);
      expect(render(locale, clinic).text.split('+49 30 1234567')).toHaveLength(2);
    }
  });

  it('carries no calendar file, no fee and no blame', () => {
    for (const locale of ['en', 'de'])
      for (const email of [render(locale), render(locale, clinic)]) {
        expect(email.attachments).toEqual([]);
        for (const part of [email.subject, email.html, email.text]) {
          expect(part).not.toMatch(/fee|charge|invoice|penalt|Gebühr|Ausfall|Rechnung|berechn/i);
          expect(part).not.toMatch(/you failed|did not show|no-show|versäumt|nicht erschienen/i);
          // Not the cancellation policy either: that is for confirmations and reminders.
          expect(part).not.toContain(clinic.cancellationPolicy);
        }
      }
  });
});
