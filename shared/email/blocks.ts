import { cleanText, html, joinLines, safeUrl, type SafeHtml } from './html';

/**
 * The content of an email as a small block model. Every template builds blocks; the
 * layout renders the same blocks to HTML (escaped by construction, inline styles) and to
 * plain text, so the two parts never drift apart.
 */

export type Inline = string | { strong: string } | { link: string; text: string };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; content: string | readonly Inline[]; muted?: boolean }
  | { type: 'list'; ordered?: boolean; items: readonly (string | readonly Inline[])[] }
  /** Label/value pairs, e.g. the appointment's date, time and therapist. */
  | { type: 'facts'; rows: readonly { label: string; value: string }[] }
  /** A small data table with column headings; each row's first cell heads that row. */
  | { type: 'table'; columns: readonly string[]; rows: readonly (readonly string[])[] }
  /** Someone's own words, line breaks kept (e.g. the therapist's note). */
  | { type: 'quote'; text: string; attribution?: string }
  | { type: 'panel'; tone: 'info' | 'warning'; blocks: readonly Block[] }
  /** A group of blocks; `lang` when its text is in another language than the email's. */
  | { type: 'section'; blocks: readonly Block[]; lang?: string }
  | { type: 'button'; href: string; text: string }
  /** Buttons side by side, wrapping on a narrow screen: the first filled, the others outlined. */
  | { type: 'buttons'; buttons: readonly { href: string; text: string }[] };

export const COLORS = {
  text: '#1f2933',
  muted: '#4b5563',
  accent: '#0b5d57',
  page: '#f3f5f4',
  card: '#ffffff',
  rule: '#d9e2e1',
  infoBg: '#eef6f5',
  warnBg: '#fff5eb',
  warnBorder: '#b54708',
} as const;

export const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Width of a facts table's label column, in px (see `S.th`). */
const FACTS_LABEL_WIDTH = 116;

const S = {
  h1: `margin:0 0 16px;font-family:${FONT};font-size:24px;line-height:1.3;font-weight:700;color:${COLORS.accent};`,
  h2: `margin:28px 0 12px;font-family:${FONT};font-size:19px;line-height:1.35;font-weight:700;color:${COLORS.accent};`,
  h3: `margin:20px 0 8px;font-family:${FONT};font-size:17px;line-height:1.4;font-weight:700;color:${COLORS.text};`,
  p: `margin:0 0 14px;font-family:${FONT};font-size:16px;line-height:1.55;color:${COLORS.text};`,
  pMuted: `margin:0 0 14px;font-family:${FONT};font-size:14px;line-height:1.5;color:${COLORS.muted};`,
  list: `margin:0 0 14px;padding:0 0 0 24px;font-family:${FONT};font-size:16px;line-height:1.55;color:${COLORS.text};`,
  li: 'margin:0 0 6px;',
  facts: `width:100%;margin:0 0 16px;border-collapse:collapse;font-family:${FONT};font-size:16px;line-height:1.5;color:${COLORS.text};`,
  /**
   * One fixed label width for every facts table, so that the values of consecutive tables
   * (one per exercise) line up instead of each table sizing its label column to its own
   * content. Wide enough for the longest fixed label ("Therapeut/in"); a longer one wraps.
   */
  th: `width:${FACTS_LABEL_WIDTH}px;padding:8px 12px 8px 0;border-bottom:1px solid ${COLORS.rule};text-align:left;vertical-align:top;font-weight:600;`,
  td: `padding:8px 0;border-bottom:1px solid ${COLORS.rule};text-align:left;vertical-align:top;`,
  /** As wide as its columns: a few short values read best close together. */
  table: `margin:0 0 16px;border-collapse:collapse;font-family:${FONT};font-size:16px;line-height:1.5;color:${COLORS.text};`,
  tableHead: `padding:8px 24px 8px 0;border-bottom:2px solid ${COLORS.rule};text-align:left;vertical-align:bottom;font-weight:600;`,
  tableCell: `padding:8px 24px 8px 0;border-bottom:1px solid ${COLORS.rule};text-align:left;vertical-align:top;font-weight:400;`,
  quote: `margin:0 0 16px;padding:12px 16px;border-left:4px solid ${COLORS.accent};background:${COLORS.infoBg};font-family:${FONT};font-size:16px;line-height:1.55;color:${COLORS.text};`,
  quoteP: 'margin:0 0 8px;',
  cite: `display:block;margin-top:4px;font-style:normal;font-size:14px;color:${COLORS.muted};`,
  info: `margin:20px 0;padding:16px;border-left:4px solid ${COLORS.accent};background:${COLORS.infoBg};`,
  warning: `margin:20px 0;padding:16px;border-left:4px solid ${COLORS.warnBorder};background:${COLORS.warnBg};`,
  button: `display:inline-block;padding:12px 22px;border-radius:6px;background:${COLORS.accent};color:#ffffff;font-family:${FONT};font-size:16px;font-weight:600;line-height:1.2;text-decoration:none;`,
  /** As tall as `button`: its 2px border takes the place of 2px of padding. */
  buttonOutlined: `display:inline-block;padding:10px 20px;border:2px solid ${COLORS.accent};border-radius:6px;background:${COLORS.card};color:${COLORS.accent};font-family:${FONT};font-size:16px;font-weight:600;line-height:1.2;text-decoration:none;`,
  /** The gap between buttons in a row, and below a row that wraps. */
  buttonInRow: 'margin:0 8px 8px 0;',
  link: `color:${COLORS.accent};text-decoration:underline;`,
} as const;

