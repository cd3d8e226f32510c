import { appointmentFactRows } from '../email/appointment-facts';
import { COLORS } from '../email/blocks';
import { createFormatter, resolveLanguage } from '../email/format';
import { cleanText, html, safeHttpsUrl, type SafeHtml } from '../email/html';
import { messagesFor, type Messages } from '../email/messages';
import { postBackForm, renderPageDocument } from '../pages/document';
import { pageMessagesFor, type PatientPageMessages } from './messages';
import type {
  AttentionReason,
  Attendance,
  CheckInAnswer,
  Escalation,
  ExerciseStatus,
  Feeling,
  PageClinic,
  PageLanguage,
  PatientPage,
} from './model';

/**
 * The patient's answer pages (contract 1.1, "The patient's answers") as complete HTML documents,
 * in the look of the unsubscribe pages (pages/document.ts): they work without JavaScript, every
 * control has a label and every group a legend, and every text from a model is escaped by the
 * `html` template. The handler decides which page to show; nothing here reads or records anything.
 */

export interface PatientPageOptions {
  /** Where the page's form posts; by default back to the page's own URL (the link's URL). */
  action?: string;
  /**
   * The patient's BCP 47 locale, so dates and times read as in their emails (`en-US`: "3:00 PM");
   * taken only when its language is the page's, else the language's own way.
   */
  locale?: string;
}

const LANGUAGES: readonly PageLanguage[] = ['en', 'de'];

/** Accepted until this long after the session (the contract): the check-in pages say until when. */
const CHECK_IN_ANSWER_DAYS = 14;

const FEELINGS: readonly Feeling[] = ['better', 'same', 'worse'];
const EXERCISE_STATUSES: readonly ExerciseStatus[] = ['done', 'skipped', 'too-painful'];
const PAIN_SCORES = Array.from({ length: 11 }, (_, score) => score);

/** A red the emergency panel is marked with (its heading says why, not the colour); text stays COLORS.text. */
const EMERGENCY = { border: '#b42318', background: '#fef3f2' } as const;

/**
 * What the answer pages add to the shared CSS. Like it, free of & < > " ' (text in <style> is
 * escaped, and entities mean nothing there): no child combinators, no quoted attribute values.
 * Borders of controls use the muted text colour: a control's edge needs the contrast WCAG asks of
 * non-text (3:1) against white and the page, which the lighter rule colour does not give.
 */
const CSS = `
  main { overflow-wrap: break-word; }
  h2 { margin: 28px 0 10px; font-size: 1.2rem; line-height: 1.35; color: ${COLORS.accent}; }
  a { color: ${COLORS.accent}; }
  a:focus-visible { outline: 3px solid ${COLORS.text}; outline-offset: 2px; }
  ul { margin: 0 0 14px; padding-left: 24px; }
  li { margin: 0 0 4px; }
  .facts { margin: 0 0 20px; }
  .facts div { display: flex; flex-wrap: wrap; gap: 0 12px; padding: 8px 0; border-bottom: 1px solid ${COLORS.rule}; }
  .facts dt { flex: 0 0 7.5rem; font-weight: 600; }
  .facts dd { flex: 1 1 14rem; margin: 0; }
  .note h2, .panel h2 { margin-top: 0; }
  .actions { display: flex; flex-wrap: wrap; gap: 12px; }
  button.secondary { background: ${COLORS.card}; color: ${COLORS.accent}; box-shadow: inset 0 0 0 2px ${COLORS.accent}; }
  button.secondary:hover { background: ${COLORS.infoBg}; }
  .link-button { display: inline-block; min-height: 44px; padding: 12px 22px; border-radius: 6px;
    box-shadow: inset 0 0 0 2px ${COLORS.accent}; font-weight: 600; line-height: 1.2; text-decoration: none; }
  .link-button:hover { background: ${COLORS.infoBg}; }
  fieldset { min-width: 0; margin: 0 0 28px; padding: 0; border: 0; }
  legend { margin: 0 0 10px; padding: 0; font-weight: 600; }
  .choices { display: flex; flex-wrap: wrap; gap: 8px; }
  .choice { display: flex; align-items: center; gap: 10px; min-width: 44px; min-height: 44px; padding: 8px 14px;
    border: 1px solid ${COLORS.muted}; border-radius: 6px; background: ${COLORS.card}; cursor: pointer; }
  .scale .choice { padding: 8px 10px; }
  .hint { display: block; margin-top: 2px; font-size: 0.875rem; font-weight: 400; color: ${COLORS.muted}; }
  .choice input { flex: none; width: 1.25rem; height: 1.25rem; margin: 0; accent-color: ${COLORS.accent}; }
  .choice:has(input:checked) { border-color: ${COLORS.accent}; background: ${COLORS.infoBg};
    box-shadow: inset 0 0 0 1px ${COLORS.accent}; }
  .choice:focus-within { outline: 3px solid ${COLORS.text}; outline-offset: 2px; }
  .check { align-items: flex-start; margin: 4px 0 0; }
  .check input { margin-top: 2px; }
  .panel { margin: 20px 0; padding: 16px; border-left: 4px solid ${COLORS.warnBorder}; background: ${COLORS.warnBg}; }
  .panel.emergency { border-left-width: 6px; border-left-color: ${EMERGENCY.border}; background: ${EMERGENCY.background}; }
  .panel p:last-child, .panel ul:last-child, .note p:last-child { margin-bottom: 0; }
`;

