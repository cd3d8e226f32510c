import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/email/render';
import type { ClinicContact, EmailModel, RenderContext } from '../../../shared/email/types';
import { clinic, contextOf, HOSTILE_CLINIC_NAME, HOSTILE_POLICY, models, type ModelOf } from './fixtures';

const withClinic = (model: EmailModel, contact: ClinicContact | undefined = clinic): RenderContext => ({
  ...contextOf(model),
  ...(contact && { clinic: contact }),
  unsubscribeUrl: 'https://careloop.example/u/token',
});

const render = (model: EmailModel, contact?: ClinicContact) => renderEmail(model, withClinic(model, contact));

/** The kinds whose text says how to book (a button when the clinic has an https booking page). */
const BOOKING_KINDS = new Set(['cancellation', 'missed', 'follow-up', 'check-in', 'plan-nudge']);

/** The button links of an email's HTML part. */
const buttons = (html: string) =>
  [...html.matchAll(/<a href="([^"]*)" style="display:inline-block;[^"]*">/g)].map((match) => match[1]);

describe('the clinic in every email', () => {
  it.each(['en', 'de'])('names the clinic in the signature and the footer, and gives its phone (%s)', (locale) => {
    const signature = locale === 'de' ? 'Ihr Team von Praxis Mitte' : 'The team at Praxis Mitte';
    const contact =
      locale === 'de' ? 'Bei Fragen erreichen Sie uns unter +49 30 1234567.' : 'call us on +49 30 1234567';
    for (const model of models(locale)) {
      const email = render(model);
      for (const part of [email.html, email.text]) {
        expect(part, model.kind).toContain(signature);
        expect(part, model.kind).toContain(contact);
      }
      // The footer opens with the clinic's name.
      expect(email.text.split('\n-- \n')[1]!.startsWith('Praxis Mitte\n'), model.kind).toBe(true);
      expect(email.html).toMatch(/<p style="[^"]*font-size:14px;[^"]*"><strong>Praxis Mitte<\/strong><\/p>/);
      expect(email.text).not.toMatch(/Your care team|Ihr Praxisteam|get in touch with the clinic|an die Praxis\./);
    }
  });

  it.each(['en', 'de'])('keeps the neutral wording until the clinic has a profile (%s)', (locale) => {
    const [signature, contact] =
      locale === 'de'
        ? ['Ihr Praxisteam', 'Bei Fragen wenden Sie sich bitte an die Praxis.']
        : ['Your care team', 'If you have any questions, please get in touch with the clinic.'];
    for (const model of models(locale)) {
      const email = renderEmail(model, contextOf(model));
      for (const part of [email.html, email.text]) {
        expect(part, model.kind).toContain(signature);
        expect(part, model.kind).toContain(contact);
        expect(part, model.kind).not.toMatch(/Praxis Mitte<|Absageregelung|cancellation policy/i);
      }
      if (BOOKING_KINDS.has(model.kind) && !(model.kind === 'check-in' && !model.promptToBook))
        expect(email.text, model.kind).toMatch(
          locale === 'de'
            ? /Für einen Termin wenden Sie sich bitte an die Praxis\./
            : /To book, please get in touch with the clinic\./,
        );
      for (const attachment of email.attachments)
        expect(
          new ICAL.Component(ICAL.parse(attachment.content))
            .getFirstSubcomponent('vevent')!
            .getFirstProperty('organizer')!
            .getParameter('cn'),
        ).toBeUndefined();
    }
  });

  it('shows the cancellation policy in confirmations and reminders only', () => {
    for (const locale of ['en', 'de'])
      for (const model of models(locale)) {
        const email = render(model);
        const shown = model.kind === 'confirmation' || model.kind === 'reminder';
        for (const part of [email.html, email.text]) {
          expect(part.includes('Please cancel at least 24 hours ahead.'), `${locale} ${model.kind}`).toBe(shown);
          expect(/Our cancellation policy|Unsere Absageregelung/.test(part), `${locale} ${model.kind}`).toBe(shown);
        }
      }
    const reminder = render(models()[3]!);
    // Its own panel, after the appointment's details.
    expect(reminder.text).toContain('Our cancellation policy\n\nPlease cancel at least 24 hours ahead.');
    expect(reminder.html).toMatch(
      /<div style="[^"]*background:#eef6f5;[^"]*">\s*<p[^>]*><strong>Our cancellation policy<\/strong><\/p>\s*<p[^>]*>Please cancel at least 24 hours ahead\.<\/p>/,
    );
  });

  it('shows a hostile clinic name and policy as text, in HTML, text and the calendar file', () => {
    const hostile: ClinicContact = { ...clinic, name: HOSTILE_CLINIC_NAME, cancellationPolicy: HOSTILE_POLICY };
    for (const locale of ['en', 'de'])
      for (const model of models(locale)) {
        const email = render(model, hostile);
        expect(email.html).not.toMatch(/<script|<img|<a href="javascript/i);
        expect(email.html).toContain(
          '&lt;script&gt;alert(&quot;clinic&quot;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; Co;:,',
        );
        expect(email.text).toContain(HOSTILE_CLINIC_NAME);
        expect(email.subject).not.toContain('script');
        if (model.kind === 'confirmation' || model.kind === 'reminder') {
          expect(email.html).toContain(
            'Cancel a day ahead.<br />&lt;script&gt;alert(&quot;policy&quot;)&lt;/script&gt; &amp; &lt;a href=&quot;javascript:alert(2)&quot;&gt;pay&lt;/a&gt;',
          );
          expect(email.text).toContain(HOSTILE_POLICY);
        }
      }
    for (const model of models().slice(0, 3)) {
      const [attachment] = render(model, {
        ...hostile,
        name: `${HOSTILE_CLINIC_NAME}\r\nATTENDEE:mailto:evil@example.com`,
      }).attachments;
      const vevent = new ICAL.Component(ICAL.parse(attachment!.content)).getFirstSubcomponent('vevent')!;
      // The name stays one parameter value: no property of its own, quotes dropped.
      expect(vevent.getFirstProperty('organizer')!.getParameter('cn')).toBe(
        `${HOSTILE_CLINIC_NAME.replaceAll('"', '')}ATTENDEE:mailto:evil@example.com`,
      );
      expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:care@clinic.example');
      expect(vevent.getAllProperties('attendee')).toHaveLength(0);
    }
  });

  it.each([
    [
      'https',
      'https://praxis-mitte.example/book?patient=p-1&x=<1>',
      'https://praxis-mitte.example/book?patient=p-1&x=%3C1%3E',
    ],
    ['http', 'http://praxis-mitte.example/book', undefined],
    ['javascript', 'javascript:alert(1)', undefined],
    ['https with credentials', 'https://user:secret@praxis-mitte.example/book', undefined],
    ['mailto', 'mailto:book@praxis-mitte.example', undefined],
  ])('makes a booking button only of an https link (%s)', (_scheme, bookingUrl, href) => {
    for (const locale of ['en', 'de'])
      for (const model of models(locale).filter((each) => BOOKING_KINDS.has(each.kind))) {
        const email = render(model, { ...clinic, bookingUrl });
        const label = `${locale} ${model.kind}`;
        if (href) {
          expect(buttons(email.html), label).toEqual([href.replaceAll('&', '&amp;')]);
          expect(email.text, label).toContain(`: ${href}`);
          expect(email.text, label).not.toMatch(/To book, call us|Für einen Termin erreichen Sie uns/);
        } else {
          expect(buttons(email.html), label).toEqual([]);
          expect(email.html, label).not.toContain(bookingUrl.slice(0, 12));
          expect(email.text, label).not.toContain(bookingUrl.slice(0, 12));
          expect(email.text, label).toContain(
            locale === 'de'
              ? 'Für einen Termin erreichen Sie uns unter +49 30 1234567.'
              : 'To book, call us on +49 30 1234567.',
          );
        }
      }
  });

  it('gives the phone where a self-care email says to call the clinic', () => {
    const checkIn = models()[5] as ModelOf<'check-in'>;
    const en = render(checkIn);
    expect(en.text).toContain('please call us on +49 30 1234567: we are happy to help.');
    expect(en.text).toContain('Please call the clinic on +49 30 1234567 if you notice:');
    const de = render(models('de')[5]!);
    expect(de.text).toContain('melden Sie sich gern bei uns unter +49 30 1234567: Wir helfen Ihnen weiter.');
    expect(de.text).toContain('Bitte rufen Sie uns unter +49 30 1234567 an, wenn Sie Folgendes bemerken:');
    const neutral = renderEmail(checkIn, contextOf(checkIn));
    expect(neutral.text).toContain('please get in touch: we are happy to help.');
    expect(neutral.text).toContain('Please call the clinic if you notice:');
  });

  it('names the clinic as the calendar ORGANIZER', () => {
    for (const model of models().slice(0, 3)) {
      const [attachment] = render(model).attachments;
      const vevent = new ICAL.Component(ICAL.parse(attachment!.content)).getFirstSubcomponent('vevent')!;
      expect(vevent.getFirstProperty('organizer')!.getParameter('cn')).toBe('Praxis Mitte');
    }
  });
});
