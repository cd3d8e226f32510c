import type { Attendance } from '../patient-pages/model';
import type { Language } from './format';

/**
 * The goal codes (TreatmentPlanCreated `plan.goals`) that emails put in their own words: the
 * contract's examples, and posture and sports performance. The contract accepts any other code,
 * and an email shows it humanised.
 */
export const GOAL_CODES = [
  'pain-relief',
  'mobility',
  'stress-reduction',
  'injury-recovery',
  'posture',
  'sports-performance',
] as const;
export type GoalCode = (typeof GOAL_CODES)[number];

/**
 * Every fixed string of every email, per language. The English and German tables have
 * the same shape (the type checker holds them to it); adding a language is one table.
 * Values passed in are already formatted (dates, times) and are escaped later, by the
 * renderer, never here.
 */
export interface Messages {
  greeting(firstName: string): string;
  signOff: string;
  signature(clinicName?: string): string;
  /** "Wed 3 Mar at 15:30" */
  when(date: string, time: string): string;
  /** "15:30–16:30 (Central European Standard Time)" */
  timeRange(start: string, end: string, zone: string): string;
  labels: { date: string; time: string; duration: string; service: string; therapist: string; location: string };
  contact(phone?: string): string;
  bookVia(phone?: string): string;
  /** The heading of the clinic's cancellation policy (its own text, shown as given). */
  cancellationPolicy: string;
  /** The calendar entry's title (the calendar file may name the service; subjects may not). */
  calendarSummary(service: string, therapist: string): string;
  confirmation: {
    subject(when: string): string;
    preheader: string;
    heading: string;
    intro: string;
    calendar: string;
    beforeHeading: string;
    before: readonly string[];
  };
  reschedule: {
    subject(when: string): string;
    preheader: string;
    heading: string;
    intro: string;
    previously(when: string): string;
    calendar: string;
  };
  cancellation: {
    subject(when: string): string;
    preheader: string;
    heading: string;
    byPatient: string;
    byClinic: string;
    rebook: string;
    bookButton: string;
    calendar: string;
  };
  reminder: {
    subjectToday(time: string): string;
    subjectTomorrow(time: string): string;
    subjectOn(when: string): string;
    preheader: string;
    heading: string;
    intro: string;
    cantMakeIt: string;
  };
  missed: {
    subjectToday: string;
    subjectOn(date: string): string;
    preheader: string;
    heading: string;
    intro: string;
    reassurance: string;
    rebook: string;
    bookButton: string;
  };
  followUp: {
    subjectToday: string;
    subjectOn(date: string): string;
    preheader: string;
    heading: string;
    intro(date: string, therapist: string): string;
    progressHeading: string;
    pain(before: number | undefined, after: number | undefined): string;
    painScale: string;
    trendIntro: string;
    trendItem(date: string, before: number | undefined, after: number | undefined): string;
    plan(session: number, planned: number): string;
    /** The plan summary, in place of the progress line when this session completes the plan. */
    summary: {
      heading: string;
      completed(completed: number, planned: number): string;
      goalsIntro: string;
      painIntro: string;
      columns: { session: string; date: string; before: string; after: string };
      notRated: string;
      reviewHeading: string;
      review(therapist: string): string;
      reviewButton: string;
    };
    sessionHeading: string;
    areasHeading: string;
    exercisesHeading: string;
    exercisesIntro: string;
    noteHeading(therapist: string): string;
    nextVisitHeading: string;
    nextVisit(therapist: string, days: number, date: string): string;
    bookButton: string;
  };
  exercise: { dose: string; frequency: string; stopIf: string };
  checkIn: {
    subject: string;
    preheader: string;
    heading: string;
    intro(date: string, therapist: string): string;
    soreness(phone?: string): string;
    exercisesHeading: string;
    exercisesIntro: string;
    plan(completed: number, planned: number): string;
    bookHeading: string;
    bookPrompt: string;
    bookButton: string;
  };
  planNudge: {
    subject: string;
    preheader: string;
    heading: string;
    lastSession(date: string): string;
    lastSessionDaysAgo(days: number): string;
    planStarted(days: number): string;
    progress(completed: number, planned: number): string;
    regular: string;
    anything: string;
    bookHeading: string;
    bookButton: string;
  };
  /** A plan's goals in plain words, for the known codes (GOAL_CODES). */
  goals: Readonly<Record<GoalCode, string>>;
  safety: { heading: string; callClinic(phone?: string): string; urgent: string };
  /**
   * The links to the patient's answer page (contract 1.1, "The patient's answers"); the page's
   * own buttons say the same.
   */
  answer: {
    attendanceHeading: string;
    choices: Readonly<Record<Attendance, string>>;
    howHeading: string;
    howIntro: string;
    howButton: string;
  };
  footer: { appointment: string; followUps: string; unsubscribe: string; disclaimer: string };
}

