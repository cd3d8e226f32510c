import { describe, expect, it } from 'vitest';
import { pageLanguage, renderUnsubscribePage, type UnsubscribePage } from '../../../shared/unsubscribe/pages';

const PAGES: UnsubscribePage[] = ['confirm', 'done', 'invalid', 'unavailable'];

describe('unsubscribe pages', () => {
  it('asks for confirmation with a form that posts back to the link, and keeps transactional mail', () => {
    const page = renderUnsubscribePage('confirm', 'en');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<html lang="en"');
    expect(page).toContain('<form method="post">');
    expect(page).toMatch(/<button type="submit">Unsubscribe from self-care emails<\/button>/);
    expect(page).toContain('Appointment confirmations and reminders will still arrive.');
  });

  it('confirms the unsubscription, without a form', () => {
    const page = renderUnsubscribePage('done', 'en');
    expect(page).toContain('You have unsubscribed');
    expect(page).toContain('Appointment confirmations and reminders will still arrive.');
    expect(page).not.toContain('<form');
  });

  it('speaks German', () => {
    const page = renderUnsubscribePage('confirm', 'de');
    expect(page).toContain('<html lang="de"');
    expect(page).toContain('Nachsorge-E-Mails abbestellen');
    expect(page).toContain('Terminbestätigungen und Terminerinnerungen erhalten Sie weiterhin.');
    expect(renderUnsubscribePage('invalid', 'de')).toContain('Dieser Link funktioniert nicht');
  });

  it('tells a patient with a link too old to work (two key rotations back) where else to unsubscribe', () => {
    const en = renderUnsubscribePage('invalid', 'en');
    expect(en).toContain('too old');
    expect(en).toContain('a more recent self-care email');
    expect(en).toContain('ask your clinic');
    const de = renderUnsubscribePage('invalid', 'de');
    expect(de).toContain('zu alt');
    expect(de).toContain('einer neueren Nachsorge-E-Mail');
    expect(de).toContain('Ihre Praxis');
  });

  it.each(PAGES)('renders the %s page as a small self-contained document: no scripts, nothing loaded', (kind) => {
    for (const language of ['en', 'de'] as const) {
      const page = renderUnsubscribePage(kind, language);
      expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
      expect(page).toMatch(/<title>[^<]+<\/title>/);
      expect(page).toMatch(/<main>[\s\S]*<h1>[^<]+<\/h1>/);
      expect(page).not.toMatch(/<script|<img|<link|<iframe|src=|https?:\/\//i);
      // Inline CSS is raw text: an entity there would be taken literally.
      const css = /<style>([\s\S]*)<\/style>/.exec(page)![1]!;
      expect(css).not.toMatch(/[&<>"']/);
    }
  });

  it('escapes a hostile form action', () => {
    const page = renderUnsubscribePage('confirm', 'en', { action: '"><script>alert(1)</script>' });
    expect(page).not.toContain('<script>');
    expect(page).toContain('action="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('never puts an unknown language into the page', () => {
    const page = renderUnsubscribePage('done', '"><script>x</script>' as unknown as 'en');
    expect(page).toContain('<html lang="en"');
    expect(page).not.toContain('<script>');
  });
});

describe('page language', () => {
  it('defaults to English', () => {
    expect(pageLanguage({})).toBe('en');
    expect(pageLanguage({ acceptLanguage: 'fr-FR, es;q=0.8' })).toBe('en');
  });

  it('takes the lang query parameter when it names English or German', () => {
    expect(pageLanguage({ lang: 'de' })).toBe('de');
    expect(pageLanguage({ lang: 'de-AT', acceptLanguage: 'en' })).toBe('de');
    expect(pageLanguage({ lang: 'en', acceptLanguage: 'de' })).toBe('en');
    expect(pageLanguage({ lang: 'fr', acceptLanguage: 'de' })).toBe('de');
  });

  it('picks the best of English and German in Accept-Language', () => {
    expect(pageLanguage({ acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8' })).toBe('de');
    expect(pageLanguage({ acceptLanguage: 'fr-CH, fr;q=0.9, de;q=0.7, en;q=0.5' })).toBe('de');
    expect(pageLanguage({ acceptLanguage: 'en;q=0.5, de;q=0.8' })).toBe('de');
    expect(pageLanguage({ acceptLanguage: 'de;q=0, en' })).toBe('en');
    expect(pageLanguage({ acceptLanguage: 'en-GB, de' })).toBe('en');
  });

  it('survives hostile headers and parameters', () => {
    expect(pageLanguage({ lang: '"><script>', acceptLanguage: ';;;,,,q=abc' })).toBe('en');
    expect(pageLanguage({ acceptLanguage: 'x;q=1,'.repeat(100_000) + 'de' })).toBe('en');
  });
});