interface PageParts {
  heading: string;
  content: SafeHtml;
}

interface Env {
  text: PatientPageMessages;
  /** The emails' texts: the appointment's labels, its time range, the pain scale, the policy's heading. */
  m: Messages;
  lang: PageLanguage;
  /** For dates and times (createFormatter). */
  locale: string;
  action: string | undefined;
}

/** A complete HTML document for one answer page in `language` (English for any other). */
export function renderPatientPage(
  model: PatientPage,
  language: PageLanguage,
  options: PatientPageOptions = {},
): string {
  const lang = LANGUAGES.includes(language) ? language : 'en';
  const locale = options.locale && resolveLanguage(options.locale) === lang ? options.locale : lang;
  const env: Env = { text: pageMessagesFor(lang), m: messagesFor(lang), lang, locale, action: options.action };
  const clinic = model.page === 'invalid' ? undefined : model.clinic;
  const { heading, content } = pageParts(model, env);
  return renderPageDocument({
    lang,
    title: heading,
    heading,
    clinicName: clinic?.name?.trim() || undefined,
    content,
    css: CSS,
  });
}

function pageParts(model: PatientPage, env: Env): PageParts {
  const { text } = env;
  switch (model.page) {
    case 'attendance':
      return model.state === 'ask' ? attendanceAsk(model, env) : attendanceRecorded(model, env);
    case 'check-in':
      return model.state === 'ask' ? checkInAsk(model, env) : checkInRecorded(model, env);
    case 'expired':
      return {
        heading: text.expired.heading,
        content: html`<p>${text.expired.text}</p>
          ${contact(model.clinic, env, { bookingPage: true })}`,
      };
    // Whoever holds a forged or altered link learns nothing: no clinic, no contact details.
    case 'invalid':
      return { heading: text.invalid.heading, content: html`<p>${text.invalid.text}</p>` };
    case 'unavailable':
      return {
        heading: text.unavailable.heading,
        content: html`<p>${text.unavailable.text}</p>
          ${model.clinic ? contact(model.clinic, env, { bookingPage: false }) : ''}`,
      };
  }
}

type AttendancePage = Extract<PatientPage, { page: 'attendance' }>;
type CheckInPage = Extract<PatientPage, { page: 'check-in' }>;

