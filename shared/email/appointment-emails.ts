import { appointmentFactRows, locationOf } from './appointment-facts';
import type { Block } from './blocks';
import { attendanceAnswerUrl } from '../patient-pages/links';
import type { Attendance } from '../patient-pages/model';
import {
  answerPage,
  bookButton,
  cancellationPolicy,
  composeEmail,
  opening,
  signOff,
  when,
  type Content,
  type Env,
} from './compose';
import { buildCalendarInvite, calendarUid } from './ics';
import type {
  Appointment,
  AppointmentEmailModel,
  EmailAttachment,
  EmailToSend,
  RenderContext,
  RenderedEmail,
} from './types';

/** Confirmation, reschedule, cancellation, reminder and missed: each about one appointment, with its calendar file where one applies. */
export function renderAppointmentEmail(model: AppointmentEmailModel, context: RenderContext): RenderedEmail {
  return composeEmail(
    { locale: model.recipient.locale, timezone: model.appointment.timezone, footer: 'appointment', context },
    (env) => env,
    (env) => appointmentContent(model, env),
  );
}

/** An appointment email for sendOnce: written when it is sent. */
export function appointmentEmail(model: AppointmentEmailModel): EmailToSend {
  return { kind: model.kind, render: (context) => renderAppointmentEmail(model, context) };
}

function appointmentContent(model: AppointmentEmailModel, env: Env): Content {
  switch (model.kind) {
    case 'confirmation':
      return confirmation(model.recipient.firstName, model.appointment, env, model.recipient.email);
    case 'reschedule':
      return reschedule(
        model.recipient.firstName,
        model.appointment,
        model.previousStartsAt,
        env,
        model.recipient.email,
      );
    case 'cancellation':
      return cancellation(model.recipient.firstName, model.appointment, model.cancelledBy, env, model.recipient.email);
    case 'reminder':
      return reminder(model.recipient.firstName, model.appointment, env);
    case 'missed':
      return missed(model.recipient.firstName, model.appointment, env);
  }
}

function appointmentFacts(appointment: Appointment, { m, fmt }: Env): Block {
  return { type: 'facts', rows: appointmentFactRows(appointment, m, fmt) };
}

/**
 * "Will you be there?" with a button for each answer, each to the answer page with that answer
 * preselected (the page records it when the patient confirms there). None without an answer page.
 */
function attendanceQuestion(env: Env): Block[] {
  const page = answerPage(env);
  if (!page) return [];
  const choices: readonly Attendance[] = ['confirmed', 'change-requested'];
  const buttons = choices.flatMap((choice) => {
    const href = attendanceAnswerUrl(page, choice);
    return href ? [{ href, text: env.m.answer.choices[choice] }] : [];
  });
  return [
    {
      type: 'panel',
      tone: 'info',
      blocks: [
        { type: 'heading', level: 2, text: env.m.answer.attendanceHeading },
        { type: 'buttons', buttons },
      ],
    },
  ];
}

function invite(
  appointment: Appointment,
  method: 'REQUEST' | 'CANCEL',
  { m, context }: Env,
  attendeeEmail?: string,
): EmailAttachment {
  const location = locationOf(appointment);
  const content = buildCalendarInvite({
    uid: calendarUid(appointment.clinicId, appointment.bookingId),
    sequence: appointment.sequence,
    method,
    startsAt: appointment.startsAt,
    durationMinutes: appointment.durationMinutes,
    summary: m.calendarSummary(appointment.serviceName, appointment.therapistName),
    description: m.contact(context.clinic?.phone),
    ...(location ? { location } : {}),
    organizerEmail: context.organizerEmail,
    ...(context.clinic?.name ? { organizerName: context.clinic.name } : {}),
    ...(attendeeEmail ? { attendee: { email: attendeeEmail } } : {}),
    dtstamp: context.now,
  });
  return {
    fileName: 'appointment.ics',
    contentType: `text/calendar; charset=UTF-8; method=${method}`,
    content,
  };
}

