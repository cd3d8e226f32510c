import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/email/render';
import type { PatientPage, PageLanguage } from '../../../shared/patient-pages/model';
import { renderPatientPage, telHref, type PatientPageOptions } from '../../../shared/patient-pages/pages';
import { defaultSelfCareLibrary, localizeRedFlags } from '../../../shared/self-care/library';
import { renderUnsubscribePage } from '../../../shared/unsubscribe/pages';
import {
  ancestors,
  byTag,
  elements,
  labelOf,
  legendOf,
  parseDocument,
  textOf,
  type Element,
} from '../../support/html-document';
import { appointment, clinic, context, session } from '../email/fixtures';

const LANGUAGES: readonly PageLanguage[] = ['en', 'de'];

const EXERCISES = [
  { id: 'chin-tuck', name: 'Chin tuck' },
  { id: 'doorway-chest-stretch', name: 'Doorway chest stretch' },
];

function warningSigns(language: PageLanguage) {
  const { callClinic, urgent } = localizeRedFlags(defaultSelfCareLibrary().redFlags, language);
  return { callClinic: [...callClinic], urgent: [...urgent] };
}

function attendance(
  state: 'ask' | 'recorded',
  extra: Partial<Extract<PatientPage, { page: 'attendance' }>> = {},
): PatientPage {
  return { page: 'attendance', state, appointment, clinic, ...extra };
}

function checkIn(
  state: 'ask' | 'recorded',
  extra: Partial<Extract<PatientPage, { page: 'check-in' }>> = {},
  language: PageLanguage = 'en',
): PatientPage {
  return {
    page: 'check-in',
    state,
    session: { completedAt: session.completedAt, timezone: session.timezone, therapistName: session.therapistName },
    exercises: EXERCISES,
    warningSigns: warningSigns(language),
    clinic,
    ...extra,
  };
}

const ESCALATION = {
  reasons: ['feeling-worse', 'pain-increase', 'exercise-too-painful', 'warning-signs'] as const,
  emergencyFirst: true,
};

/** Every page and state the handler can ask for, by a name for the test titles. */
function everyPage(language: PageLanguage): [string, PatientPage][] {
  return [
    ['attendance ask', attendance('ask')],
    ['attendance ask, preselected', attendance('ask', { selected: 'confirmed' })],
    ['attendance recorded, confirmed', attendance('recorded', { selected: 'confirmed' })],
    ['attendance recorded, change requested', attendance('recorded', { selected: 'change-requested' })],
    ['attendance ask, no profile', attendance('ask', { clinic: undefined })],
    ['check-in ask', checkIn('ask', {}, language)],
    [
      'check-in ask, previous answer',
      checkIn(
        'ask',
        { previous: { feeling: 'worse', painNow: 0, exercises: { 'chin-tuck': 'done' }, warningSigns: true } },
        language,
      ),
    ],
    ['check-in recorded', checkIn('recorded', {}, language)],
    [
      'check-in recorded, escalation',
      checkIn('recorded', { escalation: { ...ESCALATION, reasons: [...ESCALATION.reasons] } }, language),
    ],
    ['check-in ask, no profile', checkIn('ask', { clinic: undefined }, language)],
    ['expired', { page: 'expired', clinic }],
    ['expired, no profile', { page: 'expired' }],
    ['invalid', { page: 'invalid' }],
    ['unavailable', { page: 'unavailable', clinic }],
  ];
}

const CASES = LANGUAGES.flatMap((language) =>
  everyPage(language).map(([name, model]) => [`${name} (${language})`, model, language] as const),
);

function render(model: PatientPage, language: PageLanguage = 'en', options?: PatientPageOptions) {
  const source = renderPatientPage(model, language, options);
  const { root, problems } = parseDocument(source);
  expect(problems, 'HTML problems').toEqual([]);
  return { source, root, text: textOf(byTag(root, 'main')[0]!) };
}

