import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/email/render';
import type { EmailModel, RenderContext } from '../../../shared/email/types';
import { attendanceAnswerUrl, attendanceChoiceOf, CHOICE_PARAMETER } from '../../../shared/patient-pages/links';
import { clinic, context, contextOf, models } from './fixtures';

const ANSWER_URL = 'https://abc.lambda-url.eu-central-1.on.aws/tok-123';
const withAnswer = (model: EmailModel, answerUrl = ANSWER_URL): RenderContext => ({
  ...contextOf(model, { ...context, clinic }),
  answerUrl,
});
const withoutAnswer = (model: EmailModel): RenderContext => contextOf(model, { ...context, clinic });

const ATTENDANCE_KINDS = ['confirmation', 'reminder'];
const HOW_KINDS = ['follow-up', 'check-in'];
const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'));
const answerHrefs = (html: string, base = ANSWER_URL) => hrefs(html).filter((href) => href.startsWith(base));

describe('answer links in emails', () => {
  it.each(['en', 'de'])('confirmation and reminder ask "will you be there?" with both answers (%s)', (locale) => {
    for (const model of models(locale).filter((model) => ATTENDANCE_KINDS.includes(model.kind))) {
      const email = renderEmail(model, withAnswer(model));
      expect(answerHrefs(email.html), model.kind).toEqual([
        `${ANSWER_URL}?choice=confirmed`,
        `${ANSWER_URL}?choice=change-requested`,
      ]);
      const [confirmed, change] =
        locale === 'en'
          ? ["I'll be there", 'I need to cancel or change it']
          : ['Ich komme', 'Ich muss absagen oder verschieben'];
      expect(email.text).toContain(`${confirmed}: ${ANSWER_URL}?choice=confirmed\n`);
      expect(email.text).toContain(`${change}: ${ANSWER_URL}?choice=change-requested`);
      expect(email.text).toContain(locale === 'en' ? 'Will you be there?' : 'Kommen Sie zu Ihrem Termin?');
      expect(email.html).toContain(`>${confirmed.replace("'", '&#39;')}</a>`);
    }
  });

  it.each(['en', 'de'])('follow-up and check-in link the answer page once, as it is (%s)', (locale) => {
    for (const model of models(locale).filter((model) => HOW_KINDS.includes(model.kind))) {
      const email = renderEmail(model, withAnswer(model));
      expect(answerHrefs(email.html), model.kind).toEqual([ANSWER_URL]);
      const button = locale === 'en' ? 'Tell us in a minute' : 'In einer Minute antworten';
      expect(email.text).toContain(`${button}: ${ANSWER_URL}`);
      expect(email.text).not.toContain(`${CHOICE_PARAMETER}=`);
    }
  });

  it('asks under its own heading in a follow-up, not again in a check-in whose heading already asks', () => {
    const [followUp, checkIn] = models('de').filter((model) => HOW_KINDS.includes(model.kind));
    const headings = (model: EmailModel) =>
      [...renderEmail(model, withAnswer(model)).html.matchAll(/<h[12][^>]*>([^<]*)</g)].map((match) => match[1]);
    expect(headings(followUp!)).toContain('Wie geht es Ihnen?');
    expect(headings(checkIn!).filter((heading) => heading === 'Wie geht es Ihnen?')).toHaveLength(1);
  });

  it('keeps a query the answer URL already has', () => {
    const confirmation = models()[0]!;
    const base = `${ANSWER_URL}?lang=de&choice=old`;
    const email = renderEmail(confirmation, withAnswer(confirmation, base));
    expect(answerHrefs(email.html, ANSWER_URL)).toEqual([
      `${ANSWER_URL}?lang=de&choice=confirmed`,
      `${ANSWER_URL}?lang=de&choice=change-requested`,
    ]);
  });

  it('never puts an answer link in a subject', () => {
    for (const model of models())
      expect(renderEmail(model, withAnswer(model)).subject).toBe(renderEmail(model, withoutAnswer(model)).subject);
  });

  it('offers no answer without an answer URL, or with one that is not http(s)', () => {
    for (const model of models())
      for (const answerUrl of [undefined, 'javascript:alert(1)', 'mailto:x@example.com', 'not a url']) {
        const email = renderEmail(model, { ...withoutAnswer(model), ...(answerUrl && { answerUrl }) });
        expect(email.html, `${model.kind} ${answerUrl}`).not.toMatch(/choice=|Will you be there|Tell us in a minute/);
        expect(email.text).not.toMatch(/choice=|Will you be there|Tell us in a minute/);
        expect(email.html).not.toContain('javascript:');
      }
  });

  it('leaves the cancellation, reschedule, missed and nudge emails as they are', () => {
    for (const model of models().filter((model) => ![...ATTENDANCE_KINDS, ...HOW_KINDS].includes(model.kind))) {
      const withLink = renderEmail(model, withAnswer(model));
      const without = renderEmail(model, withoutAnswer(model));
      expect(withLink.html, model.kind).toBe(without.html);
      expect(withLink.text).toBe(without.text);
    }
  });

  it('escapes an answer URL that tries to leave its attribute', () => {
    const confirmation = models()[0]!;
    const email = renderEmail(confirmation, withAnswer(confirmation, `${ANSWER_URL}?x="><script>alert(1)</script>`));
    expect(email.html).not.toContain('<script>');
    expect(answerHrefs(email.html)).toHaveLength(2);
  });
});

describe('attendance answer URLs', () => {
  it('set choice with the URL API, keeping the rest of the query and replacing a second choice', () => {
    expect(attendanceAnswerUrl('https://x.example/a/tok', 'confirmed')).toBe(
      'https://x.example/a/tok?choice=confirmed',
    );
    expect(attendanceAnswerUrl('https://x.example/a/tok?lang=de&choice=x#top', 'change-requested')).toBe(
      'https://x.example/a/tok?lang=de&choice=change-requested#top',
    );
    expect(attendanceAnswerUrl('no url', 'confirmed')).toBeUndefined();
  });

  it('read back only the two answers the contract names', () => {
    expect(attendanceChoiceOf('confirmed')).toBe('confirmed');
    expect(attendanceChoiceOf('change-requested')).toBe('change-requested');
    for (const other of [undefined, '', 'CONFIRMED', 'cancel', 'constructor', '__proto__'])
      expect(attendanceChoiceOf(other)).toBeUndefined();
  });
});
