import { COLORS } from '../email/blocks';
import { html, type SafeHtml } from '../email/html';

/**
 * The document every page CareLoop serves to a patient shares (one-click unsubscribe, the answer
 * pages): one centred card in the emails' colours, readable on a phone, no scripts, no images,
 * nothing loaded from elsewhere. The endpoints' Content-Security-Policy allows inline styles and a
 * form posting back to itself, nothing more.
 */

/** The emails' font stack, unquoted: text interpolated into <style> is escaped, and entities mean nothing there. */
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

/** Must stay free of & < > " ' (see FONT). */
const CSS = `
  *, *::before, *::after { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
  body { margin: 0; padding: 24px 12px; background: ${COLORS.page}; color: ${COLORS.text};
    font-family: ${FONT}; font-size: 1rem; line-height: 1.55; }
  main { max-width: 34rem; margin: 0 auto; padding: 32px 32px 24px; background: ${COLORS.card};
    border: 1px solid ${COLORS.rule}; border-radius: 8px; }
  h1 { margin: 0 0 16px; font-size: 1.5rem; line-height: 1.3; color: ${COLORS.accent}; }
  p { margin: 0 0 14px; }
  .clinic { margin: 0 0 8px; font-weight: 600; color: ${COLORS.muted}; }
  .note { margin: 20px 0; padding: 10px 16px; border-left: 4px solid ${COLORS.accent}; background: ${COLORS.infoBg}; }
  .aside { font-size: 0.875rem; color: ${COLORS.muted}; }
  form { margin: 24px 0 20px; }
  button { display: inline-block; min-height: 44px; padding: 12px 22px; border: 0; border-radius: 6px;
    background: ${COLORS.accent}; color: #ffffff; font: inherit; font-weight: 600; line-height: 1.2; cursor: pointer; }
  button:hover { background: #084844; }
  button:focus-visible { outline: 3px solid ${COLORS.text}; outline-offset: 3px; }
  @media (max-width: 480px) {
    body { padding: 12px 6px; }
    main { padding: 24px 18px 16px; }
    button { width: 100%; }
  }
`;

export interface PageDocument {
  /** A language the page's texts are written in (checked by the caller): `lang` of the document. */
  lang: string;
  title: string;
  /** The page's one <h1>. */
  heading: string;
  /** The clinic the link is from, as its profile names it: shown above the heading and in the title. */
  clinicName?: string | undefined;
  /** Everything below the heading. */
  content: SafeHtml;
  /** Rules a page adds to the shared ones; like them, free of & < > " ' (see FONT). */
  css?: string;
}

/** A complete HTML document: the shared head and card, the clinic's name, the heading, the page's content. */
export function renderPageDocument(page: PageDocument): string {
  return html`<!DOCTYPE html>
    <html lang="${page.lang}" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <meta name="color-scheme" content="light" />
        <title>${page.clinicName ? `${page.title} · ${page.clinicName}` : page.title}</title>
        <style>
          ${CSS + (page.css ?? '')}
        </style>
      </head>
      <body>
        <main>
          ${page.clinicName ? html`<p class="clinic">${page.clinicName}</p>` : ''}
          <h1>${page.heading}</h1>
          ${page.content}
        </main>
      </body>
    </html>`.toString();
}

/** A form that posts back to the page's own URL (the link's token is in it), or to `action` when given. */
export function postBackForm(action: string | undefined, content: SafeHtml): SafeHtml {
  return action === undefined
    ? html`<form method="post">${content}</form>`
    : html`<form method="post" action="${action}">${content}</form>`;
}