function attendanceAsk(model: AttendancePage, env: Env): PageParts {
  const { text, m, action } = env;
  const { selected } = model;
  const button = (choice: Attendance) => {
    const chosen = selected === choice;
    // The chosen answer (with none chosen, "I'll be there") is the filled button; a tick and
    // aria-pressed say which is chosen, so the colour is never the only sign.
    const primary = selected ? chosen : choice === 'confirmed';
    return html`<button
      type="submit"
      name="attendance"
      value="${choice}"
      ${primary ? '' : html`class="secondary"`}
      ${selected ? html`aria-pressed="${chosen ? 'true' : 'false'}"` : ''}
    >
      ${chosen ? html`<span aria-hidden="true">✓ </span>` : ''}${m.answer.choices[choice]}
    </button>`;
  };
  return {
    heading: text.attendance.askHeading,
    content: html`<p>${text.attendance.askIntro}</p>
      ${appointmentFacts(model, env)}
      ${
        selected && Object.hasOwn(m.answer.choices, selected)
          ? html`<p class="note">
              ${text.attendance.selected.label} <strong>${m.answer.choices[selected]}</strong>.
              ${text.attendance.selected.hint}
            </p>`
          : ''
      }
      ${postBackForm(action, html`<div class="actions">${button('confirmed')} ${button('change-requested')}</div>`)}
      <p class="aside">${text.attendance.changeUntil}</p>
      ${contact(model.clinic, env, { bookingPage: true })} ${cancellationPolicy(model.clinic, env)}`,
  };
}

function attendanceRecorded(model: AttendancePage, env: Env): PageParts {
  const { text } = env;
  const facts = appointmentFacts(model, env);
  const changeUntil = html`<p class="aside">${text.attendance.changeUntil}</p>`;
  if (model.selected === 'change-requested')
    return {
      heading: text.attendance.changeHeading,
      content: html`<p>${text.attendance.changeText}</p>
        <p class="note">${text.attendance.notCancelled}</p>
        ${facts}
        <p>${text.attendance.changeNow}</p>
        ${contact(model.clinic, env, { bookingPage: true })} ${cancellationPolicy(model.clinic, env)} ${changeUntil}`,
    };
  return {
    heading: model.selected === 'confirmed' ? text.attendance.confirmedHeading : text.attendance.recordedHeading,
    content: html`${model.selected === 'confirmed' ? html`<p>${text.attendance.confirmedText}</p>` : ''} ${facts}
    ${changeUntil} ${contact(model.clinic, env, { bookingPage: false })}`,
  };
}

function appointmentFacts(model: AttendancePage, { m, locale }: Env): SafeHtml {
  const rows = appointmentFactRows(model.appointment, m, createFormatter(locale, model.appointment.timezone));
  return html`<dl class="facts">
    ${rows.map(
      (row) =>
        html`<div>
          <dt>${row.label}</dt>
          <dd>${row.value}</dd>
        </div>`,
    )}
  </dl>`;
}

function checkInAsk(model: CheckInPage, env: Env): PageParts {
  const { text, m, action } = env;
  const { previous } = model;
  const fmt = createFormatter(env.locale, model.session.timezone);
  const feeling = radioGroup({
    legend: html`${text.checkIn.feeling.legend}`,
    name: 'feeling',
    idPrefix: 'feeling',
    options: FEELINGS.map((value) => ({ value, label: text.checkIn.feeling.choices[value] })),
    checked: previous?.feeling,
  });
  const painNow = radioGroup({
    legend: html`${text.checkIn.pain.legend} <span class="hint">${m.followUp.painScale}</span>`,
    name: 'painNow',
    idPrefix: 'pain',
    className: 'scale',
    options: PAIN_SCORES.map((score) => ({
      value: String(score),
      label: score === 0 ? text.checkIn.pain.none : score === 10 ? text.checkIn.pain.worst : String(score),
    })),
    checked: previous?.painNow === undefined ? undefined : String(previous.painNow),
  });
  const exercises = uniqueExercises(model.exercises).map((exercise, index) =>
    radioGroup({
      legend: html`${exercise.name}`,
      name: `exercise:${exercise.id}`,
      // Ids from the position, not the exercise's id: an id attribute wants no spaces or colons.
      idPrefix: `exercise-${index + 1}`,
      options: EXERCISE_STATUSES.map((value) => ({ value, label: text.checkIn.exercises.choices[value] })),
      checked: exerciseStatusOf(previous, exercise.id),
    }),
  );
  const form = html`${feeling} ${painNow}
    ${
      exercises.length > 0
        ? html`<h2>${text.checkIn.exercises.heading}</h2>
            <p>${text.checkIn.exercises.intro}</p>
            ${exercises}`
        : ''
    }
    ${warningSignsField(model, previous, env)} <button type="submit">${text.checkIn.submit}</button>`;
  return {
    heading: text.checkIn.heading,
    content: html`<p>
        ${text.checkIn.intro(fmt.longDate(new Date(model.session.completedAt)), model.session.therapistName)}
      </p>
      ${previous ? html`<p class="note">${text.checkIn.previous}</p>` : ''} ${postBackForm(action, form)}
      ${answerableUntil(model, env)}`,
  };
}

