import {
  defaultSelfCareLibrary,
  localizeExercise,
  localizeGuidance,
  localizeRedFlags,
  type Guidance,
  type SelfCareLibrary,
} from '../self-care/library';
import type { Block, Inline } from './blocks';
import { cleanText } from './html';
import { answerPage, bookButton, composeEmail, opening, signOff, type Content, type Env } from './compose';
import type { Messages } from './messages';
import type {
  EmailToSend,
  PainPoint,
  PlanProgress,
  PlanSummary,
  RenderContext,
  RenderedEmail,
  SessionEmailModel,
  SessionSummary,
} from './types';

interface SessionEnv extends Env {
  library: SelfCareLibrary;
}

/** The follow-up after a session and the check-in a few days later: self-care guidance from the clinic's library. */
export function renderSessionEmail(model: SessionEmailModel, context: RenderContext): RenderedEmail {
  return composeEmail(
    { locale: model.recipient.locale, timezone: model.session.timezone, footer: 'self-care', context },
    (env): SessionEnv => ({ ...env, library: context.library ?? defaultSelfCareLibrary() }),
    (env) =>
      model.kind === 'follow-up'
        ? followUp(model, env)
        : checkIn(model.recipient.firstName, model.session, model.planProgress, model.promptToBook, env),
  );
}

/** A follow-up or check-in for sendOnce, written from the given library when it is sent. */
export function sessionEmail(model: SessionEmailModel, library: SelfCareLibrary): EmailToSend {
  return { kind: model.kind, render: (context) => renderSessionEmail(model, { ...context, library }) };
}

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
function guidanceBlocks(heading: string, guidance: readonly Guidance[], { fmt }: SessionEnv): Block[] {
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

function exerciseBlocks(ids: readonly string[], { m, fmt, library }: SessionEnv): Block[] {
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

/**
 * The button to the answer page, where the patient tells the clinic how they are doing. Under its
 * own heading in a follow-up; without one in a check-in, whose first heading already asks. None
 * without an answer page.
 */
function howAreYouDoing(env: SessionEnv, { heading }: { heading: boolean }): Block[] {
  const page = answerPage(env);
  if (!page) return [];
  const { m } = env;
  return [
    {
      type: 'panel',
      tone: 'info',
      blocks: [
        ...(heading ? [{ type: 'heading', level: 2, text: m.answer.howHeading } as const] : []),
        { type: 'paragraph', content: m.answer.howIntro },
        { type: 'button', href: page, text: m.answer.howButton },
      ],
    },
  ];
}

function safetyPanel(env: SessionEnv): Block {
  const { m, fmt, library, context } = env;
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
          { type: 'paragraph', content: [{ strong: m.safety.callClinic(context.clinic?.phone) }] },
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

function scoreOf(value: number | undefined): number | undefined {
  return isScore(value) ? value : undefined;
}

/**
 * A goal in plain words: the language's own text for a known code (GOAL_CODES), else the code
 * humanised ("better-sleep" → "Better sleep"); escaped later like every text.
 */
export function goalText(code: string, m: Messages): string {
  const key = code.trim().toLowerCase();
  // Own keys only: a code such as "constructor" must not reach Object's prototype.
  if (Object.hasOwn(m.goals, key)) return m.goals[key as keyof Messages['goals']];
  const words = cleanText(code)
    .replace(/[-_\s]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * In place of the progress line when this session completes the plan: sessions completed of
 * planned, the plan's goals, and the pain before and after at each of its sessions.
 */
function planSummaryBlocks(summary: PlanSummary, env: SessionEnv): Block[] {
  const { m, fmt } = env;
  const goals = [...new Set(summary.goals.map((code) => goalText(code, m)).filter((goal) => goal !== ''))];
  const rated = summary.sessions.some((point) => isScore(point.painBefore) || isScore(point.painAfter));
  const rating = (value: number | undefined) => (isScore(value) ? String(value) : m.followUp.summary.notRated);
  const { columns } = m.followUp.summary;
  return [
    { type: 'heading', level: 2, text: m.followUp.summary.heading },
    {
      type: 'paragraph',
      content: [{ strong: m.followUp.summary.completed(summary.sessionsCompleted, summary.plannedSessions) }],
    },
    ...(goals.length > 0
      ? [
          { type: 'paragraph', content: m.followUp.summary.goalsIntro } as const,
          { type: 'list', items: goals } as const,
        ]
      : []),
    ...(rated
      ? [
          { type: 'paragraph', content: m.followUp.summary.painIntro } as const,
          {
            type: 'table',
            columns: [columns.session, columns.date, columns.before, columns.after],
            rows: summary.sessions.map((point, i) => [
              String(i + 1),
              fmt.shortDate(new Date(point.completedAt)),
              rating(point.painBefore),
              rating(point.painAfter),
            ]),
          } as const,
          { type: 'paragraph', content: m.followUp.painScale, muted: true } as const,
        ]
      : []),
  ];
}

function progressBlocks(
  session: SessionSummary,
  painTrend: readonly PainPoint[],
  plan: PlanProgress | undefined,
  env: SessionEnv,
): Block[] {
  const { m, fmt } = env;
  const blocks: Block[] = [];
  if (plan)
    blocks.push({
      type: 'paragraph',
      content: [{ strong: m.followUp.plan(plan.sessionNumber, plan.plannedSessions) }],
    });
  const before = scoreOf(session.painBefore);
  const after = scoreOf(session.painAfter);
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
          scoreOf(point.painBefore),
          scoreOf(point.painAfter),
        ),
      ),
    });
  }
  if (before !== undefined || after !== undefined || trend.length > 1) {
    blocks.push({ type: 'paragraph', content: m.followUp.painScale, muted: true });
  }
  return blocks.length > 0 ? [{ type: 'heading', level: 2, text: m.followUp.progressHeading }, ...blocks] : [];
}

