import type { AttentionReason, ExerciseStatus, Feeling, PageLanguage } from './model';

/**
 * Every fixed string of the patient pages, per language; the type checker holds the tables to one
 * shape. `{phone}` marks where the clinic's phone goes (as a tel: link); values passed in are
 * already formatted and are escaped by the renderer, never here. The appointment's labels, the
 * time range, the pain scale and the attendance answers are the emails' own
 * (shared/email/messages.ts), so a page's buttons say what the email's did.
 */
export interface PatientPageMessages {
  contact: {
    /** With `{phone}`. */
    reach: string;
    /** No phone in the clinic's profile, or no profile yet. */
    neutral: string;
    bookingPage: string;
  };
  attendance: {
    askHeading: string;
    askIntro: string;
    /** Before the recorded or preselected answer, then the hint: a preselected one is not recorded yet. */
    selected: { label: string; hint: string };
    changeUntil: string;
    confirmedHeading: string;
    confirmedText: string;
    changeHeading: string;
    changeText: string;
    notCancelled: string;
    changeNow: string;
    /** Recorded, without the answer at hand. */
    recordedHeading: string;
  };
  checkIn: {
    heading: string;
    intro(date: string, therapist: string): string;
    previous: string;
    feeling: { legend: string; choices: Readonly<Record<Feeling, string>> };
    pain: { legend: string; none: string; worst: string };
    exercises: { heading: string; intro: string; choices: Readonly<Record<ExerciseStatus, string>> };
    warningSigns: { legend: string; callClinic: string; urgent: string; checkbox: string };
    submit: string;
    changeUntil(date: string): string;
    recordedHeading: string;
    thanks: string;
    escalation: {
      /** Above the list of signs that call for emergency services. */
      emergency: string;
      /** When the library lists no such signs. */
      emergencyWithoutList: string;
      clinicHeading: string;
      /** With `{phone}`. */
      callClinic: string;
      contactClinic: string;
      reasonsIntro: string;
      reasons: Readonly<Record<AttentionReason, string>>;
      pauseExercise: string;
    };
  };
  expired: { heading: string; text: string };
  invalid: { heading: string; text: string };
  unavailable: { heading: string; text: string };
}