function checkInRecorded(model: CheckInPage, env: Env): PageParts {
  const { text } = env;
  const { escalation } = model;
  return {
    heading: text.checkIn.recordedHeading,
    content: escalation
      ? html`${escalationPanels(escalation, model, env)} ${answerableUntil(model, env)}`
      : html`<p>${text.checkIn.thanks}</p>
          ${answerableUntil(model, env)} ${contact(model.clinic, env, { bookingPage: false })}`,
  };
}

/** Until when the check-in's link takes a changed answer: the contract's 14 days after the session. */
function answerableUntil(model: CheckInPage, { text, locale }: Env): SafeHtml {
  const fmt = createFormatter(locale, model.session.timezone);
  const until = new Date(new Date(model.session.completedAt).getTime() + CHECK_IN_ANSWER_DAYS * 86_400_000);
  return html`<p class="aside">${text.checkIn.changeUntil(fmt.longDate(until))}</p>`;
}

/**
 * Whether a warning sign applies, with the signs themselves, so the patient knows what counts;
 * those that call for emergency services say not to wait for the form. Without any sign listed,
 * there is nothing to tick.
 */
function warningSignsField(model: CheckInPage, previous: CheckInAnswer | undefined, { text }: Env): SafeHtml {
  const { callClinic, urgent } = model.warningSigns;
  if (callClinic.length === 0 && urgent.length === 0) return html``;
  const signs = text.checkIn.warningSigns;
  return html`<fieldset>
    <legend>${signs.legend}</legend>
    ${
      callClinic.length > 0
        ? html`<p>${signs.callClinic}</p>
            ${list(callClinic)}`
        : ''
    }
    ${
      urgent.length > 0
        ? html`<p><strong>${signs.urgent}</strong></p>
            ${list(urgent)}`
        : ''
    }
    ${choice({
      type: 'checkbox',
      id: 'warning-signs',
      name: 'warningSigns',
      value: 'yes',
      label: signs.checkbox,
      checked: previous?.warningSigns === true,
      className: 'check',
    })}
  </fieldset>`;
}

/**
 * What an answer calls for, calmly: first, when a warning sign was ticked, to call emergency
 * services for the signs that call for them; then to contact the clinic (its phone when known),
 * with the reasons in plain words.
 */
function escalationPanels(escalation: Escalation, model: CheckInPage, env: Env): SafeHtml {
  const { text } = env;
  const words = text.checkIn.escalation;
  const urgent = model.warningSigns.urgent;
  const emergency = escalation.emergencyFirst
    ? html`<div class="panel emergency">
        ${
          urgent.length > 0
            ? html`<h2>${words.emergency}</h2>
                ${list(urgent)}`
            : html`<h2>${words.emergencyWithoutList}</h2>`
        }
      </div>`
    : '';
  const reasons = [...new Set(escalation.reasons)].filter((reason): reason is AttentionReason =>
    Object.hasOwn(words.reasons, reason),
  );
  const phone = model.clinic?.phone?.trim();
  return html`${emergency}
    <div class="panel">
      <h2>${words.clinicHeading}</h2>
      <p>${phone ? withPhone(words.callClinic, phone) : words.contactClinic}</p>
      ${
        reasons.length > 0
          ? html`<p>${words.reasonsIntro}</p>
              ${list(reasons.map((reason) => words.reasons[reason]))}`
          : ''
      }
      ${reasons.includes('exercise-too-painful') ? html`<p>${words.pauseExercise}</p>` : ''}
    </div>`;
}

