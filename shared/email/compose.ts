import type { Block } from './blocks';
import { createFormatter, type Formatter } from './format';
import { cleanText, safeHttpsUrl, safeUrl } from './html';
import { renderLayout } from './layout';
import { messagesFor, type Messages } from './messages';
import type { EmailAttachment, RenderContext, RenderedEmail } from './types';

/**
 * What every email shares: the formatter for the patient's language and zone, the greeting,
 * the sign-off, the footer and the layout. The emails themselves are in appointment-emails.ts,
 * session-emails.ts and plan-emails.ts, apart so that a function sending only appointment or plan
 * emails carries neither the self-care library nor the follow-up templates.
 */

export interface Env {
  m: Messages;
  fmt: Formatter;
  context: RenderContext;
}

export interface Content {
  subject: string;
  preheader: string;
  body: Block[];
  attachments?: EmailAttachment[];
}

/** Footers: an appointment email's, or a self-care email's with its unsubscribe link. */
export type FooterKind = 'appointment' | 'self-care';

export function composeEmail<E extends Env>(
  options: { locale: string; timezone: string; footer: FooterKind; context: RenderContext },
  extend: (env: Env) => E,
  content: (env: E) => Content,
): RenderedEmail {
  const fmt = createFormatter(options.locale, options.timezone);
  const env = extend({ m: messagesFor(fmt.language), fmt, context: options.context });
  const written = content(env);
  const unsubscribe = safeUrl(options.context.unsubscribeUrl);
  const footer: Block[] =
    options.footer === 'self-care'
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
  if (options.context.clinic?.name)
    footer.unshift({ type: 'paragraph', content: [{ strong: options.context.clinic.name }], muted: true });

  const subject = oneLine(written.subject);
  const { html, text } = renderLayout({
    lang: fmt.language,
    subject,
    preheader: written.preheader,
    body: written.body,
    footer,
  });
  return { subject, html, text, attachments: written.attachments ?? [] };
}

/** A header value: one line, no control characters, bounded. */
function oneLine(value: string): string {
  return cleanText(value).replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function when(at: Date, { m, fmt }: Env): string {
  return m.when(fmt.shortDate(at), fmt.time(at));
}

/** How every email opens: its heading, the greeting, and the first paragraph. */
export function opening(heading: string, firstName: string, intro: string, { m }: Env): Block[] {
  return [
    { type: 'heading', level: 1, text: heading },
    { type: 'paragraph', content: m.greeting(firstName.trim()) },
    { type: 'paragraph', content: intro },
  ];
}

/**
 * The closing lines: how to reach the clinic, then the signature. Right after a booking button
 * that fell back to the phone (`afterBooking`), the phone was just given: it is not repeated.
 */
export function signOff(env: Env, { afterBooking = false }: { afterBooking?: boolean } = {}): Block[] {
  const { m, context } = env;
  const phoneJustGiven = afterBooking && !safeHttpsUrl(context.clinic?.bookingUrl) && Boolean(context.clinic?.phone);
  return [
    ...(phoneJustGiven ? [] : [{ type: 'paragraph' as const, content: m.contact(context.clinic?.phone) }]),
    { type: 'paragraph', content: [m.signOff, '\n', m.signature(context.clinic?.name)] },
  ];
}

/** The clinic's cancellation policy, as the clinic wrote it (escaped like every text), when its profile has one. */
export function cancellationPolicy({ m, context }: Env): Block[] {
  const policy = context.clinic?.cancellationPolicy?.trim();
  return policy
    ? [
        {
          type: 'panel',
          tone: 'info',
          blocks: [
            { type: 'paragraph', content: [{ strong: m.cancellationPolicy }] },
            { type: 'paragraph', content: policy },
          ],
        },
      ]
    : [];
}

/** The clinic's booking page as a button; without an https one, how to book by phone (or neutral words). */
export function bookButton(text: string, { m, context }: Env): Block {
  const href = safeHttpsUrl(context.clinic?.bookingUrl);
  return href ? { type: 'button', href, text } : { type: 'paragraph', content: m.bookVia(context.clinic?.phone) };
}

/**
 * The patient's answer page for this email, when the context gives one that is http(s) (https
 * deployed, plain http on the local stack); undefined otherwise, and the email offers no answer.
 */
export function answerPage({ context }: Env): string | undefined {
  const href = safeUrl(context.answerUrl);
  return href && /^https?:/.test(href) ? href : undefined;
}
