/**
 * HTML that is safe by construction. `html` is a tagged template: its literal parts are
 * trusted (they are source code), every interpolated value is escaped unless it is itself
 * a `SafeHtml` made by `html`. Nothing outside this module can mark a string as safe.
 */

const brand = Symbol('SafeHtml');

export class SafeHtml {
  readonly #value: string;
  constructor(key: symbol, value: string) {
    if (key !== brand) throw new TypeError('SafeHtml can only be made by the html template tag');
    this.#value = value;
  }
  toString(): string {
    return this.#value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const SPECIAL_IN_HTML = /[&<>"']/;

/** Escapes text for element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  const clean = cleanText(value);
  // Most of an email's values (names, dates, styles) have nothing to escape: one test, no copy.
  return SPECIAL_IN_HTML.test(clean) ? clean.replace(/[&<>"']/g, (char) => ENTITIES[char]!) : clean;
}

/** Any character `cleanText` changes: CR, the controls and invisible characters it removes, any surrogate. */
const NEEDS_CLEANING =
  /[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\uFEFF\uD800-\uDFFF]/;

/**
 * Untrusted text made fit for an email or a calendar file: line endings normalised to `\n`;
 * control characters (other than newline and tab), line and paragraph separators, bidirectional
 * controls, zero-width spaces and byte-order marks removed (the contract refuses the latter in
 * new events; records stored before it may hold them); lone surrogates replaced.
 */
export function cleanText(value: string): string {
  if (!NEEDS_CLEANING.test(value)) return value;
  return value
    .replace(/\r\n?/g, '\n')
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/g,
      '',
    )
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function interpolate(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(brand, out);
}

/** Joins safe fragments one per line (keeps the HTML's lines short for mail transport). */
export function joinLines(parts: readonly SafeHtml[]): SafeHtml {
  return new SafeHtml(brand, parts.map(String).join('\n'));
}

/** Only http(s), mailto and tel links are allowed into an email; anything else is dropped. */
export function safeUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  try {
    const url = new URL(trimmed);
    return ['https:', 'http:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A link a patient is asked to follow to book (a button): https only, and with no user name or
 * password in it, as the contract asks of a clinic's booking page. A plain http page would take
 * the patient's booking over an unencrypted connection; such a link is left out and the email
 * says how to book by phone instead.
 */
export function safeHttpsUrl(value: string | undefined): string | undefined {
  const href = safeUrl(value);
  if (!href) return undefined;
  const url = new URL(href);
  return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password ? href : undefined;
}