const en: Messages = {
  greeting: (firstName) => `Hello ${firstName},`,
  signOff: 'Warm regards,',
  signature: (clinicName) => (clinicName ? `The team at ${clinicName}` : 'Your care team'),
  when: (date, time) => `${date} at ${time}`,
  timeRange: (start, end, zone) => `${start}–${end} (${zone})`,
  labels: {
    date: 'Date',
    time: 'Time',
    duration: 'Duration',
    service: 'Treatment',
    therapist: 'Therapist',
    location: 'Location',
  },
  contact: (phone) =>
    phone
      ? `If you have any questions, call us on ${phone}.`
      : 'If you have any questions, please get in touch with the clinic.',
  bookVia: (phone) => (phone ? `To book, call us on ${phone}.` : 'To book, please get in touch with the clinic.'),
  cancellationPolicy: 'Our cancellation policy',
  calendarSummary: (service, therapist) => `${service} with ${therapist}`,
  confirmation: {
    subject: (when) => `Your appointment on ${when}`,
    preheader: 'Your appointment is booked. Here are the details.',
    heading: 'Your appointment is booked',
    intro: 'Thank you for booking with us. We look forward to seeing you. Here are the details:',
    calendar: 'A calendar invitation is attached, so you can add the appointment to your calendar.',
    beforeHeading: 'Before your visit',
    before: [
      'Please arrive 5–10 minutes early.',
      'Wear comfortable clothing.',
      'Let your therapist know about any change in your health or medication since your last visit.',
      'If you need to change or cancel, please let us know as early as you can.',
    ],
  },
  reschedule: {
    subject: (when) => `Your appointment has moved to ${when}`,
    preheader: 'Your appointment has a new time.',
    heading: 'Your appointment has moved',
    intro: 'Your appointment has been moved. Here are the new details:',
    previously: (when) => `It was previously on ${when}.`,
    calendar: 'The attached calendar invitation updates the appointment in your calendar.',
  },
  cancellation: {
    subject: (when) => `Your appointment on ${when} is cancelled`,
    preheader: 'Your appointment has been cancelled.',
    heading: 'Your appointment is cancelled',
    byPatient: 'As you asked, we have cancelled your appointment:',
    byClinic: 'We are sorry, but we have had to cancel your appointment. We apologise for the inconvenience.',
    rebook: 'Whenever you would like to book again, we will be glad to see you.',
    bookButton: 'Book a new appointment',
    calendar: 'The attached calendar file removes the appointment from your calendar.',
  },
  reminder: {
    subjectToday: (time) => `Reminder: your appointment today at ${time}`,
    subjectTomorrow: (time) => `Reminder: your appointment tomorrow at ${time}`,
    subjectOn: (when) => `Reminder: your appointment on ${when}`,
    preheader: 'A friendly reminder of your upcoming appointment.',
    heading: 'See you soon',
    intro: 'This is a friendly reminder of your upcoming appointment:',
    cantMakeIt:
      'If you can no longer make it, please let us know as soon as possible so that we can offer the time to someone else.',
  },
  missed: {
    subjectToday: 'We missed you today',
    subjectOn: (date) => `We missed you on ${date}`,
    preheader: 'We hope all is well. Here is how to book again.',
    heading: 'We missed you',
    intro: 'We were sorry not to see you at your appointment, and we hope all is well.',
    reassurance: 'Things come up sometimes, and that is perfectly all right.',
    rebook: 'Whenever you are ready, we would be glad to find a new time for you.',
    bookButton: 'Book a new appointment',
  },
  followUp: {
    subjectToday: "Your self-care plan after today's visit",
    subjectOn: (date) => `Your self-care plan after your visit on ${date}`,
    preheader: 'How to look after yourself over the next few days.',
    heading: 'Thank you for coming in',
    intro: (date, therapist) =>
      `Thank you for your visit on ${date} with ${therapist}. Here is how to look after yourself over the next few days.`,
    progressHeading: 'Your progress',
    pain: (before, after) => {
      if (before !== undefined && after !== undefined) {
        return `You rated your pain ${before} out of 10 before the session and ${after} out of 10 afterwards.`;
      }
      if (before !== undefined) return `You rated your pain ${before} out of 10 before the session.`;
      return `You rated your pain ${after} out of 10 after the session.`;
    },
    painScale: '0 means no pain and 10 the worst pain you can imagine.',
    trendIntro: 'Your pain ratings across your sessions:',
    trendItem: (date, before, after) =>
      [before !== undefined ? `${before} before` : undefined, after !== undefined ? `${after} after` : undefined]
        .filter(Boolean)
        .join(', ')
        .replace(/^/, `${date}: `),
    plan: (session, planned) => `Session ${session} of ${planned} in your treatment plan.`,
    summary: {
      heading: 'Your treatment plan is complete',
      completed: (completed, planned) =>
        completed >= planned
          ? `You have completed ${completed} of ${planned} planned sessions. Well done on seeing your treatment plan through!`
          : `You have completed ${completed} of ${planned} planned sessions.`,
      goalsIntro: 'What you set out to work on:',
      painIntro: 'Your pain ratings at each session of the plan:',
      columns: { session: 'Session', date: 'Date', before: 'Before', after: 'After' },
      notRated: 'not rated',
      reviewHeading: 'What comes next',
      review: (therapist) =>
        `A review with ${therapist} is a good moment to look back at how far you have come and to decide together what comes next.`,
      reviewButton: 'Book a review',
    },
    sessionHeading: 'After your session',
    areasHeading: 'Caring for the areas we worked on',
    exercisesHeading: 'Your exercises',
    exercisesIntro:
      'Your therapist chose these exercises for you. Move slowly and within a comfortable range: a mild stretch is fine, pain is not.',
    noteHeading: (therapist) => `A note from ${therapist}`,
    nextVisitHeading: 'Your next visit',
    nextVisit: (therapist, days, date) =>
      `${therapist} recommends your next session in about ${days} ${days === 1 ? 'day' : 'days'}, around ${date}.`,
    bookButton: 'Book your next visit',
  },
  exercise: { dose: 'How much', frequency: 'How often', stopIf: 'Stop and contact us if you notice' },
  checkIn: {
    subject: 'How are you feeling?',
    preheader: 'A quick check-in after your recent visit.',
    heading: 'How are you feeling?',
    intro: (date, therapist) =>
      `It has been a few days since your visit on ${date} with ${therapist}, and we hope you are feeling the benefit.`,
    soreness: (phone) =>
      `Any soreness from the session should have eased by now. If it has not, or something does not feel right, ${
        phone ? `please call us on ${phone}` : 'please get in touch'
      }: we are happy to help.`,
    exercisesHeading: 'Your exercises',
    exercisesIntro: 'Keeping up with your exercises helps the benefits of treatment last. Here they are again:',
    plan: (completed, planned) => `You have completed ${completed} of ${planned} sessions in your treatment plan.`,
    bookHeading: 'Time to book your next session?',
    bookPrompt:
      'Your treatment plan has sessions left and you do not have one booked yet. Regular sessions help you make steady progress.',
    bookButton: 'Book your next session',
  },
  planNudge: {
    subject: 'How is your treatment plan going?',
    preheader: 'A friendly reminder to keep your treatment plan on track.',
    heading: 'Keep your progress going',
    lastSession: (date) => `Your last session was on ${date}, and you do not have another one booked yet.`,
    lastSessionDaysAgo: (days) =>
      `It has been ${days} ${days === 1 ? 'day' : 'days'} since your last session, and you do not have another one booked yet.`,
    planStarted: (days) =>
      `Your treatment plan began ${days} ${days === 1 ? 'day' : 'days'} ago, and you do not have a session booked yet.`,
    progress: (completed, planned) =>
      completed > 0
        ? `So far you have completed ${completed} of the ${planned} sessions in your plan.`
        : `Your plan has ${planned} ${planned === 1 ? 'session' : 'sessions'}.`,
    regular:
      'Regular sessions help: the benefits of treatment build from one session to the next, and keeping to your plan is the surest way to reach your goals.',
    anything:
      'If something is in the way, or you would like to change your plan, just let us know: we are happy to help.',
    bookHeading: 'Ready for your next session?',
    bookButton: 'Book your next session',
  },
  goals: {
    'pain-relief': 'Relieving pain',
    mobility: 'Moving more freely',
    'stress-reduction': 'Reducing stress and tension',
    'injury-recovery': 'Recovering from an injury',
    posture: 'Improving your posture',
    'sports-performance': 'Performing at your best in sport',
  },
  safety: {
    heading: 'When to contact us',
    callClinic: (phone) =>
      phone ? `Please call the clinic on ${phone} if you notice:` : 'Please call the clinic if you notice:',
    urgent: 'Call emergency services straight away if you have:',
  },
  answer: {
    attendanceHeading: 'Will you be there?',
    choices: { confirmed: "I'll be there", 'change-requested': 'I need to cancel or change it' },
    howHeading: 'How are you doing?',
    howIntro: 'A few quick questions: how you feel since the session, your pain now and how your exercises are going.',
    howButton: 'Tell us in a minute',
  },
  footer: {
    appointment: 'You are receiving this email because you booked an appointment with us.',
    followUps: 'You are receiving this email because you agreed to receive self-care follow-ups after your visits.',
    unsubscribe: 'Unsubscribe from self-care emails',
    disclaimer:
      'This email gives general advice and does not replace a consultation. In an emergency, call your local emergency number.',
  },
};