const en: PatientPageMessages = {
  contact: {
    reach: 'You can reach the clinic on {phone}.',
    neutral: 'Please get in touch with the clinic directly.',
    bookingPage: "Go to the clinic's booking page",
  },
  attendance: {
    askHeading: 'Will you be there?',
    askIntro: 'Please let us know with one tap whether you can come to this appointment.',
    selected: { label: 'Your choice:', hint: 'Tap a button below to send or change your answer.' },
    changeUntil: 'You can change your answer with the same link until the appointment starts.',
    confirmedHeading: 'Thank you, see you soon',
    confirmedText: 'We have noted that you will be there.',
    changeHeading: 'Thank you for letting us know',
    changeText: 'We have noted that you need to cancel or change this appointment.',
    notCancelled:
      'Your answer does not cancel or move the appointment by itself: the clinic will be in touch with you about it.',
    changeNow: 'If you would rather change it now:',
    recordedHeading: 'Thank you for your answer',
  },
  checkIn: {
    heading: 'How are you doing?',
    intro: (date, therapist) =>
      `A few quick questions about how you have been since your session on ${date} with ${therapist}. Every question is optional: answer as many as you like.`,
    previous: 'Your last answers are filled in. Change anything you like and send them again.',
    feeling: {
      legend: 'Compared with just after your session, how do you feel?',
      choices: { better: 'Better', same: 'About the same', worse: 'Worse' },
    },
    pain: { legend: 'How strong is your pain right now?', none: '0 (no pain)', worst: '10 (worst imaginable)' },
    exercises: {
      heading: 'Your exercises',
      intro: 'How has each exercise gone since your session?',
      choices: { done: 'Done', skipped: 'Skipped', 'too-painful': 'Too painful' },
    },
    warningSigns: {
      legend: 'Warning signs',
      callClinic: 'Call the clinic if you notice:',
      urgent: 'Call emergency services straight away, without waiting for this form, if you have:',
      checkbox: 'One or more of these warning signs applies to me',
    },
    submit: 'Send my answers',
    changeUntil: (date) =>
      `You can change your answers with the same link for 14 days after your session, until ${date}.`,
    recordedHeading: 'Thank you for your answers',
    thanks: 'Thank you for taking a moment to tell us how you are doing.',
    escalation: {
      emergency: 'If you have any of these, call emergency services now',
      emergencyWithoutList: 'If you think this is an emergency, call emergency services now',
      clinicHeading: 'Please contact the clinic',
      callClinic: 'Please call the clinic on {phone}: your therapist will want to know, so that they can advise you.',
      contactClinic:
        'Please get in touch with the clinic: your therapist will want to know, so that they can advise you.',
      reasonsIntro: 'What you told us:',
      reasons: {
        'feeling-worse': 'You feel worse than just after your session.',
        'pain-increase': 'Your pain is stronger now than after your session.',
        'exercise-too-painful': 'An exercise was too painful.',
        'warning-signs': 'One or more of the warning signs applies to you.',
      },
      pauseExercise: 'Please pause any exercise that was too painful until you have spoken to the clinic.',
    },
  },
  expired: {
    heading: 'This link has expired',
    text: 'Answers can be given until the appointment starts, or for 14 days after a session. This link is past that time, so it can no longer take an answer.',
  },
  invalid: {
    heading: 'This link does not work',
    text: 'The link is incomplete or has been changed. Please open it again from your email; if your email app split it over two lines, copy the whole link into your browser.',
  },
  unavailable: {
    heading: 'Something went wrong',
    text: 'We could not process your request just now. Please try again in a few minutes. If you were sending an answer, it may not have been saved: please send it again then.',
  },
};