/** How to reach the clinic: its phone as a tel: link (or neutral words), and its booking page when asked for and https. */
function contact(clinic: PageClinic | undefined, { text }: Env, { bookingPage }: { bookingPage: boolean }): SafeHtml {
  const phone = clinic?.phone?.trim();
  const booking = bookingPage ? safeHttpsUrl(clinic?.bookingUrl) : undefined;
  return html`<p>${phone ? withPhone(text.contact.reach, phone) : text.contact.neutral}</p>
    ${booking ? html`<p><a class="link-button" href="${booking}">${text.contact.bookingPage}</a></p>` : ''}`;
}

/** The clinic's cancellation policy as the clinic wrote it, line breaks kept, when its profile has one. */
function cancellationPolicy(clinic: PageClinic | undefined, { m }: Env): SafeHtml {
  const policy = clinic?.cancellationPolicy ? cleanText(clinic.cancellationPolicy).trim() : '';
  if (!policy) return html``;
  return html`<div class="note">
    <h2>${m.cancellationPolicy}</h2>
    <p>${policy.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br />${line}`))}</p>
  </div>`;
}

/**
 * A phone number fit for a tel: link: its digits, with a leading + kept; anything else in it
 * (spaces, brackets, letters, markup) is dropped. Undefined when too few digits remain to dial.
 */
export function telHref(phone: string): string | undefined {
  const trimmed = cleanText(phone).trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 3 || digits.length > 20) return undefined;
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${digits}`;
}

/** A message with `{phone}` in it, the phone shown as the clinic wrote it and linked to dial. */
function withPhone(message: string, phone: string): SafeHtml {
  const [before = '', after = ''] = message.split('{phone}');
  const href = telHref(phone);
  return html`${before}${href ? html`<a href="${href}">${phone}</a>` : phone}${after}`;
}

function list(items: readonly string[]): SafeHtml {
  return html`<ul>
    ${items.map((item) => html`<li>${item}</li>`)}
  </ul>`;
}

interface ChoiceInput {
  type: 'radio' | 'checkbox';
  id: string;
  name: string;
  value: string;
  label: string;
  checked: boolean;
  className?: string;
}

/** One control inside its own label (also tied by `for`): the whole box is the touch target. */
function choice(input: ChoiceInput): SafeHtml {
  return html`<label class="choice${input.className ? ` ${input.className}` : ''}" for="${input.id}"
    ><input
      type="${input.type}"
      id="${input.id}"
      name="${input.name}"
      value="${input.value}"
      ${input.checked ? html`checked` : ''}
    /><span>${input.label}</span></label
  >`;
}

/** A radio group in a fieldset, its legend the question; `checked` pre-fills the previous answer. */
function radioGroup(group: {
  legend: SafeHtml;
  name: string;
  idPrefix: string;
  options: readonly { value: string; label: string }[];
  checked: string | undefined;
  className?: string;
}): SafeHtml {
  return html`<fieldset>
    <legend>${group.legend}</legend>
    <div class="choices${group.className ? ` ${group.className}` : ''}">
      ${group.options.map((option) =>
        choice({
          type: 'radio',
          id: `${group.idPrefix}-${option.value}`,
          name: group.name,
          value: option.value,
          label: option.label,
          checked: group.checked === option.value,
        }),
      )}
    </div>
  </fieldset>`;
}

/** The session's exercises, each once: two groups with one name would be one radio group. */
function uniqueExercises(exercises: CheckInPage['exercises']): CheckInPage['exercises'] {
  const seen = new Set<string>();
  return exercises.filter((exercise) => !seen.has(exercise.id) && Boolean(seen.add(exercise.id)));
}

function exerciseStatusOf(previous: CheckInAnswer | undefined, exerciseId: string): ExerciseStatus | undefined {
  return previous && Object.hasOwn(previous.exercises, exerciseId) ? previous.exercises[exerciseId] : undefined;
}
