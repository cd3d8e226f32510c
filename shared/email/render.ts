import {
  defaultSelfCareLibrary,
  localizeExercise,
  localizeGuidance,
  localizeRedFlags,
  type Guidance,
  type SelfCareLibrary,
} from '../self-care/library';
import type { Block, Inline } from './blocks';
import { createFormatter, type Formatter } from './format';
import { cleanText, safeUrl } from './html';
import { buildCalendarInvite, calendarUid } from './ics';
import { renderLayout } from './layout';
import { messagesFor, type Messages } from './messages';
import type {
  Appointment,
  EmailAttachment,
  EmailModel,
  PainPoint,
  PlanProgress,
  RenderContext,
  RenderedEmail,
  SessionSummary,
} from './types';

/**
 * Turns an email model into subject, HTML, text and attachments. Decides nothing about
 * whether to send; all text is escaped by construction (see `html.ts`, `blocks.ts`).
 */
export function renderEmail(model: EmailModel, context: RenderContext): RenderedEmail {
  const timezone = 'appointment' in model ? model.appointment.timezone : model.session.timezone;
  const fmt = createFormatter(model.recipient.locale, timezone);
  const env: Env = { m: messagesFor(fmt.language), fmt, context, library: context.library ?? defaultSelfCareLibrary() };

  const content = contentFor(model, env);
  const unsubscribe = safeUrl(context.unsubscribeUrl);
  const footer: Block[] =
    model.kind === 'follow-up' || model.kind === 'check-in'
      ? [
          { type: 'paragraph', content: env.m.footer.followUps, muted: true },
          ...(unsubscribe
            ? [
                {
                  type: 'paragraph',
                  content: [{ link: unsubscribe, text: env.m.footer.unsubscribe }],
                  muted: true,
                } as const,
              ]
            : []),
          { type: 'paragraph', content: env.m.footer.disclaimer, muted: true },
        ]
      : [{ type: 'paragraph', content: env.m.footer.appointment, muted: true }];
  if (context.clinic?.name)
    footer.unshift({ type: 'paragraph', content: [{ strong: context.clinic.name }], muted: true });

  const subject = oneLine(content.subject);
  const { html, text } = renderLayout({
    lang: fmt.language,
    subject,
    preheader: content.preheader,
    body: content.body,
    footer,
  });
  return { subject, html, text, attachments: content.attachments ?? [] };
}

interface Env {
  m: Messages;
  fmt: Formatter;
  context: RenderContext;
  library: SelfCareLibrary;
}

interface Content {
  subject: string;
  preheader: string;
  body: Block[];
  attachments?: EmailAttachment[];
}

/** A header value: one line, no control characters, bounded. */
function oneLine(value: string): string {
  return cleanText(value).replace(/\s+/g, ' ').trim().slice(0, 200);
}

function contentFor(model: EmailModel, env: Env): Content {
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
    case 'follow-up':
      return followUp(model.recipient.firstName, model.session, model.painTrend, model.planProgress, env);
    case 'check-in':
      return checkIn(model.recipient.firstName, model.session, model.planProgress, model.promptToBook, env);
  }
}

// ---- shared pieces ---------------------------------------------------------------------

function when(at: Date, { m, fmt }: Env): string {
  return m.when(fmt.shortDate(at), fmt.time(at));
}

function appointmentFacts(appointment: Appointment, { m, fmt }: Env): Block {
  const start = new Date(appointment.startsAt);
  const end = new Date(start.getTime() + appointment.durationMinutes * 60_000);
  const location = [appointment.location?.name, appointment.location?.address]
    .filter((part) => part && part.trim())
    .join(', ');
  return {
    type: 'facts',
    rows: [
      { label: m.labels.date, value: fmt.longDate(start) },
      { label: m.labels.time, value: m.timeRange(fmt.time(start), fmt.time(end), fmt.zoneName(start)) },
      { label: m.labels.duration, value: fmt.minutes(appointment.durationMinutes) },
      { label: m.labels.service, value: appointment.serviceName },
      { label: m.labels.therapist, value: appointment.therapistName },
      ...(location ? [{ label: m.labels.location, value: location }] : []),
    ],
  };
}

function greeting(firstName: string, { m }: Env): Block {
  return { type: 'paragraph', content: m.greeting(firstName.trim()) };
}

function signOff({ m, context }: Env): Block[] {
  return [
    { type: 'paragraph', content: m.contact(context.clinic?.phone) },
    { type: 'paragraph', content: [m.signOff, '\n', m.signature(context.clinic?.name)] },
  ];
}

function bookButton(text: string, { m, context }: Env): Block {
  const href = safeUrl(context.clinic?.bookingUrl);
  return href ? { type: 'button', href, text } : { type: 'paragraph', content: m.bookVia(context.clinic?.phone) };
}

