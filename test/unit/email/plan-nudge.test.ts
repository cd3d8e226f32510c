import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { planEmail, renderPlanEmail } from '../../../shared/email/plan-emails';
import { renderEmail } from '../../../shared/email/render';
import type { ClinicContact, PlanStatus, RenderContext } from '../../../shared/email/types';
import { clinic, nudgeContext, planStatus, type ModelOf } from './fixtures';

const nudge = (locale: string, plan: PlanStatus = planStatus): ModelOf<'plan-nudge'> => ({
  kind: 'plan-nudge',
  recipient: { firstName: 'Max', locale },
  plan,
});

const unsubscribed: RenderContext = { ...nudgeContext, unsubscribeUrl: 'https://careloop.example/u/token' };
const render = (locale: string, contact?: ClinicContact, plan?: PlanStatus) =>
  renderEmail(nudge(locale, plan), { ...unsubscribed, ...(contact && { clinic: contact }) });

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the nudge to continue a treatment plan', () => {
  it.each([
    ['en', 'How is your treatment plan going?'],
    ['de', 'Wie läuft Ihr Behandlungsplan?'],
  ])('has a subject without numbers or care details (%s)', (locale, subject) => {
    expect(render(locale).subject).toBe(subject);
    expect(render(locale, clinic).subject).toBe(subject);
  });

  it.each([
    [
      'en',
      [
        'Keep your progress going',
        'Hello Max,',
        'Your last session was on Wednesday, 3 March 2027, and you do not have another one booked yet.',
        'So far you have completed 2 of the 6 sessions in your plan.',
        'Regular sessions help: the benefits of treatment build from one session to the next',
        'Ready for your next session?',
        'If something is in the way, or you would like to change your plan, just let us know',
      ],
    ],
    [
      'de',
      [
        'Bleiben Sie dran',
        'Hallo Max,',
        'Ihre letzte Behandlung war am Mittwoch, 3. März 2027, und Sie haben noch keinen neuen Termin gebucht.',
        'Bisher haben Sie 2 der 6 Behandlungen Ihres Plans abgeschlossen.',
        'Regelmäßige Behandlungen helfen: Die Wirkung baut sich von Termin zu Termin auf',
        'Bereit für Ihre nächste Behandlung?',
        'Wenn etwas dazwischenkommt oder Sie Ihren Plan ändern möchten, sagen Sie uns einfach Bescheid',
      ],
    ],
  ])('says how far the plan has come, that regular sessions help, and how to book (%s)', (locale, lines) => {
    for (const email of [render(locale), render(locale, clinic)]) {
      for (const line of lines) expect(email.text).toContain(line);
      expect(email.html).toContain(`lang="${locale}"`);
      expect(email.attachments).toEqual([]);
    }
    expect(render(locale, clinic).html).toContain(
      '<a href="https://praxis-mitte.example/book?patient=p-1" style="display:inline-block;',
    );
    const { bookingUrl: _dropped, ...phoneOnly } = clinic;
    expect(render(locale, phoneOnly).text).toMatch(
      locale === 'de'
        ? /Für einen Termin erreichen Sie uns unter \+49 30 1234567\./
        : /To book, call us on \+49 30 1234567\./,
    );
    expect(render(locale).text).toMatch(
      locale === 'de'
        ? /Für einen Termin wenden Sie sich bitte an die Praxis\./
        : /To book, please get in touch with the clinic\./,
    );
  });

  it('tells the last session by its date in the patient’s zone, or by days, or from the plan’s start', () => {
    // Just after midnight in Tokyo, still the day before in Berlin.
    const late = { ...planStatus, lastSessionAt: '2027-03-03T15:30:00Z', timezone: 'Asia/Tokyo' };
    expect(render('en', clinic, late).text).toContain('Your last session was on Thursday, 4 March 2027');
    const { lastSessionAt: _unknown, ...undated } = planStatus;
    expect(render('en', clinic, undated).text).toContain('It has been 21 days since your last session');
    expect(render('de', clinic, undated).text).toContain('Ihre letzte Behandlung ist 21 Tage her');
    const notStarted = { ...undated, sessionsCompleted: 0, daysSinceLastSession: 1 };
    expect(render('en', clinic, notStarted).text).toContain('Your treatment plan began 1 day ago');
    expect(render('en', clinic, notStarted).text).toContain('Your plan has 6 sessions.');
    expect(render('de', clinic, notStarted).text).toContain('Ihr Behandlungsplan hat vor einem Tag begonnen');
    expect(render('de', clinic, notStarted).text).toContain('Ihr Plan umfasst 6 Behandlungen.');
  });

  it('has the self-care footer with the unsubscribe link', () => {
    for (const [locale, unsubscribe] of [
      ['en', 'Unsubscribe from self-care emails'],
      ['de', 'Nachsorge-E-Mails abbestellen'],
    ] as const) {
      const email = render(locale, clinic);
      expect(email.html).toContain(
        `<a href="https://careloop.example/u/token" style="color:#0b5d57;text-decoration:underline;">${unsubscribe}</a>`,
      );
      expect(email.text).toContain(`${unsubscribe} (https://careloop.example/u/token)`);
      expect(email.text).toMatch(/agreed to receive self-care follow-ups|Nachsorge-E-Mails zur Selbstpflege/);
    }
  });

  it('is what sendOnce writes through planEmail', () => {
    const email = planEmail(nudge('en'));
    expect(email.kind).toBe('plan-nudge');
    expect(email.render(unsubscribed)).toEqual(renderPlanEmail(nudge('en'), unsubscribed));
  });

  it('can be bundled without the self-care library', async () => {
    const inputs = async (entry: string) => {
      const { metafile } = await build({
        entryPoints: [join(projectRoot, entry)],
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform: 'node',
        logLevel: 'silent',
      });
      return Object.keys(metafile.inputs).map((input) => relative(projectRoot, join(process.cwd(), input)));
    };
    const plan = await inputs('shared/email/plan-emails.ts');
    expect(plan).toContain('shared/email/compose.ts');
    expect(plan.filter((input) => input.startsWith('shared/self-care/'))).toEqual([]);
    // The way the check can tell: the follow-ups' family carries it.
    expect(
      (await inputs('shared/email/session-emails.ts')).some((input) => input.startsWith('shared/self-care/')),
    ).toBe(true);
  });
});
