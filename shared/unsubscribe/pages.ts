import type { Language } from '../email/format';
import { html } from '../email/html';
import { postBackForm, renderPageDocument } from '../pages/document';

/** The pages of the one-click unsubscribe endpoint, in the document every patient page shares (pages/document.ts). */

export type UnsubscribePage = 'confirm' | 'done' | 'invalid' | 'unavailable';

interface PageText {
  title: string;
  heading: string;
  paragraphs: readonly string[];
  note?: string;
  aside?: string;
}

interface PageMessages {
  confirm: PageText & { button: string };
  done: PageText;
  invalid: PageText;
  unavailable: PageText;
}

const STILL_TRANSACTIONAL: Record<Language, string> = {
  en: 'Appointment confirmations and reminders will still arrive.',
  de: 'Terminbestätigungen und Terminerinnerungen erhalten Sie weiterhin.',
};

const MESSAGES: Record<Language, PageMessages> = {
  en: {
    confirm: {
      title: 'Unsubscribe from self-care emails',
      heading: 'Unsubscribe from self-care emails?',
      paragraphs: [
        'After your sessions we send you self-care follow-ups with your exercises and advice, and a short check-in a few days later. You can stop these emails here.',
      ],
      note: STILL_TRANSACTIONAL.en,
      button: 'Unsubscribe from self-care emails',
      aside: 'If you did not mean to open this page, just close it: nothing changes.',
    },
    done: {
      title: 'You have unsubscribed',
      heading: 'You have unsubscribed',
      paragraphs: ['You will no longer receive self-care follow-ups or check-ins from us.'],
      note: STILL_TRANSACTIONAL.en,
      aside: 'Changed your mind? Let your clinic know and they can turn self-care emails back on.',
    },
    invalid: {
      title: 'This link does not work',
      heading: 'This link does not work',
      paragraphs: [
        'The unsubscribe link is incomplete, has been changed or is too old. Please use the link in a more recent self-care email from us, or ask your clinic to stop self-care emails.',
      ],
    },
    unavailable: {
      title: 'Something went wrong',
      heading: 'Something went wrong',
      paragraphs: ['We could not process your request just now. Please try again in a few minutes.'],
    },
  },
  de: {
    confirm: {
      title: 'Nachsorge-E-Mails abbestellen',
      heading: 'Nachsorge-E-Mails abbestellen?',
      paragraphs: [
        'Nach Ihren Behandlungen senden wir Ihnen Nachsorge-E-Mails mit Ihren Übungen und Hinweisen zur Selbstpflege und einige Tage später eine kurze Nachfrage. Diese E-Mails können Sie hier abbestellen.',
      ],
      note: STILL_TRANSACTIONAL.de,
      button: 'Nachsorge-E-Mails abbestellen',
      aside: 'Wenn Sie diese Seite nicht öffnen wollten, schließen Sie sie einfach: Es ändert sich nichts.',
    },
    done: {
      title: 'Nachsorge-E-Mails abbestellt',
      heading: 'Sie haben die Nachsorge-E-Mails abbestellt',
      paragraphs: ['Sie erhalten von uns keine Nachsorge-E-Mails und keine Nachfragen mehr.'],
      note: STILL_TRANSACTIONAL.de,
      aside:
        'Sie haben es sich anders überlegt? Sagen Sie in Ihrer Praxis Bescheid, dann erhalten Sie die Nachsorge-E-Mails wieder.',
    },
    invalid: {
      title: 'Dieser Link funktioniert nicht',
      heading: 'Dieser Link funktioniert nicht',
      paragraphs: [
        'Der Abmeldelink ist unvollständig, wurde verändert oder ist zu alt. Bitte verwenden Sie den Link in einer neueren Nachsorge-E-Mail von uns, oder bitten Sie Ihre Praxis, die Nachsorge-E-Mails abzustellen.',
      ],
    },
    unavailable: {
      title: 'Etwas ist schiefgelaufen',
      heading: 'Etwas ist schiefgelaufen',
      paragraphs: [
        'Ihre Anfrage konnte gerade nicht bearbeitet werden. Bitte versuchen Sie es in ein paar Minuten erneut.',
      ],
    },
  },
};

const LANGUAGES: readonly Language[] = ['en', 'de'];

const primaryOf = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
const known = (tag: string | undefined) =>
  LANGUAGES.find((language) => tag !== undefined && primaryOf(tag) === language);

/**
 * The page language: the `lang` query parameter when it names English or German, else the
 * best of them in Accept-Language (by q-value, then order), else English.
 */
export function pageLanguage(input: { lang?: string | undefined; acceptLanguage?: string | undefined }): Language {
  const fromQuery = known(input.lang?.slice(0, 35));
  if (fromQuery) return fromQuery;
  const ranges = (input.acceptLanguage ?? '')
    .slice(0, 1000)
    .split(',')
    .slice(0, 50)
    .map((entry, index) => {
      const [tag = '', ...params] = entry.split(';');
      const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.tag && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.tag === '*') return 'en';
    const language = known(range.tag);
    if (language) return language;
  }
  return 'en';
}

export interface PageOptions {
  /** Where the confirmation form posts; by default back to the page's own URL (the token's URL). */
  action?: string;
  /** The clinic the link is from, as its profile names it: shown above the heading and in the title. */
  clinicName?: string;
}

/** A complete HTML document for one of the endpoint's pages. */
export function renderUnsubscribePage(page: UnsubscribePage, language: Language, options: PageOptions = {}): string {
  const lang = LANGUAGES.includes(language) ? language : 'en';
  const text: PageText & { button?: string } = MESSAGES[lang][page];
  const form =
    page === 'confirm' && text.button
      ? postBackForm(options.action, html`<button type="submit">${text.button}</button>`)
      : undefined;
  return renderPageDocument({
    lang,
    title: text.title,
    heading: text.heading,
    clinicName: options.clinicName,
    content: html`${text.paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}
    ${text.note ? html`<p class="note">${text.note}</p>` : ''} ${form}
    ${text.aside ? html`<p class="aside">${text.aside}</p>` : ''}`,
  });
}