const de: Messages = {
  greeting: (firstName) => `Hallo ${firstName},`,
  signOff: 'Herzliche Grüße',
  signature: (clinicName) => (clinicName ? `Ihr Team von ${clinicName}` : 'Ihr Praxisteam'),
  when: (date, time) => `${date} um ${time}`,
  timeRange: (start, end, zone) => `${start}–${end} Uhr (${zone})`,
  labels: {
    date: 'Datum',
    time: 'Uhrzeit',
    duration: 'Dauer',
    service: 'Behandlung',
    therapist: 'Therapeut/in',
    location: 'Ort',
  },
  contact: (phone) =>
    phone ? `Bei Fragen erreichen Sie uns unter ${phone}.` : 'Bei Fragen wenden Sie sich bitte an die Praxis.',
  bookVia: (phone) =>
    phone
      ? `Für einen Termin erreichen Sie uns unter ${phone}.`
      : 'Für einen Termin wenden Sie sich bitte an die Praxis.',
  cancellationPolicy: 'Unsere Absageregelung',
  calendarSummary: (service, therapist) => `${service} bei ${therapist}`,
  confirmation: {
    subject: (when) => `Ihr Termin am ${when}`,
    preheader: 'Ihr Termin ist gebucht. Hier sind die Details.',
    heading: 'Ihr Termin ist gebucht',
    intro: 'Vielen Dank für Ihre Buchung. Wir freuen uns auf Sie. Hier sind die Details:',
    calendar:
      'Im Anhang finden Sie eine Kalendereinladung, mit der Sie den Termin in Ihren Kalender übernehmen können.',
    beforeHeading: 'Vor Ihrem Besuch',
    before: [
      'Bitte kommen Sie 5–10 Minuten vor Beginn.',
      'Tragen Sie bequeme Kleidung.',
      'Teilen Sie uns mit, wenn sich seit Ihrem letzten Besuch etwas an Ihrer Gesundheit oder Ihren Medikamenten geändert hat.',
      'Wenn Sie den Termin verschieben oder absagen müssen, sagen Sie uns bitte so früh wie möglich Bescheid.',
    ],
  },
  reschedule: {
    subject: (when) => `Ihr Termin wurde auf ${when} verschoben`,
    preheader: 'Ihr Termin hat eine neue Uhrzeit.',
    heading: 'Ihr Termin wurde verschoben',
    intro: 'Ihr Termin wurde verschoben. Hier sind die neuen Details:',
    previously: (when) => `Zuvor war er für ${when} geplant.`,
    calendar: 'Die angehängte Kalendereinladung aktualisiert den Termin in Ihrem Kalender.',
  },
  cancellation: {
    subject: (when) => `Ihr Termin am ${when} ist abgesagt`,
    preheader: 'Ihr Termin wurde abgesagt.',
    heading: 'Ihr Termin ist abgesagt',
    byPatient: 'Wie gewünscht haben wir Ihren Termin abgesagt:',
    byClinic: 'Leider mussten wir Ihren Termin absagen. Bitte entschuldigen Sie die Unannehmlichkeiten.',
    rebook: 'Wann immer Sie einen neuen Termin möchten: Wir freuen uns auf Sie.',
    bookButton: 'Neuen Termin buchen',
    calendar: 'Die angehängte Kalenderdatei entfernt den Termin aus Ihrem Kalender.',
  },
  reminder: {
    subjectToday: (time) => `Erinnerung: Ihr Termin heute um ${time}`,
    subjectTomorrow: (time) => `Erinnerung: Ihr Termin morgen um ${time}`,
    subjectOn: (when) => `Erinnerung: Ihr Termin am ${when}`,
    preheader: 'Eine freundliche Erinnerung an Ihren nächsten Termin.',
    heading: 'Bis bald',
    intro: 'Wir möchten Sie freundlich an Ihren nächsten Termin erinnern:',
    cantMakeIt:
      'Falls Sie den Termin nicht wahrnehmen können, sagen Sie uns bitte so bald wie möglich Bescheid, damit wir ihn anderweitig vergeben können.',
  },
  missed: {
    subjectToday: 'Wir haben Sie heute vermisst',
    subjectOn: (date) => `Wir haben Sie am ${date} vermisst`,
    preheader: 'Wir hoffen, es geht Ihnen gut. So buchen Sie einen neuen Termin.',
    heading: 'Wir haben Sie vermisst',
    intro: 'Schade, dass wir Sie bei Ihrem Termin nicht sehen konnten. Wir hoffen, es geht Ihnen gut.',
    reassurance: 'Manchmal kommt etwas dazwischen, und das ist völlig in Ordnung.',
    rebook: 'Wann immer es Ihnen passt, finden wir gern einen neuen Termin für Sie.',
    bookButton: 'Neuen Termin buchen',
  },
  followUp: {
    subjectToday: 'Ihr Selbstpflege-Plan nach Ihrem heutigen Besuch',
    subjectOn: (date) => `Ihr Selbstpflege-Plan nach Ihrem Besuch am ${date}`,
    preheader: 'So unterstützen Sie Ihre Erholung in den nächsten Tagen.',
    heading: 'Danke für Ihren Besuch',
    intro: (date, therapist) =>
      `Vielen Dank für Ihren Besuch am ${date} bei ${therapist}. Hier lesen Sie, wie Sie Ihre Erholung in den nächsten Tagen unterstützen.`,
    progressHeading: 'Ihr Verlauf',
    pain: (before, after) => {
      if (before !== undefined && after !== undefined) {
        return `Sie haben Ihre Schmerzen vor der Behandlung mit ${before} von 10 und danach mit ${after} von 10 bewertet.`;
      }
      if (before !== undefined) return `Sie haben Ihre Schmerzen vor der Behandlung mit ${before} von 10 bewertet.`;
      return `Sie haben Ihre Schmerzen nach der Behandlung mit ${after} von 10 bewertet.`;
    },
    painScale: '0 bedeutet keine Schmerzen, 10 die stärksten vorstellbaren Schmerzen.',
    trendIntro: 'Ihre Schmerzwerte über Ihre Behandlungen hinweg:',
    trendItem: (date, before, after) =>
      [before !== undefined ? `${before} vorher` : undefined, after !== undefined ? `${after} nachher` : undefined]
        .filter(Boolean)
        .join(', ')
        .replace(/^/, `${date}: `),
    plan: (session, planned) => `Behandlung ${session} von ${planned} in Ihrem Behandlungsplan.`,
    summary: {
      heading: 'Ihr Behandlungsplan ist abgeschlossen',
      completed: (completed, planned) =>
        completed >= planned
          ? `Sie haben ${completed} von ${planned} geplanten Behandlungen abgeschlossen. Schön, dass Sie Ihren Behandlungsplan bis zum Ende verfolgt haben!`
          : `Sie haben ${completed} von ${planned} geplanten Behandlungen abgeschlossen.`,
      goalsIntro: 'Daran wollten Sie arbeiten:',
      painIntro: 'Ihre Schmerzwerte bei jeder Behandlung des Plans:',
      columns: { session: 'Behandlung', date: 'Datum', before: 'Vorher', after: 'Nachher' },
      notRated: 'keine Angabe',
      reviewHeading: 'Wie es weitergeht',
      review: (therapist) =>
        `Ein Kontrolltermin bei ${therapist} ist eine gute Gelegenheit, auf Ihre Fortschritte zurückzublicken und gemeinsam zu entscheiden, wie es weitergeht.`,
      reviewButton: 'Kontrolltermin buchen',
    },
    sessionHeading: 'Nach Ihrer Behandlung',
    areasHeading: 'Pflege der behandelten Bereiche',
    exercisesHeading: 'Ihre Übungen',
    exercisesIntro:
      'Diese Übungen wurden für Sie ausgewählt. Bewegen Sie sich langsam und im angenehmen Bereich: Ein leichtes Ziehen ist in Ordnung, Schmerz nicht.',
    noteHeading: (therapist) => `Eine Nachricht von ${therapist}`,
    nextVisitHeading: 'Ihr nächster Besuch',
    nextVisit: (therapist, days, date) =>
      // German short dates can end in an abbreviation's full stop ("Fr., 2. Apr."): no second one.
      `${therapist} empfiehlt Ihre nächste Behandlung in etwa ${days} ${days === 1 ? 'Tag' : 'Tagen'}, um den ${date}${
        date.endsWith('.') ? '' : '.'
      }`,
    bookButton: 'Nächsten Termin buchen',
  },
  exercise: { dose: 'Umfang', frequency: 'Wie oft', stopIf: 'Hören Sie auf und melden Sie sich bei uns bei' },
  checkIn: {
    subject: 'Wie geht es Ihnen?',
    preheader: 'Eine kurze Nachfrage nach Ihrem letzten Besuch.',
    heading: 'Wie geht es Ihnen?',
    intro: (date, therapist) =>
      `Ihr Besuch am ${date} bei ${therapist} ist nun ein paar Tage her, und wir hoffen, dass es Ihnen gut tut.`,
    soreness: (phone) =>
      `Ein eventueller Muskelkater nach der Behandlung sollte inzwischen abgeklungen sein. Wenn nicht, oder wenn sich etwas nicht richtig anfühlt, melden Sie sich gern bei uns${
        phone ? ` unter ${phone}` : ''
      }: Wir helfen Ihnen weiter.`,
    exercisesHeading: 'Ihre Übungen',
    exercisesIntro:
      'Regelmäßiges Üben hilft, dass die Wirkung der Behandlung anhält. Hier sind Ihre Übungen noch einmal:',
    plan: (completed, planned) =>
      `Sie haben ${completed} von ${planned} Behandlungen Ihres Behandlungsplans abgeschlossen.`,
    bookHeading: 'Zeit für Ihren nächsten Termin?',
    bookPrompt:
      'In Ihrem Behandlungsplan sind noch Behandlungen offen, und Sie haben derzeit keinen Termin gebucht. Regelmäßige Behandlungen helfen Ihnen, stetig Fortschritte zu machen.',
    bookButton: 'Nächsten Termin buchen',
  },
  planNudge: {
    subject: 'Wie läuft Ihr Behandlungsplan?',
    preheader: 'Eine freundliche Erinnerung, Ihren Behandlungsplan fortzusetzen.',
    heading: 'Bleiben Sie dran',
    lastSession: (date) => `Ihre letzte Behandlung war am ${date}, und Sie haben noch keinen neuen Termin gebucht.`,
    lastSessionDaysAgo: (days) =>
      `Ihre letzte Behandlung ist ${days === 1 ? 'einen Tag' : `${days} Tage`} her, und Sie haben noch keinen neuen Termin gebucht.`,
    planStarted: (days) =>
      `Ihr Behandlungsplan hat vor ${days === 1 ? 'einem Tag' : `${days} Tagen`} begonnen, und Sie haben noch keinen Termin gebucht.`,
    progress: (completed, planned) =>
      completed > 0
        ? `Bisher haben Sie ${completed} der ${planned} Behandlungen Ihres Plans abgeschlossen.`
        : `Ihr Plan umfasst ${planned} ${planned === 1 ? 'Behandlung' : 'Behandlungen'}.`,
    regular:
      'Regelmäßige Behandlungen helfen: Die Wirkung baut sich von Termin zu Termin auf, und wer bei seinem Plan bleibt, erreicht seine Ziele am sichersten.',
    anything:
      'Wenn etwas dazwischenkommt oder Sie Ihren Plan ändern möchten, sagen Sie uns einfach Bescheid: Wir helfen Ihnen gern.',
    bookHeading: 'Bereit für Ihre nächste Behandlung?',
    bookButton: 'Nächsten Termin buchen',
  },
  goals: {
    'pain-relief': 'Schmerzen lindern',
    mobility: 'Beweglicher werden',
    'stress-reduction': 'Stress und Anspannung abbauen',
    'injury-recovery': 'Nach einer Verletzung wieder fit werden',
    posture: 'Die Haltung verbessern',
    'sports-performance': 'Die sportliche Leistung steigern',
  },
  safety: {
    heading: 'Wann Sie sich bei uns melden sollten',
    callClinic: (phone) =>
      phone
        ? `Bitte rufen Sie uns unter ${phone} an, wenn Sie Folgendes bemerken:`
        : 'Bitte rufen Sie in der Praxis an bei:',
    urgent: 'Rufen Sie sofort den Notruf bei:',
  },
  answer: {
    attendanceHeading: 'Kommen Sie zu Ihrem Termin?',
    choices: { confirmed: 'Ich komme', 'change-requested': 'Ich muss absagen oder verschieben' },
    howHeading: 'Wie geht es Ihnen?',
    howIntro:
      'Ein paar kurze Fragen: wie Sie sich seit der Behandlung fühlen, wie stark Ihre Schmerzen jetzt sind und wie es mit den Übungen läuft.',
    howButton: 'In einer Minute antworten',
  },
  footer: {
    appointment: 'Sie erhalten diese E-Mail, weil Sie einen Termin bei uns gebucht haben.',
    followUps:
      'Sie erhalten diese E-Mail, weil Sie Nachsorge-E-Mails zur Selbstpflege nach Ihren Besuchen zugestimmt haben.',
    unsubscribe: 'Nachsorge-E-Mails abbestellen',
    disclaimer:
      'Diese E-Mail enthält allgemeine Hinweise und ersetzt keine Beratung. Im Notfall wählen Sie bitte die örtliche Notrufnummer.',
  },
};

const TABLES: Record<Language, Messages> = { en, de };

export function messagesFor(language: Language): Messages {
  return TABLES[language];
}