const de: PatientPageMessages = {
  contact: {
    reach: 'Sie erreichen die Praxis unter {phone}.',
    neutral: 'Bitte wenden Sie sich direkt an die Praxis.',
    bookingPage: 'Zur Terminbuchung der Praxis',
  },
  attendance: {
    askHeading: 'Kommen Sie zu Ihrem Termin?',
    askIntro: 'Bitte sagen Sie uns mit einem Tippen, ob Sie diesen Termin wahrnehmen können.',
    selected: {
      label: 'Ihre Auswahl:',
      hint: 'Tippen Sie unten auf eine Schaltfläche, um Ihre Antwort zu senden oder zu ändern.',
    },
    changeUntil: 'Bis zum Beginn des Termins können Sie Ihre Antwort über denselben Link ändern.',
    confirmedHeading: 'Vielen Dank, bis bald',
    confirmedText: 'Wir haben notiert, dass Sie kommen.',
    changeHeading: 'Danke für Ihre Nachricht',
    changeText: 'Wir haben notiert, dass Sie diesen Termin absagen oder verschieben müssen.',
    notCancelled:
      'Ihre Antwort allein sagt den Termin nicht ab und verschiebt ihn nicht: Die Praxis meldet sich dazu bei Ihnen.',
    changeNow: 'Wenn Sie den Termin lieber gleich selbst ändern möchten:',
    recordedHeading: 'Vielen Dank für Ihre Antwort',
  },
  checkIn: {
    heading: 'Wie geht es Ihnen?',
    intro: (date, therapist) =>
      `Ein paar kurze Fragen dazu, wie es Ihnen seit Ihrer Behandlung am ${date} bei ${therapist} geht. Alle Fragen sind freiwillig: Beantworten Sie so viele, wie Sie möchten.`,
    previous:
      'Ihre letzten Antworten sind bereits eingetragen. Ändern Sie, was Sie möchten, und senden Sie sie erneut.',
    feeling: {
      legend: 'Wie fühlen Sie sich im Vergleich zu direkt nach der Behandlung?',
      choices: { better: 'Besser', same: 'Etwa gleich', worse: 'Schlechter' },
    },
    pain: {
      legend: 'Wie stark sind Ihre Schmerzen gerade?',
      none: '0 (keine Schmerzen)',
      worst: '10 (stärkste vorstellbare Schmerzen)',
    },
    exercises: {
      heading: 'Ihre Übungen',
      intro: 'Wie ist es mit den einzelnen Übungen seit der Behandlung gelaufen?',
      choices: { done: 'Gemacht', skipped: 'Ausgelassen', 'too-painful': 'Zu schmerzhaft' },
    },
    warningSigns: {
      legend: 'Warnzeichen',
      callClinic: 'Melden Sie sich in der Praxis bei:',
      urgent: 'Rufen Sie sofort den Notruf, ohne auf dieses Formular zu warten, bei:',
      checkbox: 'Mindestens eines dieser Warnzeichen trifft auf mich zu',
    },
    submit: 'Antworten senden',
    changeUntil: (date) =>
      `Sie können Ihre Antworten über denselben Link bis 14 Tage nach Ihrer Behandlung ändern, also bis ${date}.`,
    recordedHeading: 'Vielen Dank für Ihre Antworten',
    thanks: 'Danke, dass Sie sich einen Moment Zeit genommen haben, uns zu sagen, wie es Ihnen geht.',
    escalation: {
      emergency: 'Wenn eines davon auf Sie zutrifft, rufen Sie jetzt den Notruf',
      emergencyWithoutList: 'Wenn Sie glauben, dass es ein Notfall ist, rufen Sie jetzt den Notruf',
      clinicHeading: 'Bitte melden Sie sich in der Praxis',
      callClinic:
        'Bitte rufen Sie die Praxis unter {phone} an: Ihre Therapeutin oder Ihr Therapeut sollte davon wissen, um Sie beraten zu können.',
      contactClinic:
        'Bitte wenden Sie sich an die Praxis: Ihre Therapeutin oder Ihr Therapeut sollte davon wissen, um Sie beraten zu können.',
      reasonsIntro: 'Was Sie uns mitgeteilt haben:',
      reasons: {
        'feeling-worse': 'Sie fühlen sich schlechter als direkt nach der Behandlung.',
        'pain-increase': 'Ihre Schmerzen sind jetzt stärker als nach der Behandlung.',
        'exercise-too-painful': 'Eine Übung war zu schmerzhaft.',
        'warning-signs': 'Mindestens eines der Warnzeichen trifft auf Sie zu.',
      },
      pauseExercise:
        'Bitte setzen Sie jede Übung, die zu schmerzhaft war, aus, bis Sie mit der Praxis gesprochen haben.',
    },
  },
  expired: {
    heading: 'Dieser Link ist abgelaufen',
    text: 'Antworten sind bis zum Beginn des Termins möglich oder bis 14 Tage nach einer Behandlung. Diese Zeit ist vorbei, daher nimmt dieser Link keine Antwort mehr an.',
  },
  invalid: {
    heading: 'Dieser Link funktioniert nicht',
    text: 'Der Link ist unvollständig oder wurde verändert. Bitte öffnen Sie ihn noch einmal aus Ihrer E-Mail; falls Ihr E-Mail-Programm ihn auf zwei Zeilen verteilt hat, kopieren Sie den ganzen Link in Ihren Browser.',
  },
  unavailable: {
    heading: 'Etwas ist schiefgelaufen',
    text: 'Ihre Anfrage konnte gerade nicht bearbeitet werden. Bitte versuchen Sie es in ein paar Minuten erneut. Falls Sie gerade eine Antwort senden wollten, wurde sie möglicherweise nicht gespeichert: Bitte senden Sie sie dann noch einmal.',
  },
};

const TABLES: Readonly<Record<PageLanguage, PatientPageMessages>> = { en, de };

export function pageMessagesFor(language: PageLanguage): PatientPageMessages {
  return TABLES[language];
}
