import { describe, expect, it } from 'vitest';
import { GOAL_CODES, messagesFor } from '../../../shared/email/messages';
import { renderEmail } from '../../../shared/email/render';
import { goalText } from '../../../shared/email/session-emails';
import type { ClinicContact, PlanSummary } from '../../../shared/email/types';
import { afterSession, clinic, HOSTILE_GOAL, models, planSummary, session, type ModelOf } from './fixtures';

const completing = (locale: string, summary: PlanSummary = planSummary): ModelOf<'follow-up'> => ({
  kind: 'follow-up',
  recipient: { firstName: 'Max', locale },
  session,
  painTrend: [{ completedAt: session.completedAt, painBefore: 7, painAfter: 4 }],
  planProgress: { sessionNumber: 4, plannedSessions: 4 },
  planSummary: summary,
});

const render = (locale: string, contact?: ClinicContact, summary?: PlanSummary) =>
  renderEmail(completing(locale, summary), { ...afterSession, ...(contact && { clinic: contact }) });

describe('the plan summary in the follow-up that completes a plan', () => {
  it.each(['en', 'de'])('replaces the progress line and the pain lines (%s)', (locale) => {
    const summary = render(locale, clinic);
    expect(summary.text).not.toMatch(/Session 4 of 4|Behandlung 4 von 4/);
    expect(summary.text).not.toMatch(/You rated your pain|Sie haben Ihre Schmerzen/);
    expect(summary.text).not.toMatch(/Your progress|Ihr Verlauf/);
    expect(summary.text).toMatch(
      locale === 'de'
        ? /Sie haben 4 von 4 geplanten Behandlungen abgeschlossen\. Schön, dass Sie/
        : /You have completed 4 of 4 planned sessions\. Well done/,
    );
    // The same follow-up without a summary keeps its progress line.
    const { planSummary: _none, ...usual } = completing(locale);
    expect(renderEmail(usual, afterSession).text).toMatch(/Session 4 of 4|Behandlung 4 von 4/);
  });

  it('lists the pain before and after of each session, dated in the patient’s zone', () => {
    const en = render('en', clinic);
    expect(en.text).toContain(
      [
        'Session  Date        Before  After',
        '1        Wed 10 Feb  8       6',
        '2        Wed 17 Feb  7       not rated',
        '3        Wed 24 Feb  7       5',
        '4        Wed 3 Mar   7       4',
      ].join('\n'),
    );
    expect(en.html).toMatch(/<th scope="col"[^>]*>Session<\/th>\s*<th scope="col"[^>]*>Date<\/th>/);
    const rows = [
      ...en.html.matchAll(
        /<tr>\s*<th scope="row"[^>]*>(\d)<\/th>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>/g,
      ),
    ];
    expect(rows.map((row) => row.slice(1).join(' | '))).toEqual([
      '1 | Wed 10 Feb | 8 | 6',
      '2 | Wed 17 Feb | 7 | not rated',
      '3 | Wed 24 Feb | 7 | 5',
      '4 | Wed 3 Mar | 7 | 4',
    ]);
    expect(render('de', clinic).text).toContain('2           Mi., 17. Feb.  7       keine Angabe');
    // 23:30 on the 10th in New York is the 11th in Berlin.
    const late = { ...planSummary, sessions: [{ completedAt: '2027-02-11T04:30:00Z', painBefore: 3, painAfter: 1 }] };
    expect(render('en', clinic, late).text).toContain('1        Thu 11 Feb  3       1');
    const newYork = renderEmail(
      { ...completing('en', late), session: { ...session, timezone: 'America/New_York' } },
      afterSession,
    );
    expect(newYork.text).toContain('1        Wed 10 Feb  3       1');
  });

  it('leaves the pain table out when no session of the plan was rated', () => {
    const unrated = { ...planSummary, sessions: planSummary.sessions.map(({ completedAt }) => ({ completedAt })) };
    const email = render('en', clinic, unrated);
    expect(email.text).not.toContain('Your pain ratings');
    expect(email.html).not.toContain('<thead>');
    expect(email.text).toContain('You have completed 4 of 4 planned sessions.');
  });

  it.each([
    [
      'en',
      [
        'Relieving pain',
        'Moving more freely',
        'Reducing stress and tension',
        'Recovering from an injury',
        'Improving your posture',
        'Performing at your best in sport',
      ],
    ],
    [
      'de',
      [
        'Schmerzen lindern',
        'Beweglicher werden',
        'Stress und Anspannung abbauen',
        'Nach einer Verletzung wieder fit werden',
        'Die Haltung verbessern',
        'Die sportliche Leistung steigern',
      ],
    ],
  ] as const)('names the plan’s goals in plain words (%s)', (locale, texts) => {
    const email = render(locale, clinic, { ...planSummary, goals: [...GOAL_CODES] });
    expect(email.text).toContain(texts.map((text) => `- ${text}`).join('\n'));
    for (const text of texts) expect(email.html).toContain(`>${text}</li>`);
    expect(email.text).toContain(locale === 'de' ? 'Daran wollten Sie arbeiten:' : 'What you set out to work on:');
  });

  it('shows an unknown goal code humanised, and a hostile one as text', () => {
    const goals = ['better_sleep', ' Pain-Relief ', 'constructor', '__proto__', HOSTILE_GOAL, 'mobility', 'mobility'];
    const email = render('en', clinic, { ...planSummary, goals });
    expect(email.text).toContain(
      [
        '- Better sleep',
        '- Relieving pain',
        '- Constructor',
        '- Proto',
        `- ${HOSTILE_GOAL}`,
        '- Moving more freely',
      ].join('\n'),
    );
    expect(email.text.match(/Moving more freely/g)).toHaveLength(1);
    expect(email.html).not.toMatch(/<img/);
    expect(email.html).toContain('&lt;img src=x onerror=alert(&quot;goal&quot;)&gt;</li>');
    expect(goalText('hasOwnProperty', messagesFor('de'))).toBe('HasOwnProperty');
  });

  it.each([
    ['en', 'What comes next', 'A review with Anna Schmidt is a good moment', 'Book a review'],
    [
      'de',
      'Wie es weitergeht',
      'Ein Kontrolltermin bei Anna Schmidt ist eine gute Gelegenheit',
      'Kontrolltermin buchen',
    ],
  ])('asks to book a review: button, phone or neutral words (%s)', (locale, heading, review, button) => {
    const email = render(locale, clinic);
    expect(email.text).toContain(heading);
    expect(email.text).toContain(review);
    expect(email.text).toContain(`${button}: https://praxis-mitte.example/book?patient=p-1`);
    // One way to book: the review replaces the next-visit section and its button.
    expect(email.text).not.toMatch(/Your next visit|Ihr nächster Besuch|Book your next visit|Nächsten Termin buchen/);
    expect(email.html.match(/style="display:inline-block;/g)).toHaveLength(1);
    // The therapist's recommended interval stays.
    expect(email.text).toMatch(
      /recommends your next session in about 7 days|empfiehlt Ihre nächste Behandlung in etwa 7 Tagen/,
    );
    const { bookingUrl: _dropped, ...phoneOnly } = clinic;
    expect(render(locale, phoneOnly).text).toMatch(
      /To book, call us on \+49 30 1234567\.|Für einen Termin erreichen Sie uns unter \+49 30 1234567\./,
    );
    expect(render(locale).text).toMatch(
      /To book, please get in touch with the clinic\.|Für einen Termin wenden Sie sich bitte an die Praxis\./,
    );
  });

  it('keeps the self-care content as usual', () => {
    const usual = renderEmail(models()[4]!, afterSession);
    const email = render('en');
    for (const part of [
      'A note from Anna Schmidt',
      'After deep tissue massage',
      'Your neck',
      'Chin tuck',
      'Doorway chest stretch',
      'When to contact us',
      'Call emergency services straight away',
    ]) {
      expect(usual.text).toContain(part);
      expect(email.text).toContain(part);
    }
    expect(email.subject).toBe(usual.subject);
  });
});