/** Text with its line breaks kept as <br>. */
function textHtml(text: string): SafeHtml {
  return html`${cleanText(text)
    .split('\n')
    .map((line, i) => (i === 0 ? html`${line}` : html`<br />${line}`))}`;
}

function inlineHtml(content: string | readonly Inline[]): SafeHtml {
  if (typeof content === 'string') return textHtml(content);
  return html`${content.map((part) => {
    if (typeof part === 'string') return textHtml(part);
    if ('strong' in part) return html`<strong>${part.strong}</strong>`;
    const href = safeUrl(part.link);
    return href ? html`<a href="${href}" style="${S.link}">${part.text}</a>` : html`${part.text}`;
  })}`;
}

function inlineText(content: string | readonly Inline[]): string {
  if (typeof content === 'string') return cleanText(content);
  return content
    .map((part) => {
      if (typeof part === 'string') return cleanText(part);
      if ('strong' in part) return cleanText(part.strong);
      const href = safeUrl(part.link);
      return href ? `${cleanText(part.text)} (${href})` : cleanText(part.text);
    })
    .join('');
}

/** Paragraphs (blank-line separated) of untrusted multi-line text, each line break kept as <br>. */
function multilineHtml(text: string): SafeHtml[] {
  return cleanText(text)
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => {
      return html`<p style="${S.quoteP}">${textHtml(paragraph)}</p>`;
    });
}

/**
 * Whether a block sits at the top or bottom edge of a panel. A panel's padding alone sets
 * the space inside it, so the block's own outer margin on that side is dropped (otherwise
 * a heading's 28px top margin makes the space above it much larger than below).
 */
interface Edges {
  first?: boolean;
  last?: boolean;
}

/** Who a quote is by, cleaned; empty when there is no (non-blank) attribution. */
function attributionOf(block: { attribution?: string }): string {
  return block.attribution ? cleanText(block.attribution).trim() : '';
}

export function blocksToHtml(blocks: readonly Block[], edges: Edges = {}): SafeHtml {
  return joinLines(
    blocks.map((block, i) =>
      blockToHtml(block, {
        first: edges.first === true && i === 0,
        last: edges.last === true && i === blocks.length - 1,
      }),
    ),
  );
}

/** A block style with its outer margin removed on the edges it sits at. */
function edged(style: string, edges: Edges): string {
  return `${style}${edges.first ? 'margin-top:0;' : ''}${edges.last ? 'margin-bottom:0;' : ''}`;
}

