import { renderAppointmentEmail } from './appointment-emails';
import { renderPlanEmail } from './plan-emails';
import { renderSessionEmail } from './session-emails';
import type { EmailModel, RenderContext, RenderedEmail } from './types';

/**
 * Turns an email model into subject, HTML, text and attachments. Decides nothing about
 * whether to send; all text is escaped by construction (see `html.ts`, `blocks.ts`).
 * The functions themselves import only the family they send (appointment-emails.ts,
 * session-emails.ts, plan-emails.ts); this is for the previews and the tests.
 */
export function renderEmail(model: EmailModel, context: RenderContext): RenderedEmail {
  if ('session' in model) return renderSessionEmail(model, context);
  if ('plan' in model) return renderPlanEmail(model, context);
  return renderAppointmentEmail(model, context);
}
