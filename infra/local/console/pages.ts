import { COLORS } from '../../../shared/email/blocks';
import { html, type HtmlValue, type SafeHtml } from '../../../shared/email/html';
import type { ActivityEvent } from './activity';
import {
  type BookingModel,
  type DeadLetterView,
  type Ids,
  type EmailModel,
  type Outcome,
  type OverviewModel,
  type PatientModel,
  type PendingSchedule,
  type TimelineEntry,
  whenOf,
} from './model';

/**
 * The local console's pages: server-rendered HTML for people, in the patient pages' colours and
 * type, no script, no framework, readable with JavaScript off; the clock's buttons are a form that
 * POSTs. Every value comes from an event, a patient or a handler and goes through `html`, which
 * escapes whatever it is not given as SafeHtml; links are built from ids with encodeURIComponent.
 */

/** The patient pages' font stack, unquoted: text put in <style> is escaped, where entities mean nothing. */
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/** Must stay free of & < > " ' (see FONT). */
const CSS = `
  *, *::before, *::after { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
  body { margin: 0; background: ${COLORS.page}; color: ${COLORS.text}; font-family: ${FONT};
    font-size: 1rem; line-height: 1.5; }
  a { color: ${COLORS.accent}; text-underline-offset: 2px; }
  a:hover { color: #084844; }
  a:focus-visible, button:focus-visible, summary:focus-visible, iframe:focus-visible {
    outline: 3px solid ${COLORS.text}; outline-offset: 2px; border-radius: 2px; }
  .skip { position: absolute; left: 12px; top: -48px; padding: 8px 12px; background: ${COLORS.card};
    border: 1px solid ${COLORS.rule}; border-radius: 6px; }
  .skip:focus { top: 8px; }
  header { background: ${COLORS.accent}; color: #ffffff; }
  .bar { max-width: 76rem; margin: 0 auto; padding: 12px 20px; display: flex; flex-wrap: wrap;
    align-items: baseline; gap: 8px 28px; }
  .brand { margin: 0; font-weight: 700; font-size: 1.125rem; }
  header a { color: #ffffff; }
  header a:hover { color: #ffffff; }
  header a:focus-visible { outline-color: #ffffff; }
  nav ul { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 0; padding: 0; list-style: none; }
  main { display: block; max-width: 76rem; margin: 0 auto; padding: 20px 20px 32px; }
  h1 { margin: 8px 0 16px; font-size: 1.6rem; line-height: 1.3; color: ${COLORS.accent}; overflow-wrap: anywhere; }
  h2 { margin: 0 0 12px; font-size: 1.2rem; line-height: 1.35; color: ${COLORS.accent}; }
  h3 { margin: 0; font-size: 1rem; line-height: 1.4; }
  p { margin: 0 0 10px; }
  section { margin: 0 0 20px; padding: 18px 20px; background: ${COLORS.card}; border: 1px solid ${COLORS.rule};
    border-radius: 8px; }
  .muted, .id { color: ${COLORS.muted}; }
  .id, code, pre { font-family: ${MONO}; font-size: 0.875rem; overflow-wrap: anywhere; }
  .clock { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 24px; }
  .clock h2 { margin: 0; }
  .clock p { margin: 0; }
  .now { font-size: 1.1rem; font-weight: 600; }
  form { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }
  button { min-height: 40px; padding: 8px 16px; border: 0; border-radius: 6px; background: ${COLORS.accent};
    color: #ffffff; font: inherit; font-weight: 600; line-height: 1.2; cursor: pointer; }
  button:hover { background: #084844; }
  .status { flex-basis: 100%; padding: 8px 12px; background: ${COLORS.infoBg}; border-left: 4px solid ${COLORS.accent}; }
  .table { overflow-x: auto; }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 8px 16px 8px 0; border-bottom: 1px solid ${COLORS.rule}; text-align: left; vertical-align: top; }
  thead th { border-bottom-width: 2px; font-weight: 600; white-space: nowrap; }
  td.when, td.nowrap { white-space: nowrap; }
  dl.facts { margin: 0; }
  dl.facts div { display: grid; grid-template-columns: 9rem 1fr; gap: 0 16px; padding: 5px 0;
    border-bottom: 1px solid ${COLORS.rule}; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; overflow-wrap: anywhere; }
  dl.facts ul { margin: 0; padding-left: 18px; }
  ol.timeline { margin: 0; padding: 0; list-style: none; }
  ol.timeline li.entry { position: relative; margin: 0; padding: 10px 0 12px 18px; border-left: 3px solid ${COLORS.rule}; }
  ol.timeline li.entry-email { border-left-color: ${COLORS.accent}; }
  ol.timeline li.entry-answer, ol.timeline li.entry-published { border-left-color: ${COLORS.warnBorder}; }
  .entry p { margin: 4px 0 0; overflow-wrap: anywhere; }
  .kind { display: inline-block; margin-right: 6px; padding: 0 8px; border-radius: 10px; background: ${COLORS.infoBg};
    color: ${COLORS.accent}; font-size: 0.8rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; }
  ul.outcomes { margin: 6px 0 0; padding: 0; list-style: none; }
  ul.outcomes li { margin: 2px 0; overflow-wrap: anywhere; }
  .badge { display: inline-block; min-width: 5.5rem; margin-right: 8px; padding: 0 8px; border-radius: 4px;
    border: 1px solid currentColor; font-size: 0.85rem; font-weight: 600; text-align: center; }
  .badge-applied, .badge-done { color: #116329; }
  .badge-duplicate, .badge-stale, .badge-ignored, .badge-under-way { color: ${COLORS.muted}; }
  .badge-rejected, .badge-failed { color: #a4161a; }
  details { margin: 6px 0 0; }
  summary { cursor: pointer; color: ${COLORS.accent}; }
  pre { margin: 6px 0 0; padding: 10px 12px; max-height: 24rem; overflow: auto; background: ${COLORS.page};
    border: 1px solid ${COLORS.rule}; border-radius: 6px; white-space: pre-wrap; }
  iframe { display: block; width: 100%; height: 70vh; min-height: 24rem; border: 1px solid ${COLORS.rule};
    border-radius: 6px; background: #ffffff; }
  footer { max-width: 76rem; margin: 0 auto; padding: 0 20px 32px; color: ${COLORS.muted}; font-size: 0.875rem; }
`;