function blockToHtml(block: Block, edges: Edges): SafeHtml {
  switch (block.type) {
    case 'heading':
      if (block.level === 1) return html`<h1 style="${edged(S.h1, edges)}">${block.text}</h1>`;
      if (block.level === 2) return html`<h2 style="${edged(S.h2, edges)}">${block.text}</h2>`;
      return html`<h3 style="${edged(S.h3, edges)}">${block.text}</h3>`;
    case 'paragraph':
      return html`<p style="${edged(block.muted ? S.pMuted : S.p, edges)}">${inlineHtml(block.content)}</p>`;
    case 'list': {
      const lastItem = block.items.length - 1;
      const items = joinLines(
        block.items.map((item, i) => {
          const style = edged(S.li, { last: edges.last === true && i === lastItem });
          return html`<li style="${style}">${inlineHtml(item)}</li>`;
        }),
      );
      return block.ordered
        ? html`<ol style="${edged(S.list, edges)}">
            ${items}
          </ol>`
        : html`<ul style="${edged(S.list, edges)}">
            ${items}
          </ul>`;
    }
    case 'facts':
      return html`<table style="${edged(S.facts, edges)}">
        <tbody>
          ${joinLines(
            block.rows.map(
              (row) =>
                html`<tr>
                  <th scope="row" style="${S.th}">${row.label}</th>
                  <td style="${S.td}">${row.value}</td>
                </tr>`,
            ),
          )}
        </tbody>
      </table>`;
    case 'table':
      return html`<table style="${edged(S.table, edges)}">
        <thead>
          <tr>
            ${joinLines(block.columns.map((column) => html`<th scope="col" style="${S.tableHead}">${column}</th>`))}
          </tr>
        </thead>
        <tbody>
          ${joinLines(
            block.rows.map(
              (row) =>
                html`<tr>
                  ${joinLines(
                    row.map((cell, i) =>
                      i === 0
                        ? html`<th scope="row" style="${S.tableCell}">${cell}</th>`
                        : html`<td style="${S.tableCell}">${cell}</td>`,
                    ),
                  )}
                </tr>`,
            ),
          )}
        </tbody>
      </table>`;
    case 'quote': {
      // The attribution reads "— Name" in both parts (see blockToText).
      const attribution = attributionOf(block);
      return html`<blockquote style="${edged(S.quote, edges)}">
        ${multilineHtml(block.text)}${attribution ? html`<cite style="${S.cite}">— ${attribution}</cite>` : ''}
      </blockquote>`;
    }
    case 'panel':
      return html`<div style="${edged(block.tone === 'warning' ? S.warning : S.info, edges)}">
        ${blocksToHtml(block.blocks, { first: true, last: true })}
      </div>`;
    case 'section':
      return block.lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(block.lang)
        ? html`<div lang="${block.lang}">${blocksToHtml(block.blocks, edges)}</div>`
        : html`<div>${blocksToHtml(block.blocks, edges)}</div>`;
    case 'button': {
      const href = safeUrl(block.href);
      if (!href) return html``;
      const style = edged(`${S.p}margin:20px 0;`, edges);
      return html`<p style="${style}"><a href="${href}" style="${S.button}">${block.text}</a></p>`;
    }
    case 'buttons': {
      const links = block.buttons.flatMap((button, i) => {
        const href = safeUrl(button.href);
        const style = `${i === 0 ? S.button : S.buttonOutlined}${S.buttonInRow}`;
        return href ? [html`<a href="${href}" style="${style}">${button.text}</a>`] : [];
      });
      if (links.length === 0) return html``;
      // The row's own bottom margin less the last row's 8px below its buttons.
      const style = edged(`${S.p}margin:20px 0 12px;`, edges);
      return html`<p style="${style}">${links.map((link, i) => (i === 0 ? link : html` ${link}`))}</p>`;
    }
  }
}

function underline(text: string, char: string): string {
  return `${text}\n${char.repeat(Math.min(Array.from(text).length, 72))}`;
}

/** Columns padded to their widest cell (in characters), so the text part reads as a table too. */
function tableText(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [columns, ...rows].map((row) => row.map((cell) => cleanText(cell).replace(/\s+/g, ' ').trim()));
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => Array.from(line[i] ?? '').length)));
  const pad = (cell: string, width: number) => cell + ' '.repeat(Math.max(0, width - Array.from(cell).length));
  return lines
    .map((line) =>
      widths
        .map((width, i) => pad(line[i] ?? '', width))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function indentAfterFirst(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}

export function blocksToText(blocks: readonly Block[]): string {
  return blocks
    .map(blockToText)
    .filter((part) => part !== '')
    .join('\n\n');
}

function blockToText(block: Block): string {
  switch (block.type) {
    case 'heading': {
      const text = cleanText(block.text);
      if (block.level === 1) return underline(text, '=');
      if (block.level === 2) return underline(text, '-');
      return `» ${text}`;
    }
    case 'paragraph':
      return inlineText(block.content);
    case 'list':
      return block.items
        .map((item, i) => {
          const marker = block.ordered ? `${i + 1}. ` : '- ';
          return marker + indentAfterFirst(inlineText(item), ' '.repeat(marker.length));
        })
        .join('\n');
    case 'facts':
      return block.rows.map((row) => `${cleanText(row.label)}: ${cleanText(row.value)}`).join('\n');
    case 'table':
      return tableText(block.columns, block.rows);
    case 'quote': {
      const body = cleanText(block.text)
        .trim()
        .split('\n')
        .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
        .join('\n');
      const attribution = attributionOf(block);
      return attribution ? `${body}\n> — ${attribution}` : body;
    }
    case 'panel':
    case 'section':
      return blocksToText(block.blocks);
    case 'button':
      return buttonText(block);
    case 'buttons':
      return block.buttons.map(buttonText).filter(Boolean).join('\n');
  }
}

/** A button in the text part: its words, then where it goes. */
function buttonText(button: { href: string; text: string }): string {
  const href = safeUrl(button.href);
  return href ? `${cleanText(button.text)}: ${href}` : '';
}
