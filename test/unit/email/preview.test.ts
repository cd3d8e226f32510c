import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../shared/email/html';
import {
  ANSWER_PAGES,
  EMAIL_KINDS,
  HOSTILE_CLINIC_NAME,
  HOSTILE_FIRST_NAME,
  HOSTILE_GOAL,
  HOSTILE_NOTE,
  HOSTILE_POLICY,
  PLAN_COMPLETE_SAMPLES,
  SAMPLE_NAMES,
  writePreviews,
  type PreviewResult,
} from '../../../scripts/preview';
import { parseDocument } from '../../support/html-document';

const example = JSON.parse(
  await readFile(new URL('../../../events/examples/clinic-profile-updated.json', import.meta.url), 'utf8'),
) as { Detail: { profile: { name: string; phone: string; cancellationPolicy: string } } };

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

  it('renders every kind as HTML and text for every sample', async () => {
    expect(EMAIL_KINDS).toEqual(expect.arrayContaining(['missed', 'plan-nudge']));
    for (const sample of SAMPLE_NAMES)
      for (const kind of EMAIL_KINDS) {
        expect(result.files).toContain(`${kind}-${sample}.html`);
        expect(result.files).toContain(`${kind}-${sample}.txt`);
        expect(await read(`${kind}-${sample}.html`)).toMatch(/^<!DOCTYPE html>/);
        expect((await read(`${kind}-${sample}.txt`)).trim()).not.toBe('');
      }
    expect(result.files).toContain('check-in-en-no-booking-prompt.html');
    for (const sample of PLAN_COMPLETE_SAMPLES)
      expect(result.files).toContain(`follow-up-${sample}-plan-complete.html`);
  });

  it('writes the calendar invitations of the appointment emails, and they parse', async () => {
    for (const kind of ['confirmation', 'reschedule', 'cancellation'])
      for (const sample of SAMPLE_NAMES) {
        const ics = await read(`${kind}-${sample}.ics`);
        const calendar = new ICAL.Component(ICAL.parse(ics));
        expect(calendar.getFirstPropertyValue('method')).toBe(kind === 'cancellation' ? 'CANCEL' : 'REQUEST');
      }
    expect(result.files.filter((file) => file.endsWith('.ics'))).toHaveLength(3 * SAMPLE_NAMES.length);
  });

  it('shows the pain trend, plan progress and the booking prompt where asked', async () => {
    const followUp = await read('follow-up-en.html');
    expect(followUp).toContain('Session 3 of 6');
    expect(followUp.match(/\d before, \d after/g)).toHaveLength(3);
    expect(await read('check-in-en.html')).toContain('https://riverside-pt.example/book');
    expect(await read('check-in-en-no-booking-prompt.html')).not.toContain('https://riverside-pt.example/book');
    expect(await read('confirmation-de.txt')).toContain('Ihr Termin ist gebucht');
  });

  it('takes each clinic from its ClinicProfileUpdated event, the English one from the contract example', async () => {
    const { name, phone, cancellationPolicy } = example.Detail.profile;
    for (const kind of EMAIL_KINDS) {
      const text = await read(`${kind}-en.txt`);
      expect(text).toContain(`The team at ${name}`);
      expect(text).toContain(`call us on ${phone}`);
      expect(await read(`${kind}-de.txt`)).toContain('Ihr Team von Physiotherapie Mitte');
    }
    for (const kind of ['confirmation', 'reminder']) {
      expect(await read(`${kind}-en.txt`)).toContain(cancellationPolicy);
      expect(await read(`${kind}-de.txt`)).toContain('Bitte sagen Sie Ihren Termin spätestens 24 Stunden vorher ab');
    }
    expect(await read('confirmation-en.ics')).toContain(`ORGANIZER;CN="${name}"`);
    // The booking page's {patientId}, filled in with the sample's id.
    expect(await read('missed-en.html')).toContain('href="https://riverside-pt.example/book?patient=pt-alex-0042"');
    // The German clinic has no booking page: book by phone.
    expect(await read('missed-de.txt')).toContain('Für einen Termin erreichen Sie uns unter 030 1234567.');
  });

  it('keeps the neutral wording for a clinic without a profile', async () => {
    for (const kind of EMAIL_KINDS) {
      const en = await read(`${kind}-en-no-profile.txt`);
      const de = await read(`${kind}-de-no-profile.txt`);
      expect(en).toContain('Your care team');
      expect(en).toContain('please get in touch with the clinic');
      expect(de).toContain('Ihr Praxisteam');
      expect(de).toContain('wenden Sie sich bitte an die Praxis');
      for (const part of [en, de])
        expect(part).not.toMatch(/The team at|Ihr Team von|cancellation policy|Absageregelung/);
    }
    expect(await read('confirmation-en-no-profile.ics')).toContain('ORGANIZER:mailto:');
  });

  it('previews the missed appointment, the nudge and the plan summary in English and German', async () => {
    expect(await read('missed-en.txt')).toMatch(/^Subject: We missed you today\n/);
    expect(await read('missed-de.txt')).toMatch(/^Subject: Wir haben Sie heute vermisst\n/);
    expect(await read('plan-nudge-en.txt')).toContain('So far you have completed 3 of the 6 sessions in your plan.');
    expect(await read('plan-nudge-de.txt')).toContain(
      'Bisher haben Sie 3 der 6 Behandlungen Ihres Plans abgeschlossen.',
    );
    const summary = await read('follow-up-en-plan-complete.txt');
    expect(summary).toContain('You have completed 6 of 6 planned sessions.');
    expect(summary).toContain('- Relieving pain\n- Moving more freely\n- Improving your posture');
    expect(summary).toContain('Session  Date         Before  After\n1        Wed, Feb 3   8       5\n');
    expect(summary.match(/^[1-6] {8}Wed, \w{3} \d+ +\d /gm)).toHaveLength(6);
    expect(summary).toContain('not rated');
    expect(summary).not.toContain('Session 6 of 6');
    expect(await read('follow-up-de-plan-complete.txt')).toContain(
      '- Stress und Anspannung abbauen\n- Die Haltung verbessern',
    );
  });

  it('lists every email in the index with its subject, escaped', async () => {
    const index = await read('index.html');
    expect(result.emails.length).toBe(EMAIL_KINDS.length * SAMPLE_NAMES.length + PLAN_COMPLETE_SAMPLES.length + 1);
    for (const email of result.emails) {
      expect(index).toContain(`href="${email.html}"`);
      expect(index).toContain(`href="${email.text}"`);
      for (const attachment of email.attachments) expect(index).toContain(`href="${attachment}"`);
      expect(index).toContain(`>${escapeHtml(email.subject)}</a>`);
    }
    // Every link in the index points at a file that was written.
    for (const [, href] of index.matchAll(/href="([^"]+)"/g)) expect(result.files).toContain(href);
  });

  it('escapes the hostile name, note, location, clinic name, policy and goal in every HTML part', async () => {
    for (const kind of [...EMAIL_KINDS, 'follow-up-hostile-plan-complete']) {
      const html = await read(kind.endsWith('complete') ? `${kind}.html` : `${kind}-hostile.html`);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<i>|<b>/);
      expect(html).not.toContain('javascript:');
      expect(html).not.toContain('https://pay.example"');
      expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;Jo');
      expect(html).toContain(escapeHtml(HOSTILE_CLINIC_NAME));
    }
    for (const kind of ['confirmation', 'reminder']) {
      expect(await read(`${kind}-hostile.html`)).toContain(escapeHtml(HOSTILE_POLICY).replace('\n', '<br />'));
      expect(await read(`${kind}-hostile.txt`)).toContain(HOSTILE_POLICY);
    }
    expect(await read('follow-up-hostile-plan-complete.html')).toContain(
      '&lt;script&gt;alert(&quot;goal&quot;)&lt;/script&gt;better sleep',
    );
    expect(await read('follow-up-hostile-plan-complete.txt')).toContain(HOSTILE_GOAL.replace('-', ' '));
    // The booking link's query arrives URL-encoded; the calendar's ORGANIZER keeps the name in one quoted value.
    expect(await read('missed-hostile.html')).toContain('x=%22%3E%3Cscript%3Ealert(%22book%22)%3C/script%3E"');
    expect(await read('confirmation-hostile.ics')).toContain('ORGANIZER;CN="<b>Riverside</b> PT <script>alert(clinic)');
    expect(await read('follow-up-hostile.html')).toContain('&lt;img src=x onerror=alert(&quot;note&quot;)&gt;');
    // The text part shows the same characters, as text.
    expect(await read('follow-up-hostile.txt')).toContain(HOSTILE_FIRST_NAME);
    expect(await read('follow-up-hostile.txt')).toContain(HOSTILE_NOTE.split('\n')[1]!);
    expect(await read('index.html')).not.toMatch(/<script/i);
  });

  it('links the answer page from confirmations, reminders, follow-ups and check-ins', async () => {
    const page = 'https://abc.lambda-url.eu-central-1.on.aws/preview-answer-en';
    for (const kind of ['confirmation', 'reminder']) {
      const text = await read(`${kind}-en.txt`);
      expect(text).toContain(`I'll be there: ${page}?choice=confirmed\n`);
      expect(text).toContain(`I need to cancel or change it: ${page}?choice=change-requested`);
    }
    for (const kind of ['follow-up', 'check-in'])
      expect(await read(`${kind}-de.txt`)).toContain(
        'In einer Minute antworten: https://abc.lambda-url.eu-central-1.on.aws/preview-answer-de\n',
      );
    for (const kind of ['reschedule', 'cancellation', 'missed', 'plan-nudge'])
      expect(await read(`${kind}-en.html`)).not.toContain(page);
  });

  it("writes the answer pages every sample's links open, sound, in its language, listed in the index", async () => {
    const index = await read('index.html');
    const pages = Object.keys(ANSWER_PAGES);
    expect(result.pages).toHaveLength(SAMPLE_NAMES.length * pages.length);
    for (const sample of SAMPLE_NAMES)
      for (const page of pages) {
        const file = `answer-${page}-${sample}.html`;
        expect(result.files).toContain(file);
        expect(index).toContain(`href="${file}"`);
        const source = await read(file);
        expect(parseDocument(source).problems, file).toEqual([]);
        expect(source).toContain(`<html lang="${sample.startsWith('de') ? 'de' : 'en'}"`);
      }
    // As in the American sample's emails, and its clinic's phone to dial.
    const attendance = await read('answer-attendance-en.html');
    expect(attendance).toContain('3:00 PM–4:00 PM (Central Standard Time)');
    expect(attendance).toContain(`href="tel:${example.Detail.profile.phone.replace(/[^\d+]/g, '')}"`);
    expect(await read('answer-check-in-escalation-de.html')).toContain('rufen Sie jetzt den Notruf');
  });

  it('escapes the hostile sample in its answer pages', async () => {
    for (const page of Object.keys(ANSWER_PAGES)) {
      const html = await read(`answer-${page}-hostile.html`);
      expect(html).not.toMatch(/<script|<img|<b>|<i>/i);
      // Every page names the clinic, but the one for a forged link, which says nothing of whom it was for.
      expect(html.includes(escapeHtml(HOSTILE_CLINIC_NAME)), page).toBe(page !== 'invalid');
    }
    expect(await read('answer-attendance-hostile.html')).toContain(escapeHtml(HOSTILE_POLICY).replace('\n', '<br />'));
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
