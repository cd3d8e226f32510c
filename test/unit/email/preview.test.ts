import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../shared/email/html';
import {
  EMAIL_KINDS,
  HOSTILE_FIRST_NAME,
  HOSTILE_NOTE,
  writePreviews,
  type PreviewResult,
} from '../../../scripts/preview';

describe('npm run preview', () => {
  let dir: string;
  let result: PreviewResult;
  const read = (name: string) => readFile(join(dir, name), 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'careloop-preview-'));
    result = await writePreviews(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly the files it reports, index.html among them', async () => {
    expect(result.index).toBe(join(dir, 'index.html'));
    expect((await readdir(dir)).sort()).toEqual([...result.files].sort());
    expect(new Set(result.files).size).toBe(result.files.length);
  });

  it('renders every kind as HTML and text for the English, German and hostile samples', async () => {
    for (const sample of ['en', 'de', 'hostile'])
      for (const kind of EMAIL_KINDS) {
        expect(result.files).toContain(`${kind}-${sample}.html`);
        expect(result.files).toContain(`${kind}-${sample}.txt`);
        expect(await read(`${kind}-${sample}.html`)).toMatch(/^<!DOCTYPE html>/);
        expect((await read(`${kind}-${sample}.txt`)).trim()).not.toBe('');
      }
    expect(result.files).toContain('check-in-en-no-booking-prompt.html');
  });

  it('writes the calendar invitations of the appointment emails, and they parse', async () => {
    for (const kind of ['confirmation', 'reschedule', 'cancellation'])
      for (const sample of ['en', 'de', 'hostile']) {
        const ics = await read(`${kind}-${sample}.ics`);
        const calendar = new ICAL.Component(ICAL.parse(ics));
        expect(calendar.getFirstPropertyValue('method')).toBe(kind === 'cancellation' ? 'CANCEL' : 'REQUEST');
      }
    expect(result.files.filter((file) => file.endsWith('.ics'))).toHaveLength(9);
  });

  it('shows the pain trend, plan progress and the booking prompt where asked', async () => {
    const followUp = await read('follow-up-en.html');
    expect(followUp).toContain('Session 3 of 6');
    expect(followUp.match(/\d before, \d after/g)).toHaveLength(3);
    expect(await read('check-in-en.html')).toContain('https://riverside-pt.example/book');
    expect(await read('check-in-en-no-booking-prompt.html')).not.toContain('https://riverside-pt.example/book');
    expect(await read('confirmation-de.txt')).toContain('Ihr Termin ist gebucht');
  });

  it('lists every email in the index with its subject, escaped', async () => {
    const index = await read('index.html');
    expect(result.emails.length).toBe(EMAIL_KINDS.length * 3 + 1);
    for (const email of result.emails) {
      expect(index).toContain(`href="${email.html}"`);
      expect(index).toContain(`href="${email.text}"`);
      for (const attachment of email.attachments) expect(index).toContain(`href="${attachment}"`);
      expect(index).toContain(`>${escapeHtml(email.subject)}</a>`);
    }
    // Every link in the index points at a file that was written.
    for (const [, href] of index.matchAll(/href="([^"]+)"/g)) expect(result.files).toContain(href);
  });

  it('escapes the hostile name, note and location in every HTML part', async () => {
    for (const kind of EMAIL_KINDS) {
      const html = await read(`${kind}-hostile.html`);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<i>|<b>/);
      expect(html).not.toContain('javascript:');
      expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;Jo');
    }
    expect(await read('follow-up-hostile.html')).toContain('&lt;img src=x onerror=alert(&quot;note&quot;)&gt;');
    // The text part shows the same characters, as text.
    expect(await read('follow-up-hostile.txt')).toContain(HOSTILE_FIRST_NAME);
    expect(await read('follow-up-hostile.txt')).toContain(HOSTILE_NOTE.split('\n')[1]!);
    expect(await read('index.html')).not.toMatch(/<script/i);
  });

  it('is the same on every run (fixed dates)', async () => {
    const again = await mkdtemp(join(tmpdir(), 'careloop-preview-'));
    try {
      await writePreviews(again);
      for (const file of result.files)
        expect(await readFile(join(again, file), 'utf8'), file).toBe(await readFile(join(dir, file), 'utf8'));
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});