const ISO_SECONDS = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/** An instant as people read it here, in UTC (the stack's clock runs in UTC; so do its schedules). */
export function formatInstant(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  const [, day, time] = ISO_SECONDS.exec(iso) ?? [];
  // Years past 9999 have no such form: the ISO string then.
  return day === undefined ? iso : `${day} ${time} UTC`;
}

/** A `<time>` of an instant; a value that is no instant is shown as it was given. */
function time(value: string | Date): SafeHtml {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return html`<span>${String(value)}</span>`;
  return html`<time datetime="${date.toISOString()}">${formatInstant(date)}</time>`;
}

/** The instant's wall-clock time where the booking is, as `2027-03-03 15:30 Europe/Berlin`; undefined for an unknown zone. */
export function inZone(value: string, timezone: string | undefined): string | undefined {
  const date = new Date(value);
  if (timezone === undefined || Number.isNaN(date.getTime())) return undefined;
  try {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
    const part = (type: string) => parts.find((item) => item.type === type)?.value;
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${timezone}`;
  } catch {
    return undefined;
  }
}

/** An appointment's time: in UTC as everything here, and where it is booked. */
function appointmentTime(value: string, timezone: string | undefined): SafeHtml {
  const local = inZone(value, timezone);
  return html`${time(value)} (${local ?? timezone ?? 'no time zone'})`;
}

/** How far an instant is from now, in the two largest units: "in 1 d 2 h", "3 min ago". */
export function fromNow(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  if (Math.abs(ms) < 60_000) return ms >= 0 ? 'due now' : 'just now';
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const units: [number, string][] = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'min'],
  ];
  const first = units.findIndex(([amount]) => amount > 0);
  const text = units
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(' ');
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

const segment = (value: string) => encodeURIComponent(value);
export const bookingPath = (clinicId: string, bookingId: string) =>
  `/bookings/${segment(clinicId)}/${segment(bookingId)}`;
export const patientPath = (clinicId: string, patientId: string) =>
  `/patients/${segment(clinicId)}/${segment(patientId)}`;
export const emailPath = (messageId: string) => `/emails/${segment(messageId)}`;
export const emailBodyPath = (messageId: string) => `${emailPath(messageId)}/body`;

// ---------------------------------------------------------------------------------------
// The document

/** What the clock section shows: the time, the next schedule, and what the last move did. */
export interface ClockView {
  now: Date;
  next?: PendingSchedule;
  lastMove?: { label: string; fired: number; now: Date };
}

export interface ConsolePage {
  title: string;
  heading: SafeHtml | string;
  /** The page the clock's form comes back to (its own path). */
  path: string;
  clock: ClockView;
  /** Where the SES emulator's own viewer is. */
  inboxUrl: string;
  content: SafeHtml;
}

export function renderConsolePage(page: ConsolePage): string {
  return html`<!DOCTYPE html>
    <html lang="en" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <meta name="color-scheme" content="light" />
        <title>${page.title} · CareLoop local console</title>
        <style>
          ${CSS}
        </style>
      </head>
      <body>
        <a class="skip" href="#content">Skip to the content</a>
        <header>
          <div class="bar">
            <p class="brand"><a href="/">CareLoop local console</a></p>
            <nav aria-label="Console">
              <ul>
                <li><a href="/">Patients and bookings</a></li>
                <li><a href="/_local/events">Events (JSON)</a></li>
                <li><a href="/_local/dead-letters">Dead letters (JSON)</a></li>
                <li><a href="${page.inboxUrl}">SES inbox</a></li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="content">
          <h1>${page.heading}</h1>
          ${clockSection(page.clock, page.path)} ${page.content}
        </main>
        <footer>
          <p>
            The local stack's console: what the bus received and what each function made of it, the emails sent, the
            schedules to come and the dead letters, kept in memory while <code>npm start</code> runs. Times are the
            stack's clock, in UTC.
          </p>
        </footer>
      </body>
    </html>`.toString();
}

function scheduleWhat(schedule: PendingSchedule): SafeHtml {
  const { clinicId, bookingId, patientId } = schedule.ids;
  const about =
    clinicId !== undefined && bookingId !== undefined
      ? html` for booking <span class="id">${bookingId}</span>`
      : clinicId !== undefined && patientId !== undefined
        ? html` for patient <span class="id">${patientId}</span>`
        : '';
  return html`${schedule.kind}${about}`;
}

function clockSection(clock: ClockView, path: string): SafeHtml {
  const { next, lastMove } = clock;
  return html`<section class="clock" aria-labelledby="clock-heading">
    <h2 id="clock-heading">Clock</h2>
    <p class="now">${time(clock.now)}</p>
    <form method="post" action="/clock">
      <input type="hidden" name="back" value="${path}" />
      <button type="submit" name="by" value="hour">+1 hour</button>
      <button type="submit" name="by" value="day">+1 day</button>
      ${next ? html`<button type="submit" name="by" value="next" aria-describedby="next-due">Next due</button>` : ''}
    </form>
    <p id="next-due" class="muted">
      ${
        next
          ? html`Next due: ${scheduleWhat(next)}, ${time(next.fireAt)} (${fromNow(next.fireAt, clock.now)})`
          : 'Nothing is scheduled.'
      }
    </p>
    ${
      lastMove
        ? html`<p class="status" role="status">
            Clock moved ${lastMove.label}: now ${time(lastMove.now)};
            ${lastMove.fired === 1 ? '1 schedule fired' : `${lastMove.fired} schedules fired`}.
          </p>`
        : ''
    }
  </section>`;
}

// ---------------------------------------------------------------------------------------
// Pieces

function section(id: string, title: string, content: HtmlValue): SafeHtml {
  return html`<section aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    ${content}
  </section>`;
}

function table(headings: readonly string[], rows: readonly SafeHtml[]): SafeHtml {
  return html`<div class="table">
    <table>
      <thead>
        <tr>
          ${headings.map((heading) => html`<th scope="col">${heading}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function rawDetail(label: string, value: unknown): SafeHtml {
  return html`<details>
    <summary>${label}</summary>
    <pre>${json(value)}</pre>
  </details>`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
const list = (value: unknown): string | undefined =>
  Array.isArray(value) ? value.map((item) => text(item) ?? json(item)).join(', ') : text(value);

const instantOrText = (value: unknown): SafeHtml | string | undefined =>
  typeof value === 'string' ? time(value) : text(value);

/** The ids and times every event carries: the timeline shows them elsewhere. */
const COMMON = new Set(['eventId', 'occurredAt', 'clinicId', 'bookingId', 'patientId']);

/** A line, not the whole detail: that is one click away. */
const FACTS_SHOWN = 10;

/** A detail's facts as `name: value`, nested names joined by dots, the common ids left out. */
function facts(detail: unknown): [string, string][] {
  const out: [string, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (out.length >= FACTS_SHOWN) return;
    if (isObject(value)) {
      for (const [name, item] of Object.entries(value)) {
        if (path === '' && COMMON.has(name)) continue;
        walk(item, path ? `${path}.${name}` : name);
      }
    } else out.push([path, list(value) ?? json(value)]);
  };
  walk(detail, '');
  return out;
}

/** What a received event says, in a line people read; the whole detail is one click away. */
function summaryOf(event: ActivityEvent): SafeHtml {
  const { detail } = event;
  switch (event.detailType) {
    case 'BookingCreated': {
      const patient = field(detail, 'patient');
      const booking = field(detail, 'booking');
      const startsAt = field(booking, 'startsAt');
      return html`<p>
          ${text(field(patient, 'firstName'))} ${text(field(patient, 'lastName'))}
          <span class="muted">${text(field(patient, 'email'))}</span>
        </p>
        <p>
          ${text(field(booking, 'service', 'name'))} with ${text(field(booking, 'therapist', 'name'))} at
          ${text(field(booking, 'location', 'name'))}, starts
          ${typeof startsAt === 'string' ? appointmentTime(startsAt, text(field(booking, 'timezone'))) : text(startsAt)}
        </p>`;
    }
    case 'BookingRescheduled':
      return html`<p>Moved to ${instantOrText(field(detail, 'startsAt'))}</p>`;
    case 'SessionCompleted':
      return html`<p>
          With ${text(field(detail, 'therapist', 'name'))}; pain ${text(field(detail, 'painBefore'))} →
          ${text(field(detail, 'painAfter'))}; exercises: ${list(field(detail, 'selfCare', 'exercises')) ?? 'none'}
        </p>
        ${
          field(detail, 'selfCare', 'note') !== undefined
            ? html`<p>Note: “${text(field(detail, 'selfCare', 'note'))}”</p>`
            : ''
        }`;
    default: {
      const shown = facts(detail);
      return shown.length === 0
        ? html``
        : html`<p>${shown.map(([name, value], index) => html`${index > 0 ? ' · ' : ''}${name}: ${value}`)}</p>`;
    }
  }
}

function outcomeItem(outcome: Outcome): SafeHtml {
  const badge = outcome.kind.replace(/\s+/g, '-');
  return html`<li>
    <span class="badge badge-${badge}">${outcome.kind}</span> <span class="id">${outcome.target}</span>${
      outcome.note ? html`: ${outcome.note}` : ''
    }
  </li>`;
}

function entryItem(entry: TimelineEntry): SafeHtml {
  const { event } = entry;
  const when = html`<p class="muted">${time(whenOf(event))}</p>`;
  const eventId = text(event.detail.eventId);
  switch (entry.type) {
    case 'received':
      return html`<li class="entry entry-received">
        <h3><span class="kind">received</span> ${event.detailType}</h3>
        ${when} ${summaryOf(event)}
        ${
          entry.outcomes.length === 0
            ? html`<p class="muted">No function takes it (no rule matches).</p>`
            : html`<ul class="outcomes" aria-label="Outcome">
                ${entry.outcomes.map(outcomeItem)}
              </ul>`
        }
        ${rawDetail(`Event ${eventId ?? event.id} from ${event.source}`, event.detail)}
      </li>`;
    case 'email': {
      const subject = entry.email?.subject;
      return html`<li class="entry entry-email">
        <h3><span class="kind">email</span> ${entry.kind ?? 'email'} sent</h3>
        ${when}
        <p>
          ${
            entry.messageId !== undefined && entry.email
              ? html`<a href="${emailPath(entry.messageId)}">${subject || '(no subject)'}</a>`
              : html`<span class="muted"
                  >Not in the SES emulator's inbox (message ${entry.messageId ?? 'unknown'})</span
                >`
          }
          ${entry.email ? html`<span class="muted">to ${entry.email.destination.to.join(', ')}</span>` : ''}
        </p>
        ${rawDetail(`Published ${event.detailType}`, event.detail)}
      </li>`;
    }
    case 'answer':
      return html`<li class="entry entry-answer">
        <h3><span class="kind">answer</span> The patient answered: ${text(event.detail.kind) ?? 'unknown'}</h3>
        ${when} ${answerFacts(event)} ${rawDetail(`Published ${event.detailType}`, event.detail)}
      </li>`;
    case 'published':
      return html`<li class="entry entry-published">
        <h3><span class="kind">published</span> ${event.detailType}</h3>
        ${when} ${summaryOf(event)} ${rawDetail(`Published on ${event.source}`, event.detail)}
      </li>`;
  }
}

function answerFacts(event: ActivityEvent): SafeHtml {
  const { detail } = event;
  const exercises = field(detail, 'exercises');
  const parts = [
    field(detail, 'feeling') !== undefined ? `feeling ${text(field(detail, 'feeling'))}` : undefined,
    field(detail, 'painNow') !== undefined ? `pain now ${text(field(detail, 'painNow'))}` : undefined,
    Array.isArray(exercises) && exercises.length > 0
      ? `exercises: ${exercises.map((item) => `${text(field(item, 'exerciseId'))} ${text(field(item, 'status'))}`).join(', ')}`
      : undefined,
    field(detail, 'warningSigns') === true ? 'warning signs ticked' : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? html`<p>${parts.join('; ')}</p>` : html``;
}

function timelineSection(entries: readonly TimelineEntry[]): SafeHtml {
  return section(
    'timeline-heading',
    'Timeline',
    entries.length === 0
      ? html`<p class="muted">Nothing yet.</p>`
      : html`<p class="muted">
            Oldest first: events received (with what each function made of them), emails sent, answers and CareLoop's
            published events.
          </p>
          <ol class="timeline">
            ${entries.map(entryItem)}
          </ol>`,
  );
}

function aboutLink(ids: Ids): SafeHtml {
  if (ids.clinicId !== undefined && ids.bookingId !== undefined)
    return html`<a href="${bookingPath(ids.clinicId, ids.bookingId)}">${ids.bookingId}</a>`;
  if (ids.clinicId !== undefined && ids.patientId !== undefined)
    return html`<a href="${patientPath(ids.clinicId, ids.patientId)}">${ids.patientId}</a>`;
  return html`<span class="muted">–</span>`;
}

function pendingSection(pending: readonly PendingSchedule[], now: Date, withLinks: boolean): SafeHtml {
  const what = (schedule: PendingSchedule) =>
    schedule.kind === 'reminder' && schedule.offsetMinutes !== undefined
      ? html`reminder,
        ${schedule.offsetMinutes % 60 === 0 ? `${schedule.offsetMinutes / 60} h` : `${schedule.offsetMinutes} min`}
        before ${schedule.startsAt !== undefined ? time(schedule.startsAt) : 'the appointment'}`
      : html`${schedule.kind}`;
  return section(
    'pending-heading',
    'Pending reminders and check-ins',
    pending.length === 0
      ? html`<p class="muted">None.</p>`
      : table(
          ['Due', 'When', 'What', ...(withLinks ? ['About'] : []), 'Schedule'],
          pending.map(
            (schedule) =>
              html`<tr>
                <td class="when">${time(schedule.fireAt)}</td>
                <td class="nowrap">${fromNow(schedule.fireAt, now)}</td>
                <td>${what(schedule)}</td>
                ${withLinks ? html`<td>${aboutLink(schedule.ids)}</td>` : ''}
                <td class="id">${schedule.name}</td>
              </tr>`,
          ),
        ),
  );
}

/** `withLinks`: each letter names the booking or patient it is about (the pages of one know it already). */
function deadLettersSection(letters: readonly DeadLetterView[], withLinks: boolean): SafeHtml {
  return section(
    'dead-letters-heading',
    'Dead letters',
    letters.length === 0
      ? html`<p class="muted">None.</p>`
      : table(
          ['When (real time)', 'Event', 'Error', 'Detail'],
          letters.map(({ letter, ids }) => {
            const about = withLinks ? letterLink(ids) : undefined;
            return html`<tr>
              <td class="when">${time(letter.at)}</td>
              <td>
                ${text(letter.detailType) ?? json(letter.detailType)}
                <span class="muted">from ${text(letter.source) ?? json(letter.source)}</span>
                ${about ? html`<br />${about}` : ''}
              </td>
              <td>${letter.error}</td>
              <td>${rawDetail('Detail', letter.detail)}</td>
            </tr>`;
          }),
        ),
  );
}

// ---------------------------------------------------------------------------------------
// Pages

export function overviewContent(model: OverviewModel, now: Date): SafeHtml {
  const bookings = section(
    'bookings-heading',
    'Bookings',
    model.bookings.length === 0
      ? html`<p class="muted">
          No booking yet: publish a <code>BookingCreated</code> (or run <code>npm run demo</code>).
        </p>`
      : table(
          ['Booking', 'Patient', 'Clinic', 'Starts', 'Status', 'Events', 'Emails', 'Last event'],
          model.bookings.map(
            (booking) =>
              html`<tr>
                <td><a href="${bookingPath(booking.clinicId, booking.bookingId)}">${booking.bookingId}</a></td>
                <td>
                  ${
                    booking.patientId !== undefined
                      ? html`<a href="${patientPath(booking.clinicId, booking.patientId)}"
                          >${booking.patientName ?? booking.patientId}</a
                        >`
                      : html`<span class="muted">unknown</span>`
                  }
                </td>
                <td>${booking.clinicId}</td>
                <td class="when">${booking.startsAt !== undefined ? time(booking.startsAt) : '–'}</td>
                <td>${booking.status}</td>
                <td>${booking.events}</td>
                <td>${booking.emails}</td>
                <td class="when">${time(booking.lastAt)}</td>
              </tr>`,
          ),
        ),
  );
  const patients = section(
    'patients-heading',
    'Patients',
    model.patients.length === 0
      ? html`<p class="muted">No patient yet.</p>`
      : table(
          ['Patient', 'Name', 'Clinic', 'Bookings', 'Events', 'Emails', 'Last event'],
          model.patients.map(
            (patient) =>
              html`<tr>
                <td><a href="${patientPath(patient.clinicId, patient.patientId)}">${patient.patientId}</a></td>
                <td>${patient.name ?? html`<span class="muted">unknown</span>`}</td>
                <td>${patient.clinicId}</td>
                <td>${patient.bookings.length}</td>
                <td>${patient.events}</td>
                <td>${patient.emails}</td>
                <td class="when">${time(patient.lastAt)}</td>
              </tr>`,
          ),
        ),
  );
  const other = section(
    'other-heading',
    'Other events',
    model.other.length === 0
      ? html`<p class="muted">None: every event so far names a booking or a patient.</p>`
      : html`<p class="muted">Events that name no booking or patient (clinic profiles, SES's reports), newest first.</p>
          <ol class="timeline">
            ${model.other.map(entryItem)}
          </ol>`,
  );
  return html`${bookings} ${patients} ${pendingSection(model.pending, now, true)}
  ${deadLettersSection(model.deadLetters, true)} ${other}`;
}

function letterLink(ids: Ids): SafeHtml | undefined {
  return ids.clinicId !== undefined && (ids.bookingId !== undefined || ids.patientId !== undefined)
    ? aboutLink(ids)
    : undefined;
}

export function bookingContent(model: BookingModel, now: Date): SafeHtml {
  const { booking } = model;
  const facts = html`<dl class="facts">
    <div>
      <dt>Clinic</dt>
      <dd>${booking.clinicId}</dd>
    </div>
    <div>
      <dt>Patient</dt>
      <dd>
        ${
          booking.patientId !== undefined
            ? html`<a href="${patientPath(booking.clinicId, booking.patientId)}"
                  >${booking.patientName ?? booking.patientId}</a
                >
                <span class="id">${booking.patientId}</span>`
            : html`<span class="muted">unknown</span>`
        }
      </dd>
    </div>
    <div>
      <dt>Status</dt>
      <dd>${booking.status}</dd>
    </div>
    <div>
      <dt>Starts</dt>
      <dd>${booking.startsAt !== undefined ? appointmentTime(booking.startsAt, booking.timezone) : '–'}</dd>
    </div>
    ${
      booking.service !== undefined
        ? html`<div>
            <dt>Service</dt>
            <dd>${booking.service}</dd>
          </div>`
        : ''
    }
    ${
      booking.therapist !== undefined
        ? html`<div>
            <dt>Therapist</dt>
            <dd>${booking.therapist}</dd>
          </div>`
        : ''
    }
    ${
      booking.location !== undefined
        ? html`<div>
            <dt>Location</dt>
            <dd>${booking.location}</dd>
          </div>`
        : ''
    }
  </dl>`;
  return html`${section('booking-heading', 'Booking', facts)} ${timelineSection(model.timeline)}
  ${pendingSection(model.pending, now, false)} ${deadLettersSection(model.deadLetters, false)}`;
}

export function patientContent(model: PatientModel, now: Date): SafeHtml {
  const { patient } = model;
  const facts = html`<dl class="facts">
    <div>
      <dt>Clinic</dt>
      <dd>${patient.clinicId}</dd>
    </div>
    <div>
      <dt>Name</dt>
      <dd>${patient.name ?? html`<span class="muted">unknown</span>`}</dd>
    </div>
    <div>
      <dt>Email address</dt>
      <dd>${patient.email ?? html`<span class="muted">unknown</span>`}</dd>
    </div>
    <div>
      <dt>Bookings</dt>
      <dd>
        ${
          patient.bookings.length === 0
            ? 'none'
            : html`<ul>
                ${patient.bookings.map(
                  (booking) =>
                    html`<li>
                      <a href="${bookingPath(booking.clinicId, booking.bookingId)}">${booking.bookingId}</a>
                      <span class="muted">${booking.status}</span>
                    </li>`,
                )}
              </ul>`
        }
      </dd>
    </div>
  </dl>`;
  return html`${section('patient-heading', 'Patient', facts)} ${timelineSection(model.timeline)}
  ${pendingSection(model.pending, now, true)} ${deadLettersSection(model.deadLetters, true)}`;
}

export function emailContent(model: EmailModel): SafeHtml {
  const { email, sent } = model;
  const ids = sent?.detail;
  const clinicId = text(field(ids, 'clinicId'));
  const bookingId = text(field(ids, 'bookingId'));
  const patientId = text(field(ids, 'patientId'));
  const facts = html`<dl class="facts">
    <div>
      <dt>From</dt>
      <dd>${email.from}</dd>
    </div>
    <div>
      <dt>To</dt>
      <dd>${email.destination.to.join(', ')}</dd>
    </div>
    ${
      email.replyTo.length > 0
        ? html`<div>
            <dt>Reply to</dt>
            <dd>${email.replyTo.join(', ')}</dd>
          </div>`
        : ''
    }
    <div>
      <dt>Kind</dt>
      <dd>${text(field(ids, 'kind')) ?? html`<span class="muted">not known yet</span>`}</dd>
    </div>
    <div>
      <dt>Sent</dt>
      <dd>${sent ? time(sent.at) : html`<span class="muted">not known yet</span>`}</dd>
    </div>
    ${
      clinicId !== undefined && bookingId !== undefined
        ? html`<div>
            <dt>Booking</dt>
            <dd><a href="${bookingPath(clinicId, bookingId)}">${bookingId}</a></dd>
          </div>`
        : ''
    }
    ${
      clinicId !== undefined && patientId !== undefined
        ? html`<div>
            <dt>Patient</dt>
            <dd><a href="${patientPath(clinicId, patientId)}">${patientId}</a></dd>
          </div>`
        : ''
    }
    ${
      email.attachments.length > 0
        ? html`<div>
            <dt>Attachments</dt>
            <dd>
              ${email.attachments.map((file, index) => html`${index > 0 ? ', ' : ''}${file.filename ?? 'unnamed'} (${file.contentType})`)}
            </dd>
          </div>`
        : ''
    }
    <div>
      <dt>Message id</dt>
      <dd class="id">${email.messageId}</dd>
    </div>
  </dl>`;
  // The email's HTML is the patient's content: it is shown in a sandboxed frame whose own
  // response forbids scripts (see the body route), so nothing in it can reach the console.
  const body =
    email.body.html !== undefined
      ? html`<iframe
          src="${emailBodyPath(email.messageId)}"
          title="The email as the patient sees it"
          sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
          referrerpolicy="no-referrer"
        ></iframe>`
      : html`<p class="muted">The email has no HTML part.</p>`;
  return html`${section('email-facts-heading', 'Email', facts)}
  ${section('email-body-heading', 'As the patient sees it', body)}
  ${
    email.body.text !== undefined
      ? section('email-text-heading', 'Plain-text part', html`<pre>${email.body.text}</pre>`)
      : ''
  }`;
}

export function notFoundContent(what: string): SafeHtml {
  return html`<section aria-labelledby="missing-heading">
    <h2 id="missing-heading">Nothing here</h2>
    <p>
      The console knows no ${what}. It shows what the bus accepted since <code>npm start</code>; go back to
      <a href="/">patients and bookings</a>.
    </p>
  </section>`;
}
