import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, escapeHtml, html } from '../../../shared/email/html';

/** What cleanText and escapeHtml did before they learned to skip clean text: the rules, applied always. */
const cleanedAlways = (value: string) =>
  value
    .replace(/\r\n?/g, '\n')
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/g,
      '',
    )
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapedAlways = (value: string) => cleanedAlways(value).replace(/[&<>"']/g, (char) => ENTITIES[char]!);

describe('email text', () => {
  it('is cleaned: line endings, control characters, lone surrogates', () => {
    expect(cleanText('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
    expect(cleanText('tab\tstays, bell\u0007 and NEL\u0085 go')).toBe('tab\tstays, bell and NEL go');
    expect(cleanText('pair 😀 stays, lone \uD83D goes')).toBe('pair 😀 stays, lone \uFFFD goes');
    expect(cleanText('Hauptstraße 1')).toBe('Hauptstraße 1');
    expect(cleanText('Alex\u202E \u2068\u200Bname\uFEFF\u2069')).toBe('Alex name');
    expect(cleanText('joiners \u200D\u200C stay')).toBe('joiners \u200D\u200C stay');
  });

  it('is escaped for HTML, through the template tag too', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;',
    );
    expect(html`<p>${'<script>'}</p>`.toString()).toBe('<p>&lt;script&gt;</p>');
  });

  it('comes out as the rules applied to every character would make it, for any text', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.constantFrom(
          'a',
          ' ',
          '&',
          '<',
          '"',
          "'",
          '\r',
          '\n',
          '\t',
          '\u0000',
          '\u0085',
          '\u2028',
          '\u202E',
          '\u200B',
          '\u200D',
          '\uFEFF',
          '\uD83D',
          '\uDE00',
        ),
      }),
    );
    fc.assert(
      fc.property(text, (value) => {
        expect(cleanText(value)).toBe(cleanedAlways(value));
        expect(escapeHtml(value)).toBe(escapedAlways(value));
      }),
      { numRuns: 3_000 },
    );
  });
});