function invite(
  appointment: Appointment,
  method: 'REQUEST' | 'CANCEL',
  { m, context }: Env,
  attendeeEmail?: string,
): EmailAttachment {
  const location = [appointment.location?.name, appointment.location?.address]
    .filter((part) => part && part.trim())
    .join(', ');
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

// ---- appointment emails ----------------------------------------------------------------

function confirmation(firstName: string, appointment: Appointment, env: Env, email?: string): Content {
  const { m } = env;
  const start = new Date(appointment.startsAt);
  return {
    subject: m.confirmation.subject(when(start, env)),
    preheader: m.confirmation.preheader,
    body: [
      { type: 'heading', level: 1, text: m.confirmation.heading },
      greeting(firstName, env),
      { type: 'paragraph', content: m.confirmation.intro },
      appointmentFacts(appointment, env),
      { type: 'paragraph', content: m.confirmation.calendar },
      { type: 'heading', level: 2, text: m.confirmation.beforeHeading },
      { type: 'list', items: m.confirmation.before },
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
      { type: 'heading', level: 1, text: m.reschedule.heading },
      greeting(firstName, env),
      { type: 'paragraph', content: m.reschedule.intro },
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
      { type: 'heading', level: 1, text: m.cancellation.heading },
      greeting(firstName, env),
      { type: 'paragraph', content: cancelledBy === 'clinic' ? m.cancellation.byClinic : m.cancellation.byPatient },
      appointmentFacts(appointment, env),
      { type: 'paragraph', content: m.cancellation.calendar },
      { type: 'paragraph', content: m.cancellation.rebook },
      bookButton(m.cancellation.bookButton, env),
      ...signOff(env),
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
      { type: 'heading', level: 1, text: m.reminder.heading },
      greeting(firstName, env),
      { type: 'paragraph', content: m.reminder.intro },
      appointmentFacts(appointment, env),
      { type: 'paragraph', content: m.reminder.cantMakeIt },
      ...signOff(env),
    ],
  };
}

// ---- self-care emails ------------------------------------------------------------------

function uniqueGuidance(codes: readonly string[], lookup: (code: string) => Guidance): Guidance[] {
  const seen = new Set<string>();
  const out: Guidance[] = [];
  for (const code of codes) {
    const guidance = lookup(code);
    if (seen.has(guidance.code)) continue;
    seen.add(guidance.code);
    out.push(guidance);
  }
  return out;
}

/** Guidance under one heading; a point already given by an earlier entry is not repeated. */
function guidanceBlocks(heading: string, guidance: readonly Guidance[], { fmt }: Env): Block[] {
  const given = new Set<string>();
  const entries = guidance.flatMap((entry): Block[] => {
    const text = localizeGuidance(entry, fmt.language);
    const points = text.points.filter((point) => !given.has(point));
    for (const point of points) given.add(point);
    if (points.length === 0) return [];
    return [
      {
        type: 'section',
        ...(text.lang !== fmt.language ? { lang: text.lang } : {}),
        blocks: [
          { type: 'heading', level: 3, text: text.title },
          { type: 'list', items: points },
        ],
      },
    ];
  });
  return entries.length > 0 ? [{ type: 'heading', level: 2, text: heading }, ...entries] : [];
}

function exerciseBlocks(ids: readonly string[], { m, fmt, library }: Env): Block[] {
  const seen = new Set<string>();
  return ids.flatMap((id): Block[] => {
    const exercise = seen.has(id) ? undefined : library.findExercise(id);
    seen.add(id);
    if (!exercise) return [];
    const text = localizeExercise(exercise, fmt.language);
    return [
      {
        type: 'section',
        ...(text.lang !== fmt.language ? { lang: text.lang } : {}),
        blocks: [
          { type: 'heading', level: 3, text: text.title },
          ...(text.purpose ? [{ type: 'paragraph', content: text.purpose } as const] : []),
          { type: 'list', ordered: true, items: text.steps },
          {
            type: 'facts',
            rows: [
              { label: m.exercise.dose, value: text.dose },
              { label: m.exercise.frequency, value: text.frequency },
            ],
          },
          { type: 'paragraph', content: [{ strong: `${m.exercise.stopIf}:` }] },
          { type: 'list', items: text.stopIf },
        ],
      },
    ];
  });
}

function safetyPanel(env: Env): Block {
  const { m, fmt, library } = env;
  const flags = localizeRedFlags(library.redFlags, fmt.language);
  return {
    type: 'panel',
    tone: 'warning',
    blocks: [
      { type: 'heading', level: 2, text: m.safety.heading },
      {
        type: 'section',
        ...(flags.lang !== fmt.language ? { lang: flags.lang } : {}),
        blocks: [
          { type: 'paragraph', content: [{ strong: m.safety.callClinic }] },
          { type: 'list', items: flags.callClinic },
          { type: 'paragraph', content: [{ strong: m.safety.urgent }] },
          { type: 'list', items: flags.urgent },
        ],
      },
    ],
  };
}

function isScore(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function progressBlocks(
  session: SessionSummary,
  painTrend: readonly PainPoint[],
  plan: PlanProgress | undefined,
  env: Env,
): Block[] {
  const { m, fmt } = env;
  const blocks: Block[] = [];
  if (plan)
    blocks.push({
      type: 'paragraph',
      content: [{ strong: m.followUp.plan(plan.sessionNumber, plan.plannedSessions) }],
    });
  const before = isScore(session.painBefore) ? session.painBefore : undefined;
  const after = isScore(session.painAfter) ? session.painAfter : undefined;
  if (before !== undefined || after !== undefined)
    blocks.push({ type: 'paragraph', content: m.followUp.pain(before, after) });
  const trend = painTrend.filter((point) => isScore(point.painBefore) || isScore(point.painAfter));
  if (trend.length > 1) {
    blocks.push({ type: 'paragraph', content: m.followUp.trendIntro });
    blocks.push({
      type: 'list',
      items: trend.map((point) =>
        m.followUp.trendItem(
          fmt.shortDate(new Date(point.completedAt)),
          isScore(point.painBefore) ? point.painBefore : undefined,
          isScore(point.painAfter) ? point.painAfter : undefined,
        ),
      ),
    });
  }
  if (before !== undefined || after !== undefined || trend.length > 1) {
    blocks.push({ type: 'paragraph', content: m.followUp.painScale, muted: true });
  }
  return blocks.length > 0 ? [{ type: 'heading', level: 2, text: m.followUp.progressHeading }, ...blocks] : [];
}

function followUp(
  firstName: string,
  session: SessionSummary,
  painTrend: readonly PainPoint[],
  plan: PlanProgress | undefined,
  env: Env,
): Content {
  const { m, fmt, context, library } = env;
  const completed = new Date(session.completedAt);
  const subject =
    fmt.daysBetween(completed, context.now) === 0
      ? m.followUp.subjectToday
      : m.followUp.subjectOn(fmt.shortDate(completed));
  const note = session.note ? cleanText(session.note).trim() : '';
  const exercises = exerciseBlocks(session.exerciseIds, env);
  const nextVisit: Block[] = [];
  if (session.nextVisitInDays !== undefined && session.nextVisitInDays > 0) {
    const around = new Date(completed.getTime() + session.nextVisitInDays * 86_400_000);
    nextVisit.push(
      { type: 'heading', level: 2, text: m.followUp.nextVisitHeading },
      {
        type: 'paragraph',
        content: m.followUp.nextVisit(session.therapistName, session.nextVisitInDays, fmt.shortDate(around)),
      },
      bookButton(m.followUp.bookButton, env),
    );
  }
  return {
    subject,
    preheader: m.followUp.preheader,
    body: [
      { type: 'heading', level: 1, text: m.followUp.heading },
      greeting(firstName, env),
      { type: 'paragraph', content: m.followUp.intro(fmt.longDate(completed), session.therapistName) },
      ...(note
        ? [
            { type: 'heading', level: 2, text: m.followUp.noteHeading(session.therapistName) } as const,
            { type: 'quote', text: note, attribution: session.therapistName } as const,
          ]
        : []),
      ...progressBlocks(session, painTrend, plan, env),
      ...guidanceBlocks(
        m.followUp.sessionHeading,
        uniqueGuidance(session.techniques.length ? session.techniques : ['general'], (code) =>
          library.techniqueGuidance(code),
        ),
        env,
      ),
      ...guidanceBlocks(
        m.followUp.areasHeading,
        uniqueGuidance(session.focusAreas, (code) => library.areaGuidance(code)),
        env,
      ),
      ...(exercises.length > 0
        ? [
            { type: 'heading', level: 2, text: m.followUp.exercisesHeading } as const,
            { type: 'paragraph', content: m.followUp.exercisesIntro } as const,
            ...exercises,
          ]
        : []),
      ...nextVisit,
      safetyPanel(env),
      ...signOff(env),
    ],
  };
}

function checkIn(
  firstName: string,
  session: SessionSummary,
  plan: PlanProgress | undefined,
  promptToBook: boolean,
  env: Env,
): Content {
  const { m, fmt } = env;
  const completed = new Date(session.completedAt);
  const exercises = exerciseBlocks(session.exerciseIds, env);
  const bookPrompt: Inline[] = [m.checkIn.bookPrompt];
  return {
    subject: m.checkIn.subject,
    preheader: m.checkIn.preheader,
    body: [
      { type: 'heading', level: 1, text: m.checkIn.heading },
      greeting(firstName, env),
      { type: 'paragraph', content: m.checkIn.intro(fmt.longDate(completed), session.therapistName) },
      { type: 'paragraph', content: m.checkIn.soreness },
      ...(plan
        ? [
            {
              type: 'paragraph',
              content: [{ strong: m.checkIn.plan(plan.sessionNumber, plan.plannedSessions) }],
            } as const,
          ]
        : []),
      ...(promptToBook
        ? [
            {
              type: 'panel',
              tone: 'info',
              blocks: [
                { type: 'heading', level: 2, text: m.checkIn.bookHeading },
                { type: 'paragraph', content: bookPrompt },
                bookButton(m.checkIn.bookButton, env),
              ],
            } as const,
          ]
        : []),
      ...(exercises.length > 0
        ? [
            { type: 'heading', level: 2, text: m.checkIn.exercisesHeading } as const,
            { type: 'paragraph', content: m.checkIn.exercisesIntro } as const,
            ...exercises,
          ]
        : []),
      safetyPanel(env),
      ...signOff(env),
    ],
  };
}