function followUp(model: Extract<SessionEmailModel, { kind: 'follow-up' }>, env: SessionEnv): Content {
  const { m, fmt, context, library } = env;
  const { session, planSummary } = model;
  const completed = new Date(session.completedAt);
  const subject =
    fmt.daysBetween(completed, context.now) === 0
      ? m.followUp.subjectToday
      : m.followUp.subjectOn(fmt.shortDate(completed));
  const note = session.note ? cleanText(session.note).trim() : '';
  const exercises = exerciseBlocks(session.exerciseIds, env);
  const recommended: Block[] = [];
  if (session.nextVisitInDays !== undefined && session.nextVisitInDays > 0) {
    const around = new Date(completed.getTime() + session.nextVisitInDays * 86_400_000);
    recommended.push({
      type: 'paragraph',
      content: m.followUp.nextVisit(session.therapistName, session.nextVisitInDays, fmt.shortDate(around)),
    });
  }
  // A completed plan ends with how to book a review; otherwise the next visit, when one was recommended.
  const nextVisit: Block[] = planSummary
    ? [
        { type: 'heading', level: 2, text: m.followUp.summary.reviewHeading },
        { type: 'paragraph', content: m.followUp.summary.review(session.therapistName) },
        ...recommended,
        bookButton(m.followUp.summary.reviewButton, env),
      ]
    : recommended.length > 0
      ? [
          { type: 'heading', level: 2, text: m.followUp.nextVisitHeading },
          ...recommended,
          bookButton(m.followUp.bookButton, env),
        ]
      : [];
  return {
    subject,
    preheader: m.followUp.preheader,
    body: [
      ...opening(
        m.followUp.heading,
        model.recipient.firstName,
        m.followUp.intro(fmt.longDate(completed), session.therapistName),
        env,
      ),
      ...(note
        ? [
            { type: 'heading', level: 2, text: m.followUp.noteHeading(session.therapistName) } as const,
            { type: 'quote', text: note, attribution: session.therapistName } as const,
          ]
        : []),
      ...(planSummary
        ? planSummaryBlocks(planSummary, env)
        : progressBlocks(session, model.painTrend, model.planProgress, env)),
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
      ...howAreYouDoing(env, { heading: true }),
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
  env: SessionEnv,
): Content {
  const { m, fmt, context } = env;
  const completed = new Date(session.completedAt);
  const exercises = exerciseBlocks(session.exerciseIds, env);
  const bookPrompt: Inline[] = [m.checkIn.bookPrompt];
  return {
    subject: m.checkIn.subject,
    preheader: m.checkIn.preheader,
    body: [
      ...opening(m.checkIn.heading, firstName, m.checkIn.intro(fmt.longDate(completed), session.therapistName), env),
      { type: 'paragraph', content: m.checkIn.soreness(context.clinic?.phone) },
      ...howAreYouDoing(env, { heading: false }),
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