const inputs = (root: Element, name?: string) =>
  byTag(root, 'input').filter((input) => name === undefined || input.attributes.get('name') === name);
const valuesOf = (list: Element[]) => list.map((element) => element.attributes.get('value'));
const checked = (root: Element) =>
  inputs(root)
    .filter((input) => input.attributes.has('checked'))
    .map((input) => `${input.attributes.get('name')}=${input.attributes.get('value')}`);

describe('patient pages: every page and state', () => {
  it.each(CASES)('%s is a sound, self-contained document', (_name, model, language) => {
    const { source, root } = render(model, language);
    expect(source).toContain(`<html lang="${language}" dir="ltr">`);
    expect(source).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    expect(source).not.toMatch(/<script|<img|<link|<iframe|\ssrc=|javascript:/i);
    expect(byTag(root, 'h1')).toHaveLength(1);
    // Inline CSS is raw text: an entity there would be taken literally.
    expect(/<style>([\s\S]*)<\/style>/.exec(source)![1]!).not.toMatch(/[&<>"']/);
    // Controls are named by their labels, groups by their legends (parseDocument lists any that are not).
    for (const input of inputs(root)) expect(labelOf(root, input)).toBeTruthy();
  });

  it.each(CASES)(
    '%s shows the clinic when its profile is known, and nothing of it otherwise',
    (_name, model, language) => {
      const { root, source } = render(model, language);
      const known = 'clinic' in model && model.clinic !== undefined;
      const clinicLine = elements(root, (element) => element.attributes.get('class') === 'clinic');
      expect(clinicLine.map((element) => textOf(element))).toEqual(known ? [clinic.name] : []);
      if (!known) expect(source).not.toContain(clinic.phone!);
    },
  );

  it('falls back to English for an unknown language and never writes it into the page', () => {
    const source = renderPatientPage(attendance('ask'), '"><script>x</script>' as unknown as PageLanguage);
    expect(source).toContain('<html lang="en"');
    expect(source).not.toContain('<script>');
  });
});

describe('attendance page', () => {
  it('shows the appointment as the confirmation email shows it', () => {
    for (const language of LANGUAGES) {
      const { text } = render(attendance('ask'), language);
      const email = renderEmail(
        { kind: 'confirmation', recipient: { firstName: 'Max', locale: language }, appointment },
        context,
      ).text;
      const rows = ['Date', 'Time', 'Duration', 'Treatment', 'Therapist', 'Location'];
      const germanRows = ['Datum', 'Uhrzeit', 'Dauer', 'Behandlung', 'Therapeut/in', 'Ort'];
      for (const label of language === 'en' ? rows : germanRows) {
        const value = new RegExp(`^${label.replace('/', '\\/')}: (.+)$`, 'm').exec(email)?.[1];
        expect(value, label).toBeTruthy();
        expect(text).toContain(`${label} ${value}`);
      }
    }
    expect(render(attendance('ask')).text).toContain('15:30–16:30 (Central European Standard Time)');
  });

  it("writes dates and times the patient's way when given their locale, in the page's language only", () => {
    const email = renderEmail(
      { kind: 'confirmation', recipient: { firstName: 'Max', locale: 'en-US' }, appointment },
      context,
    ).text;
    expect(email).toContain('Date: Wednesday, March 3, 2027\nTime: 3:30 PM–4:30 PM (Central European Standard Time)');
    const american = render(attendance('ask'), 'en', { locale: 'en-US' }).text;
    expect(american).toContain('Date Wednesday, March 3, 2027 Time 3:30 PM–4:30 PM (Central European Standard Time)');
    // A locale of another language is not the page's: the page's language writes the dates.
    expect(render(attendance('ask'), 'en', { locale: 'de-DE' }).text).toContain('Date Wednesday, 3 March 2027');
    expect(render(attendance('ask'), 'de', { locale: 'de-AT' }).text).toContain('Datum Mittwoch, 3. März 2027');
    const checkInText = render(checkIn('recorded'), 'en', { locale: 'en-US' }).text;
    expect(checkInText).toContain('until Wednesday, March 17, 2027.');
    expect(render(checkIn('ask'), 'en', { locale: 'en-US' }).text).toContain(
      'session on Wednesday, March 3, 2027 with',
    );
  });

  it('asks with one tap: two submit buttons named attendance, posting back to the link', () => {
    for (const language of LANGUAGES) {
      const { root } = render(attendance('ask'), language);
      const forms = byTag(root, 'form');
      expect(forms).toHaveLength(1);
      expect(Object.fromEntries(forms[0]!.attributes)).toEqual({ method: 'post' });
      const buttons = byTag(forms[0]!, 'button');
      expect(buttons.map((button) => [button.attributes.get('name'), button.attributes.get('value')])).toEqual([
        ['attendance', 'confirmed'],
        ['attendance', 'change-requested'],
      ]);
      expect(buttons.map((button) => textOf(button))).toEqual(
        language === 'en'
          ? ["I'll be there", 'I need to cancel or change it']
          : ['Ich komme', 'Ich muss absagen oder verschieben'],
      );
      // Nothing marked chosen when nothing was chosen.
      expect(buttons.some((button) => button.attributes.has('aria-pressed'))).toBe(false);
    }
  });

  it('posts to the action given, escaped', () => {
    const { root, source } = render(attendance('ask'), 'en', { action: '/answer/tok?x="><script>' });
    expect(byTag(root, 'form')[0]!.attributes.get('action')).toBe('/answer/tok?x="><script>');
    expect(source).toContain('action="/answer/tok?x=&quot;&gt;&lt;script&gt;"');
  });

  it('marks the selected answer in words, a tick and aria-pressed, not by colour alone', () => {
    for (const selected of ['confirmed', 'change-requested'] as const) {
      const { root, text } = render(attendance('ask', { selected }));
      const pressed = byTag(root, 'button').map((button) => [
        button.attributes.get('value'),
        button.attributes.get('aria-pressed'),
      ]);
      expect(pressed).toEqual([
        ['confirmed', String(selected === 'confirmed')],
        ['change-requested', String(selected === 'change-requested')],
      ]);
      const chosen = byTag(root, 'button').find((button) => button.attributes.get('value') === selected)!;
      expect(textOf(chosen)).toMatch(/^✓ /);
      // The tick is decoration: the button's name stays the answer.
      expect(textOf(chosen, { accessible: true })).not.toContain('✓');
      const words = selected === 'confirmed' ? "I'll be there" : 'I need to cancel or change it';
      expect(text).toContain(`Your choice: ${words}.`);
    }
    expect(render(attendance('ask', { selected: 'confirmed' }), 'de').text).toContain('Ihre Auswahl: Ich komme.');
  });

  it("gives the clinic's phone as a tel: link, its https booking page and its cancellation policy", () => {
    const { root, text } = render(
      attendance('ask', { clinic: { ...clinic, cancellationPolicy: 'Line one.\nLine two.' } }),
    );
    const links = byTag(root, 'a').map((a) => [a.attributes.get('href'), textOf(a)]);
    expect(links).toContainEqual(['tel:+49301234567', '+49 30 1234567']);
    expect(links).toContainEqual([clinic.bookingUrl, "Go to the clinic's booking page"]);
    expect(text).toContain('Our cancellation policy Line one. Line two.');
    expect(byTag(root, 'br')).toHaveLength(1);
  });

  it('links a booking page only over https', () => {
    for (const bookingUrl of [
      'http://praxis.example/book',
      'javascript:alert(1)//https://x',
      'https://user:pw@praxis.example/',
    ])
      expect(
        byTag(render(attendance('ask', { clinic: { ...clinic, bookingUrl } })).root, 'a').map((a) =>
          a.attributes.get('href'),
        ),
      ).toEqual(['tel:+49301234567']);
  });

  it('says to get in touch, with neither link nor policy, before the first profile', () => {
    const { root, text } = render(attendance('ask', { clinic: undefined }));
    expect(byTag(root, 'a')).toEqual([]);
    expect(text).toContain('Please get in touch with the clinic directly.');
    expect(text).not.toContain('cancellation policy');
  });

  it('thanks for "I\'ll be there" and says the answer can change until the appointment', () => {
    const { root, text } = render(attendance('recorded', { selected: 'confirmed' }));
    expect(byTag(root, 'h1').map((h1) => textOf(h1))).toEqual(['Thank you, see you soon']);
    expect(text).toContain('We have noted that you will be there.');
    expect(text).toContain('You can change your answer with the same link until the appointment starts.');
    expect(byTag(root, 'form')).toEqual([]);
  });

  it('says a change request cancels nothing by itself, and how to change it now', () => {
    for (const language of LANGUAGES) {
      const { root, text } = render(attendance('recorded', { selected: 'change-requested' }), language);
      expect(text).toContain(
        language === 'en'
          ? 'Your answer does not cancel or move the appointment by itself: the clinic will be in touch with you about it.'
          : 'Ihre Antwort allein sagt den Termin nicht ab und verschiebt ihn nicht: Die Praxis meldet sich dazu bei Ihnen.',
      );
      const hrefs = byTag(root, 'a').map((a) => a.attributes.get('href'));
      expect(hrefs).toEqual(['tel:+49301234567', clinic.bookingUrl]);
      expect(text).toContain(clinic.cancellationPolicy!);
      expect(text).toContain(
        language === 'en' ? 'until the appointment starts' : 'Bis zum Beginn des Termins können Sie Ihre Antwort',
      );
    }
  });
});

describe('check-in page', () => {
  it('asks with the fields the contract names, each group in a fieldset with its question', () => {
    const { root } = render(checkIn('ask'));
    expect(byTag(root, 'form')).toHaveLength(1);
    expect(valuesOf(inputs(root, 'feeling'))).toEqual(['better', 'same', 'worse']);
    expect(legendOf(inputs(root, 'feeling')[0]!)).toBe('Compared with just after your session, how do you feel?');
    expect(valuesOf(inputs(root, 'painNow'))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(inputs(root, 'painNow').map((input) => labelOf(root, input))).toEqual([
      '0 (no pain)',
      ...['1', '2', '3', '4', '5', '6', '7', '8', '9'],
      '10 (worst imaginable)',
    ]);
    for (const { id, name } of EXERCISES) {
      const group = inputs(root, `exercise:${id}`);
      expect(valuesOf(group)).toEqual(['done', 'skipped', 'too-painful']);
      expect(group.map((input) => labelOf(root, input))).toEqual(['Done', 'Skipped', 'Too painful']);
      expect(legendOf(group[0]!)).toBe(name);
    }
    const [warning, ...more] = inputs(root, 'warningSigns');
    expect(more).toEqual([]);
    expect(Object.fromEntries(warning!.attributes)).toMatchObject({ type: 'checkbox', value: 'yes' });
    expect(labelOf(root, warning!)).toBe('One or more of these warning signs applies to me');
    // Every control is one of these: nothing else is posted.
    expect(new Set(inputs(root).map((input) => input.attributes.get('name')))).toEqual(
      new Set(['feeling', 'painNow', 'exercise:chin-tuck', 'exercise:doorway-chest-stretch', 'warningSigns']),
    );
    // Every field may be left out: none is required, none is chosen before the patient does.
    expect(inputs(root).some((input) => input.attributes.has('required'))).toBe(false);
    expect(checked(root)).toEqual([]);
    expect(byTag(root, 'button').map((button) => button.attributes.get('type'))).toEqual(['submit']);
  });

  it('ties every control to its own label, the whole box a touch target', () => {
    const { root } = render(checkIn('ask'));
    for (const input of inputs(root)) {
      const label = ancestors(input).find((node) => node.tag === 'label')!;
      expect(label.attributes.get('for')).toBe(input.attributes.get('id'));
      expect(label.attributes.get('class')).toMatch(/\bchoice\b/);
    }
    const css = /<style>([\s\S]*)<\/style>/.exec(renderPatientPage(checkIn('ask'), 'en'))![1]!;
    expect(css).toMatch(/\.choice \{[^}]*min-height: 44px/);
    expect(css).toMatch(/\.choice:focus-within \{ outline: 3px solid/);
  });

  it('shows both lists of warning signs, so the patient knows what counts', () => {
    for (const language of LANGUAGES) {
      const { root, text } = render(checkIn('ask', {}, language), language);
      const { callClinic, urgent } = warningSigns(language);
      const fieldset = ancestors(inputs(root, 'warningSigns')[0]!).find((node) => node.tag === 'fieldset')!;
      const items = byTag(fieldset, 'li').map((li) => textOf(li));
      expect(items).toEqual([...callClinic, ...urgent]);
      expect(text).toContain(
        language === 'en'
          ? 'Call emergency services straight away, without waiting for this form, if you have:'
          : 'Rufen Sie sofort den Notruf, ohne auf dieses Formular zu warten, bei:',
      );
    }
  });

  it('leaves out the exercises and the warning sign when there are none', () => {
    const { root } = render(checkIn('ask', { exercises: [], warningSigns: { callClinic: [], urgent: [] } }));
    expect(new Set(inputs(root).map((input) => input.attributes.get('name')))).toEqual(new Set(['feeling', 'painNow']));
    expect(byTag(root, 'h2')).toEqual([]);
  });

  it('pre-fills the previous answer, a pain of 0 included', () => {
    const previous = {
      feeling: 'same' as const,
      painNow: 0,
      exercises: { 'doorway-chest-stretch': 'too-painful' as const, unknown: 'done' as const },
      warningSigns: true,
    };
    const { root, text } = render(checkIn('ask', { previous }));
    expect(checked(root)).toEqual([
      'feeling=same',
      'painNow=0',
      'exercise:doorway-chest-stretch=too-painful',
      'warningSigns=yes',
    ]);
    expect(text).toContain('Your last answers are filled in.');
    const none = render(checkIn('ask', { previous: { exercises: {}, warningSigns: false } })).root;
    expect(checked(none)).toEqual([]);
    expect(checked(render(checkIn('ask', { previous: { ...previous, painNow: 10 } })).root)).toContain('painNow=10');
  });

  it('lists a repeated exercise once: two groups of one name would be one radio group', () => {
    const { root } = render(checkIn('ask', { exercises: [...EXERCISES, EXERCISES[0]!] }));
    expect(inputs(root, 'exercise:chin-tuck')).toHaveLength(3);
  });

  it('thanks, and says the answer can change with the same link for 14 days after the session', () => {
    for (const language of LANGUAGES) {
      const { root, text } = render(checkIn('recorded', {}, language), language);
      expect(byTag(root, 'form')).toEqual([]);
      expect(text).toContain(
        language === 'en'
          ? 'You can change your answers with the same link for 14 days after your session, until Wednesday, 17 March 2027.'
          : 'Sie können Ihre Antworten über denselben Link bis 14 Tage nach Ihrer Behandlung ändern, also bis Mittwoch, 17. März 2027.',
      );
      expect(text).not.toMatch(/emergency|Notruf|contact the clinic|melden Sie sich/);
    }
  });

  it('says first to call emergency services for the urgent signs, then to contact the clinic, with why', () => {
    for (const language of LANGUAGES) {
      const model = checkIn('recorded', { escalation: { ...ESCALATION, reasons: [...ESCALATION.reasons] } }, language);
      const { root, text } = render(model, language);
      const en = language === 'en';
      const emergency = en ? 'If you have any of these, call emergency services now' : 'rufen Sie jetzt den Notruf';
      const contact = en ? 'Please contact the clinic' : 'Bitte melden Sie sich in der Praxis';
      expect(text.indexOf(emergency)).toBeGreaterThan(-1);
      expect(text.indexOf(emergency)).toBeLessThan(text.indexOf(contact));
      // Right under the heading: nothing comes before the emergency advice.
      const main = byTag(root, 'main')[0]!;
      const order = main.children.filter((child): child is Element => typeof child !== 'string').map((c) => c.tag);
      expect(order.slice(0, 4)).toEqual(['p', 'h1', 'div', 'div']);
      const [urgentPanel] = elements(main, (element) => /\bemergency\b/.test(element.attributes.get('class') ?? ''));
      expect(byTag(urgentPanel!, 'li').map((li) => textOf(li))).toEqual(warningSigns(language).urgent);
      expect(byTag(root, 'a').map((a) => a.attributes.get('href'))).toEqual(['tel:+49301234567']);
      expect(text).toContain(
        en
          ? 'What you told us: You feel worse than just after your session. Your pain is stronger now than after your session. An exercise was too painful. One or more of the warning signs applies to you.'
          : 'Was Sie uns mitgeteilt haben: Sie fühlen sich schlechter als direkt nach der Behandlung. Ihre Schmerzen sind jetzt stärker als nach der Behandlung. Eine Übung war zu schmerzhaft. Mindestens eines der Warnzeichen trifft auf Sie zu.',
      );
    }
  });

  it('without a warning sign, says only to contact the clinic, for the reasons given', () => {
    const { text } = render(
      checkIn('recorded', { escalation: { reasons: ['pain-increase', 'pain-increase'], emergencyFirst: false } }),
    );
    expect(text).not.toContain('emergency');
    expect(text).toContain('Please call the clinic on +49 30 1234567');
    expect(text.match(/Your pain is stronger now/g)).toHaveLength(1);
    expect(text).not.toMatch(/An exercise was too painful|pause any exercise/);
    const tooPainful = render(
      checkIn('recorded', { escalation: { reasons: ['exercise-too-painful'], emergencyFirst: false } }),
    ).text;
    expect(tooPainful).toContain('Please pause any exercise that was too painful until you have spoken to the clinic.');
  });

  it('without the phone, says to get in touch; without urgent signs listed, still says to call emergency services', () => {
    const { root, text } = render(
      checkIn('recorded', {
        clinic: undefined,
        warningSigns: { callClinic: [], urgent: [] },
        escalation: { reasons: ['warning-signs'], emergencyFirst: true },
      }),
    );
    expect(byTag(root, 'a')).toEqual([]);
    expect(text).toContain('If you think this is an emergency, call emergency services now');
    expect(text).toContain('Please get in touch with the clinic: your therapist will want to know');
  });
});

describe('expired, invalid and unavailable pages', () => {
  it('says an expired link is past its time, and how to reach the clinic', () => {
    const { root, text } = render({ page: 'expired', clinic });
    expect(byTag(root, 'h1').map((h1) => textOf(h1))).toEqual(['This link has expired']);
    expect(byTag(root, 'a').map((a) => a.attributes.get('href'))).toEqual(['tel:+49301234567', clinic.bookingUrl]);
    expect(byTag(root, 'form')).toEqual([]);
    expect(render({ page: 'expired' }, 'de').text).toContain('Bitte wenden Sie sich direkt an die Praxis.');
    expect(text).toContain('for 14 days after a session');
  });

  it('says nothing about whom an invalid link was for, whatever the model carries', () => {
    const smuggled = { page: 'invalid', clinic, appointment, session } as unknown as PatientPage;
    for (const language of LANGUAGES) {
      const { source, root } = render(smuggled, language);
      expect(source).toBe(renderPatientPage({ page: 'invalid' }, language));
      for (const secret of [clinic.name!, clinic.phone!, appointment.bookingId, appointment.therapistName, 'Praxis'])
        expect(source).not.toContain(secret);
      expect(byTag(root, 'a')).toEqual([]);
    }
  });

  it('asks to try again in a few minutes', () => {
    expect(render({ page: 'unavailable' }).text).toContain('Please try again in a few minutes.');
    expect(render({ page: 'unavailable', clinic }, 'de').text).toContain(
      'Bitte versuchen Sie es in ein paar Minuten erneut.',
    );
  });
});

describe('hostile text', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const BIDI = '\u202Eevil\u202C\u2066x\u2069';
  const hostileClinic = {
    name: `${SCRIPT}"><img src=x onerror=alert(2)> ${BIDI}`,
    phone: `+49 30 "><script>alert(3)</script> 12345`,
    bookingUrl: 'javascript:alert(4)//https://praxis.example',
    cancellationPolicy: `Cancel early.\n<a href="javascript:alert(5)">pay</a> ${BIDI}`,
  };
  const hostileAppointment = {
    ...appointment,
    serviceName: `<b>Massage</b> ${SCRIPT}`,
    therapistName: `Sam "The Hands" O'Neil ${BIDI}`,
    location: { name: '<i>Room</i>', address: '"><script>alert(6)</script>' },
  };
  const hostilePages: PatientPage[] = [
    { page: 'attendance', state: 'ask', appointment: hostileAppointment, clinic: hostileClinic, selected: 'confirmed' },
    {
      page: 'attendance',
      state: 'recorded',
      appointment: hostileAppointment,
      clinic: hostileClinic,
      selected: 'change-requested',
    },
    {
      page: 'check-in',
      state: 'ask',
      session: { completedAt: session.completedAt, timezone: session.timezone, therapistName: `${SCRIPT}${BIDI}` },
      exercises: [{ id: 'a"b<c>&d', name: `<em>Stretch</em> ${SCRIPT}` }],
      warningSigns: { callClinic: [`<u>numb</u> ${SCRIPT}`], urgent: [`"><img src=x> ${BIDI}`] },
      previous: { exercises: { 'a"b<c>&d': 'done' }, warningSigns: false },
      clinic: hostileClinic,
    },
    {
      page: 'check-in',
      state: 'recorded',
      session: { completedAt: session.completedAt, timezone: session.timezone, therapistName: SCRIPT },
      exercises: [],
      warningSigns: { callClinic: [], urgent: [`<u>chest</u> ${SCRIPT}`] },
      escalation: { reasons: ['warning-signs'], emergencyFirst: true },
      clinic: hostileClinic,
    },
    { page: 'expired', clinic: hostileClinic },
    { page: 'unavailable', clinic: hostileClinic },
  ];

  it.each(hostilePages.map((model) => [`${model.page}${'state' in model ? ` ${model.state}` : ''}`, model] as const))(
    'escapes every model string and refuses unsafe links: %s',
    (_name, model) => {
      const { source, root, text } = render(model);
      expect(source).not.toMatch(/<script|<img|<b>|<i>|<em>|<u>|<a href="javascript/i);
      for (const a of byTag(root, 'a')) expect(a.attributes.get('href')).not.toMatch(/javascript/i);
      expect(source).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      expect(source).toContain('&lt;script&gt;alert(');
      expect(text).toContain(SCRIPT.replace(/\d/, (digit) => digit));
      // The phone is shown as written, and dialled by its digits only.
      for (const a of byTag(root, 'a')) expect(a.attributes.get('href')).toMatch(/^tel:\+\d+$/);
    },
  );

  it('keeps an exercise id intact in its field name, escaped, and its radios ids plain', () => {
    const { root, source } = render(hostilePages[2]!);
    expect(valuesOf(inputs(root, 'exercise:a"b<c>&d'))).toEqual(['done', 'skipped', 'too-painful']);
    expect(source).toContain('name="exercise:a&quot;b&lt;c&gt;&amp;d"');
    expect(checked(root)).toEqual(['exercise:a"b<c>&d=done']);
  });

  it('makes a tel: link of digits and a leading + only, or none', () => {
    expect(telHref('+49 (30) 123-4567')).toBe('tel:+49301234567');
    expect(telHref('030 1234567')).toBe('tel:0301234567');
    expect(telHref('"><script>alert(1)</script>0301234')).toBe('tel:10301234');
    expect(telHref('ask at the desk')).toBeUndefined();
    expect(telHref('12')).toBeUndefined();
    expect(telHref('1'.repeat(21))).toBeUndefined();
  });
});

describe('German', () => {
  it('speaks formally, with its umlauts', () => {
    const pages = everyPage('de').map(([, model]) => render(model, 'de').text);
    const all = pages.join('\n');
    expect(all).not.toMatch(/\b(du|dich|dir|dein|deine|deinen)\b/i);
    expect(all).not.toMatch(/\b(fuer|ueber|koennen|muessen|Uebung|Aenderung)\b/i);
    expect(all).toContain('Kommen Sie zu Ihrem Termin?');
    expect(all).toContain('Wie fühlen Sie sich im Vergleich zu direkt nach der Behandlung?');
    expect(all).toContain('Ihre Übungen');
    // No English left in a German page but the clinic's and the library's own words.
    for (const english of ['Will you be there', 'Thank you', 'Your choice', 'Warning signs', 'Send my answers'])
      expect(all).not.toContain(english);
  });
});

describe('the unsubscribe pages keep their look', () => {
  it('have the same shell and shared CSS, and none of the answer pages additions', () => {
    const unsubscribe = renderUnsubscribePage('confirm', 'en', { clinicName: 'Praxis Mitte' });
    const answer = renderPatientPage(attendance('ask'), 'en');
    const css = (source: string) => /<style>([\s\S]*)<\/style>/.exec(source)![1]!.trim();
    expect(css(answer).startsWith(css(unsubscribe))).toBe(true);
    expect(css(unsubscribe)).not.toMatch(/\.choice|fieldset|\.panel/);
    const { root, problems } = parseDocument(unsubscribe);
    expect(problems).toEqual([]);
    const main = byTag(root, 'main')[0]!;
    const layout = main.children
      .filter((child): child is Element => typeof child !== 'string')
      .map(
        (element) => `${element.tag}${element.attributes.has('class') ? `.${element.attributes.get('class')}` : ''}`,
      );
    expect(layout).toEqual(['p.clinic', 'h1', 'p', 'p.note', 'form', 'p.aside']);
    expect(textOf(byTag(root, 'title')[0]!)).toBe('Unsubscribe from self-care emails · Praxis Mitte');
  });
});

describe('the document reader used here', () => {
  const page = (body: string) =>
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" /><title>t</title></head><body><main><h1>h</h1>${body}</main></body></html>`;
  it.each([
    ['an unclosed element', '<div><p>x</p>', /is not closed|closes/],
    [
      'a radio outside a fieldset',
      '<form><label for="a"><input type="radio" id="a" name="n" value="1" /></label></form>',
      /not in a fieldset/,
    ],
    [
      'an unlabelled input',
      '<form><fieldset><legend>q</legend><input type="radio" id="a" name="n" /></fieldset></form>',
      /has no label/,
    ],
    ['a label for nothing', '<form><label for="b">x</label></form>', /names no control/],
    ['a fieldset without a legend', '<form><fieldset><p>x</p></fieldset></form>', /without a <legend>/],
    ['a repeated id', '<p id="a">x</p><p id="a">y</p>', /used twice/],
    ['an unescaped character', '<p>a < b</p>', /unescaped|cannot read/],
    ['a block in a paragraph', '<p><div>x</div></p>', /<div> inside <p>/],
    ['a second h1', '<h1>again</h1>', /2 <h1>/],
    ['a button outside a form', '<button type="submit">x</button>', /outside a <form>/],
  ])('finds %s', (_name, body, problem) => {
    expect(parseDocument(page(body)).problems.join('\n')).toMatch(problem);
  });
  it('passes a sound page', () => {
    expect(parseDocument(page('<p>fine &amp; well</p>')).problems).toEqual([]);
  });
});
