import { bookButton, composeEmail, opening, signOff, type Content, type Env } from './compose';
import type { EmailToSend, PlanEmailModel, PlanStatus, RenderContext, RenderedEmail } from './types';

/**
 * The emails about a treatment plan as a whole: the nudge to continue a plan that has stalled.
 * Apart from session-emails.ts so that the function sending it carries no self-care library: the
 * nudge gives no guidance, only the plan's progress and how to book. It is sent only with consent
 * to follow-ups, so it has their footer and unsubscribe link.
 */
export function renderPlanEmail(model: PlanEmailModel, context: RenderContext): RenderedEmail {
  return composeEmail(
    { locale: model.recipient.locale, timezone: model.plan.timezone, footer: 'self-care', context },
    (env) => env,
    (env) => planNudge(model.recipient.firstName, model.plan, env),
  );
}

/** A plan email for sendOnce: written when it is sent. */
export function planEmail(model: PlanEmailModel): EmailToSend {
  return { kind: model.kind, render: (context) => renderPlanEmail(model, context) };
}

/** When the patient was last seen, as the plan status can tell it. */
function sinceLastSession(plan: PlanStatus, { m, fmt }: Env): string {
  const last = plan.lastSessionAt ? new Date(plan.lastSessionAt) : undefined;
  if (last && !Number.isNaN(last.getTime())) return m.planNudge.lastSession(fmt.longDate(last));
  const days = Math.max(1, Math.round(plan.daysSinceLastSession));
  return plan.sessionsCompleted > 0 ? m.planNudge.lastSessionDaysAgo(days) : m.planNudge.planStarted(days);
}

function planNudge(firstName: string, plan: PlanStatus, env: Env): Content {
  const { m } = env;
  return {
    subject: m.planNudge.subject,
    preheader: m.planNudge.preheader,
    body: [
      ...opening(m.planNudge.heading, firstName, sinceLastSession(plan, env), env),
      {
        type: 'paragraph',
        content: [{ strong: m.planNudge.progress(plan.sessionsCompleted, plan.plannedSessions) }],
      },
      { type: 'paragraph', content: m.planNudge.regular },
      {
        type: 'panel',
        tone: 'info',
        blocks: [{ type: 'heading', level: 2, text: m.planNudge.bookHeading }, bookButton(m.planNudge.bookButton, env)],
      },
      { type: 'paragraph', content: m.planNudge.anything },
      ...signOff(env, { afterBooking: true }),
    ],
  };
}
