import { blocksToHtml, blocksToText, COLORS, FONT, type Block } from './blocks';
import { cleanText, html } from './html';

/**
 * The one layout every email shares: a centred card at most 600 px wide on a quiet
 * background, tables only for layout (role="presentation"), inline styles so that clients
 * which strip <style> still render it, real headings and lists for screen readers, and no
 * images, so it reads the same with images blocked.
 */
export interface LayoutInput {
  /** BCP 47 language of the email's text, for `lang`. */
  lang: string;
  subject: string;
  /** The line inbox previews show after the subject. */
  preheader: string;
  body: readonly Block[];
  footer: readonly Block[];
}

const RESPONSIVE_CSS = `
  @media only screen and (max-width: 620px) {
    .cl-outer { padding: 12px 6px !important; }
    .cl-card { padding: 24px 18px 16px !important; }
    .cl-footer { padding: 12px 18px !important; }
  }
  a { color: ${COLORS.accent}; }
`;

export function renderLayout(input: LayoutInput): { html: string; text: string } {
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(input.lang) ? input.lang : 'en';
  const doc = html`<!DOCTYPE html>
    <html lang="${lang}" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="x-apple-disable-message-reformatting" />
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
        <title>${input.subject}</title>
        <style>
          ${RESPONSIVE_CSS}
        </style>
      </head>
      <body style="margin:0;padding:0;background:${COLORS.page};-webkit-text-size-adjust:100%;">
        <div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;" aria-hidden="true">
          ${input.preheader}
        </div>
        <div
          role="article"
          aria-roledescription="email"
          aria-label="${input.subject}"
          lang="${lang}"
          style="background:${COLORS.page};"
        >
          <table
            role="presentation"
            width="100%"
            cellpadding="0"
            cellspacing="0"
            border="0"
            style="width:100%;background:${COLORS.page};"
          >
            <tr>
              <td align="center" class="cl-outer" style="padding:24px 12px;">
                <table
                  role="presentation"
                  width="100%"
                  cellpadding="0"
                  cellspacing="0"
                  border="0"
                  style="width:100%;max-width:600px;background:${COLORS.card};border:1px solid ${COLORS.rule};border-radius:8px;"
                >
                  <tr>
                    <td
                      class="cl-card"
                      style="padding:32px 32px 20px;font-family:${FONT};font-size:16px;line-height:1.55;color:${COLORS.text};text-align:left;"
                    >
                      ${blocksToHtml(input.body)}
                    </td>
                  </tr>
                </table>
                <table
                  role="presentation"
                  width="100%"
                  cellpadding="0"
                  cellspacing="0"
                  border="0"
                  style="width:100%;max-width:600px;"
                >
                  <tr>
                    <td
                      class="cl-footer"
                      style="padding:16px 32px;font-family:${FONT};font-size:14px;line-height:1.5;color:${COLORS.muted};text-align:left;"
                    >
                      ${blocksToHtml(input.footer)}
                    </td>
                  </tr>
                </table>
              </td>
            </tr>
          </table>
        </div>
      </body>
    </html> `;
  const text = `${blocksToText(input.body)}\n\n-- \n${blocksToText(input.footer)}\n`;
  return { html: doc.toString(), text: cleanText(text) };
}