function confirmation(firstName: string, appointment: Appointment, env: Env, email?: string): Content {
  const { m } = env;
  const start = new Date(appointment.startsAt);
  return {
    subject: m.confirmation.subject(when(start, env)),
    preheader: m.confirmation.preheader,
    body: [
      ...opening(m.confirmation.heading, firstName, m.confirmation.intro, env),
      appointmentFacts(appointment, env),
      { type: 'paragraph', content: m.confirmation.calendar },
      ...attendanceQuestion(env),
      { type: 'heading', level: 2, text: m.confirmation.beforeHeading },
      { type: 'list', items: m.confirmation.before },
      ...cancellationPolicy(env),
      ...signOff(env),
    ],
    attachments: [invite(appointment, 'REQUEST', env, email)],
  };
}

function reschedule(
  firstName: string,
  appointment: Appointment,
  previousStartsAt: string | undefined,
  env: Env,
  email?: string,
): Content {
  const { m } = env;
  const start = new Date(appointment.startsAt);
  const previous = previousStartsAt ? new Date(previousStartsAt) : undefined;
  return {
    subject: m.reschedule.subject(when(start, env)),
    preheader: m.reschedule.preheader,
    body: [
      ...opening(m.reschedule.heading, firstName, m.reschedule.intro, env),
      appointmentFacts(appointment, env),
      ...(previous && !Number.isNaN(previous.getTime())
        ? [{ type: 'paragraph', content: m.reschedule.previously(when(previous, env)) } as const]
        : []),
      { type: 'paragraph', content: m.reschedule.calendar },
      ...signOff(env),
    ],
    attachments: [invite(appointment, 'REQUEST', env, email)],
  };
}

function cancellation(
  firstName: string,
  appointment: Appointment,
  cancelledBy: 'patient' | 'clinic',
  env: Env,
  email?: string,
): Content {
  const { m } = env;
  const start = new Date(appointment.startsAt);
  return {
    subject: m.cancellation.subject(when(start, env)),
    preheader: m.cancellation.preheader,
    body: [
      ...opening(
        m.cancellation.heading,
        firstName,
        cancelledBy === 'clinic' ? m.cancellation.byClinic : m.cancellation.byPatient,
        env,
      ),
      appointmentFacts(appointment, env),
      { type: 'paragraph', content: m.cancellation.calendar },
      { type: 'paragraph', content: m.cancellation.rebook },
      bookButton(m.cancellation.bookButton, env),
      ...signOff(env, { afterBooking: true }),
    ],
    attachments: [invite(appointment, 'CANCEL', env, email)],
  };
}

function reminder(firstName: string, appointment: Appointment, env: Env): Content {
  const { m, fmt, context } = env;
  const start = new Date(appointment.startsAt);
  const days = fmt.daysBetween(context.now, start);
  const subject =
    days === 0
      ? m.reminder.subjectToday(fmt.time(start))
      : days === 1
        ? m.reminder.subjectTomorrow(fmt.time(start))
        : m.reminder.subjectOn(when(start, env));
  return {
    subject,
    preheader: m.reminder.preheader,
    body: [
      ...opening(m.reminder.heading, firstName, m.reminder.intro, env),
      appointmentFacts(appointment, env),
      ...attendanceQuestion(env),
      { type: 'paragraph', content: m.reminder.cantMakeIt },
      ...cancellationPolicy(env),
      ...signOff(env),
    ],
  };
}

/**
 * A no-show: the appointment that was missed, that the clinic hopes all is well, and how to book
 * again. Kind and without blame (a missed appointment has many causes); no calendar file, since
 * the appointment is over, and nothing about fees, which are the clinic's own conversation.
 */
function missed(firstName: string, appointment: Appointment, env: Env): Content {
  const { m, fmt, context } = env;
  const start = new Date(appointment.startsAt);
  return {
    subject:
      fmt.daysBetween(start, context.now) === 0 ? m.missed.subjectToday : m.missed.subjectOn(fmt.shortDate(start)),
    preheader: m.missed.preheader,
    body: [
      ...opening(m.missed.heading, firstName, m.missed.intro, env),
      appointmentFacts(appointment, env),
      { type: 'paragraph', content: m.missed.reassurance },
      { type: 'paragraph', content: m.missed.rebook },
      bookButton(m.missed.bookButton, env),
      ...signOff(env, { afterBooking: true }),
    ],
  };
}
