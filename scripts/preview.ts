import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClinicProfileUpdatedInput } from '../events/schemas';
import { parseDetail } from '../events/validation';
import { applyClinicProfileUpdated, clinicContactOf, type BookingLinkIds } from '../shared/domain/clinic-profile';
import { resolveLanguage } from '../shared/email/format';
import { escapeHtml } from '../shared/email/html';
import { renderEmail } from '../shared/email/render';
import type {
  Appointment,
  ClinicContact,
  EmailKind,
  EmailModel,
  PainPoint,
  RenderContext,
  RenderedEmail,
  SessionSummary,
} from '../shared/email/types';
import type { PageLanguage, PatientPage } from '../shared/patient-pages/model';
import { renderPatientPage } from '../shared/patient-pages/pages';
import { defaultSelfCareLibrary, localizeExercise, localizeRedFlags } from '../shared/self-care/library';

/**
 * `npm run preview`: renders every kind of email for a few sample patients into `preview/`
 * (`<kind>-<sample>.html`, `.txt`, the `.ics` attachments and an `index.html`), and the answer
 * pages their links open (`answer-<page>-<sample>.html`), with fixed dates so the output is the
 * same on every run. `scripts/screenshots.sh` photographs some of them for the README.
 *
 * Each sample's clinic is what a deployment would show: a ClinicProfileUpdated event, checked
 * against the contract, stored by the domain's own merge and turned into the emails' contact
 * details as the functions do (applyClinicProfileUpdated, then clinicContactOf); a sample
 * without an event shows the wording of a clinic whose first profile has not arrived.
 */

export const EMAIL_KINDS: readonly EmailKind[] = [
  'confirmation',
  'reschedule',
  'cancellation',
  'reminder',
  'missed',
  'follow-up',
  'check-in',
  'plan-nudge',
];

/** The samples every kind is rendered for. */
export const SAMPLE_NAMES = ['en', 'de', 'en-no-profile', 'de-no-profile', 'hostile'] as const;
/** The samples whose follow-up also completes a treatment plan (`follow-up-<sample>-plan-complete`). */
export const PLAN_COMPLETE_SAMPLES = ['en', 'de', 'hostile'] as const;

export const HOSTILE_FIRST_NAME = '<script>alert("name")</script>Jo';
export const HOSTILE_NOTE =
  'Go easy on the left shoulder.\n"><img src=x onerror=alert("note")>\n<script>alert("note")</script> & ice if sore';
export const HOSTILE_CLINIC_NAME = '<b>Riverside</b> "PT" <script>alert("clinic")</script> & Co';
export const HOSTILE_POLICY =
  'Cancel a day ahead.\n<img src=x onerror=alert("policy")><a href="https://pay.example">pay here</a> & thanks';
export const HOSTILE_GOAL = '<script>alert("goal")</script>better-sleep';

/** The English clinic's profile: the contract's own example event. */
const EXAMPLE_PROFILE_FILE = fileURLToPath(new URL('../events/examples/clinic-profile-updated.json', import.meta.url));

/** A German clinic without a booking page: its emails say to book by phone. */
const GERMAN_PROFILE: ClinicProfileUpdatedInput = {
  eventId: 'evt-preview-praxis-mitte-profile',
  occurredAt: '2027-02-01T09:00:00+01:00',
  clinicId: 'praxis-mitte',
  profile: {
    name: 'Physiotherapie Mitte',
    phone: '030 1234567',
    email: 'empfang@physio-mitte.example',
    website: 'https://physio-mitte.example',
    address: 'Hauptstraße 12, 10115 Berlin',
    cancellationPolicy:
      'Bitte sagen Sie Ihren Termin spätestens 24 Stunden vorher ab, telefonisch oder per E-Mail. So können wir die Zeit anderen Patientinnen und Patienten anbieten.',
  },
};

/** Everything the contract lets a clinic write, made of HTML: it must all arrive as text. */
const HOSTILE_PROFILE: ClinicProfileUpdatedInput = {
  eventId: 'evt-preview-hostile-profile',
  occurredAt: '2027-02-01T09:00:00Z',
  clinicId: 'riverside',
  profile: {
    name: HOSTILE_CLINIC_NAME,
    // An https page whose query tries to close the attribute: the link arrives URL-encoded.
    bookingUrl: 'https://riverside-pt.example/book?patient={patientId}&x="><script>alert("book")</script>',
    cancellationPolicy: HOSTILE_POLICY,
  },
};

export interface PreviewEntry {
  kind: EmailKind;
  sample: string;
  /** What the sample shows, for the index. */
  description: string;
  model: EmailModel;
  context: RenderContext;
}

interface Sample {
  name: string;
  description: string;
  patientId: string;
  firstName: string;
  locale: string;
  timezone: string;
  appointment: Omit<Appointment, 'sequence' | 'timezone'>;
  session: Omit<SessionSummary, 'timezone'>;
  /** The clinic's ClinicProfileUpdated detail; none before its first profile. */
  profile?: ClinicProfileUpdatedInput;
  /** The codes of the plan the sample's last session completes. */
  goals: readonly string[];
  organizerEmail: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const at = (iso: string, offsetMs = 0) => new Date(new Date(iso).getTime() + offsetMs);

const EN: Sample = {
  name: 'en',
  description: 'English, clinic with a booking page (its profile: events/examples/clinic-profile-updated.json)',
  patientId: 'pt-alex-0042',
  firstName: 'Alex',
  locale: 'en-US',
  timezone: 'America/Chicago',
  appointment: {
    bookingId: 'bk-20270310-0007',
    clinicId: 'riverside',
    startsAt: '2027-03-10T21:00:00Z',
    durationMinutes: 60,
    serviceName: 'Therapeutic massage, 60 min',
    therapistName: 'Dana Kim',
    location: { name: 'Riverside Physical Therapy', address: '410 River Street, Suite 2, Springfield' },
  },
  session: {
    bookingId: 'bk-20270310-0007',
    completedAt: '2027-03-10T22:05:00Z',
    therapistName: 'Dana Kim',
    techniques: ['deep-tissue', 'trigger-point'],
    focusAreas: ['neck', 'upper-back'],
    painBefore: 5,
    painAfter: 3,
    exerciseIds: ['chin-tuck', 'doorway-chest-stretch'],
    note: 'Your neck moved much more freely today. Keep up the chin tucks at your desk, and take a warm shower tonight.',
    nextVisitInDays: 7,
  },
  profile: (JSON.parse(readFileSync(EXAMPLE_PROFILE_FILE, 'utf8')) as { Detail: ClinicProfileUpdatedInput }).Detail,
  goals: ['pain-relief', 'mobility', 'posture'],
  organizerEmail: 'appointments@riverside-pt.example',
};

const DE: Sample = {
  name: 'de',
  description: 'German, clinic without a booking page',
  patientId: 'pt-juergen-0017',
  firstName: 'Jürgen',
  locale: 'de-DE',
  timezone: 'Europe/Berlin',
  appointment: {
    bookingId: 'bk-20270310-0012',
    clinicId: 'praxis-mitte',
    startsAt: '2027-03-10T14:30:00Z',
    durationMinutes: 45,
    serviceName: 'Manuelle Therapie mit Massage, 45 Min.',
    therapistName: 'Anna Schmidt',
    location: { name: 'Physiotherapie Mitte', address: 'Hauptstraße 12, 10115 Berlin' },
  },
  session: {
    bookingId: 'bk-20270310-0012',
    completedAt: '2027-03-10T15:20:00Z',
    therapistName: 'Anna Schmidt',
    techniques: ['myofascial-release'],
    focusAreas: ['lower-back', 'hips'],
    painBefore: 6,
    painAfter: 4,
    exerciseIds: ['pelvic-tilt', 'knee-to-chest'],
    note: 'Bitte heute Abend viel trinken und morgen einen kurzen Spaziergang machen.',
    nextVisitInDays: 14,
  },
  profile: GERMAN_PROFILE,
  goals: ['stress-reduction', 'posture'],
  organizerEmail: 'termine@physio-mitte.example',
};

/** The same patient and booking before the clinic's first profile: the neutral wording. */
const withoutProfile = ({ profile: _none, ...sample }: Sample, description: string): Sample => ({
  ...sample,
  name: `${sample.name}-no-profile`,
  description,
});

const SAMPLES: readonly Sample[] = [
  EN,
  DE,
  withoutProfile(EN, 'English, before the clinic has sent its profile: "your care team", no policy, no booking link'),
  withoutProfile(DE, 'German, before the clinic has sent its profile: "Ihr Praxisteam", no policy, no booking link'),
  {
    name: 'hostile',
    description:
      'A first name, note, location, clinic name, cancellation policy and goal that try to inject HTML: all of it must show as text',
    patientId: 'pt-hostile-0666',
    firstName: HOSTILE_FIRST_NAME,
    locale: 'en-GB',
    timezone: 'Europe/London',
    appointment: {
      bookingId: 'bk-20270310-0666',
      clinicId: 'riverside',
      startsAt: '2027-03-10T10:00:00Z',
      durationMinutes: 30,
      serviceName: 'Massage <b>30 min</b>',
      therapistName: 'Sam "The Hands" O\'Neil',
      location: { name: '<i>Room 2</i>', address: '"><script>alert("address")</script>' },
    },
    session: {
      bookingId: 'bk-20270310-0666',
      completedAt: '2027-03-10T10:35:00Z',
      therapistName: 'Sam "The Hands" O\'Neil',
      techniques: ['swedish'],
      focusAreas: ['shoulders'],
      painBefore: 4,
      painAfter: 2,
      exerciseIds: ['shoulder-rolls'],
      note: HOSTILE_NOTE,
    },
    profile: HOSTILE_PROFILE,
    goals: ['pain-relief', HOSTILE_GOAL],
    organizerEmail: 'appointments@riverside-pt.example',
  },
];

function appointmentOf(sample: Sample, sequence: number, startsAt = sample.appointment.startsAt): Appointment {
  return { ...sample.appointment, startsAt, timezone: sample.timezone, sequence };
}

function sessionOf(sample: Sample): SessionSummary {
  return { ...sample.session, timezone: sample.timezone };
}

/** The clinic as the emails show it: the profile event validated, merged and read as the functions do. */
function clinicOf(sample: Sample, ids: BookingLinkIds): ClinicContact | undefined {
  if (!sample.profile) return undefined;
  const event = parseDetail('ClinicProfileUpdated', sample.profile);
  return clinicContactOf(applyClinicProfileUpdated(undefined, event), ids);
}

/** The answer page's URL as a deployment writes it: the function URL, then the link's token. */
function answerUrlOf(sample: Sample): string {
  return `https://abc.lambda-url.eu-central-1.on.aws/preview-answer-${sample.name}`;
}

function contextOf(sample: Sample, now: Date, ids: BookingLinkIds): RenderContext {
  const clinic = clinicOf(sample, ids);
  return {
    now,
    organizerEmail: sample.organizerEmail,
    ...(clinic && { clinic }),
    unsubscribeUrl: `https://careloop.example/unsubscribe?token=preview-${sample.name}`,
    answerUrl: answerUrlOf(sample),
  };
}

/** Sessions a week apart, oldest first, this one last, pain easing as the weeks go by. */
function weeklySessions(session: SessionSummary, count: number): PainPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const weeksAgo = count - 1 - i;
    return {
      completedAt: at(session.completedAt, -7 * weeksAgo * DAY).toISOString(),
      painBefore: (session.painBefore ?? 5) + Math.ceil(weeksAgo / 2),
      // One session of the plan had no rating afterwards, as happens.
      ...(weeksAgo !== 3 && { painAfter: (session.painAfter ?? 3) + Math.floor(weeksAgo / 2) }),
    };
  });
}

/**
 * Every email kind for every sample; a check-in without the prompt to book; and the follow-up
 * of the session that completes a plan, with its summary.
 */
export function previewEntries(): PreviewEntry[] {
  const entries: PreviewEntry[] = [];
  for (const sample of SAMPLES) {
    const recipient = {
      firstName: sample.firstName,
      locale: sample.locale,
      email: `${sample.name}.patient@example.com`,
    };
    const start = sample.appointment.startsAt;
    const session = sessionOf(sample);
    const completed = session.completedAt;
    // Links about the booking carry both ids; the nudge is about the patient's plan only.
    const aboutBooking = { bookingId: sample.appointment.bookingId, patientId: sample.patientId };
    const add = (
      kind: EmailKind,
      model: EmailModel,
      now: Date,
      name = sample.name,
      description = sample.description,
      ids: BookingLinkIds = aboutBooking,
    ) => entries.push({ kind, sample: name, description, model, context: contextOf(sample, now, ids) });

    // Booked eight days ahead; moved from two days earlier; cancelled by the patient.
    add(
      'confirmation',
      { kind: 'confirmation', recipient, appointment: appointmentOf(sample, 0) },
      at(start, -8 * DAY),
    );
    add(
      'reschedule',
      {
        kind: 'reschedule',
        recipient,
        appointment: appointmentOf(sample, 1),
        previousStartsAt: at(start, -2 * DAY).toISOString(),
      },
      at(start, -5 * DAY),
    );
    add(
      'cancellation',
      {
        kind: 'cancellation',
        recipient,
        appointment: appointmentOf(sample, 2),
        cancelledBy: sample.name.startsWith('de') ? 'clinic' : 'patient',
      },
      at(start, -3 * DAY),
    );
    add('reminder', { kind: 'reminder', recipient, appointment: appointmentOf(sample, 0) }, at(start, -24 * HOUR));
    // The booking front end reports the no-show an hour after the appointment ended.
    add('missed', { kind: 'missed', recipient, appointment: appointmentOf(sample, 0) }, at(start, 2 * HOUR));
    add(
      'follow-up',
      {
        kind: 'follow-up',
        recipient,
        session,
        painTrend: weeklySessions(session, 3),
        planProgress: { sessionNumber: 3, plannedSessions: 6 },
      },
      at(completed, 30 * 60_000),
    );
    add(
      'check-in',
      {
        kind: 'check-in',
        recipient,
        session,
        planProgress: { sessionNumber: 3, plannedSessions: 6 },
        promptToBook: true,
      },
      at(completed, 3 * DAY),
    );
    // Three weeks without a session, nothing booked: the plan is at risk.
    add(
      'plan-nudge',
      {
        kind: 'plan-nudge',
        recipient,
        plan: {
          sessionsCompleted: 3,
          plannedSessions: 6,
          daysSinceLastSession: 21,
          lastSessionAt: completed,
          timezone: sample.timezone,
        },
      },
      at(completed, 21 * DAY),
      sample.name,
      sample.description,
      { patientId: sample.patientId },
    );
    if ((PLAN_COMPLETE_SAMPLES as readonly string[]).includes(sample.name)) {
      const sessions = weeklySessions(session, 6);
      add(
        'follow-up',
        {
          kind: 'follow-up',
          recipient,
          session,
          painTrend: sessions,
          planProgress: { sessionNumber: 6, plannedSessions: 6 },
          planSummary: { plannedSessions: 6, sessionsCompleted: 6, goals: [...sample.goals], sessions },
        },
        at(completed, 30 * 60_000),
        `${sample.name}-plan-complete`,
        `${sample.description}; the session that completes a plan of 6: the plan summary`,
      );
    }
    if (sample.name === 'en')
      add(
        'check-in',
        {
          kind: 'check-in',
          recipient,
          session,
          planProgress: { sessionNumber: 6, plannedSessions: 6 },
          promptToBook: false,
        },
        at(completed, 3 * DAY),
        'en-no-booking-prompt',
        'English, the last session of the plan: no prompt to book',
      );
  }
  return entries;
}

export interface PagePreviewEntry {
  /** The file's name without `.html`: `answer-<page>-<sample>`. */
  name: string;
  sample: string;
  description: string;
  model: PatientPage;
  language: PageLanguage;
  /** The sample's locale: dates as in its emails. */
  locale: string;
}

/** The answer pages, for the index and the file names: what each shows. */
export const ANSWER_PAGES = {
  attendance: 'attendance, as "I\'ll be there" in the email opens it (preselected, not yet recorded)',
  'attendance-change-requested': 'attendance, after "I need to cancel or change it" was recorded',
  'check-in': 'check-in: how are you doing, with the warning signs',
  'check-in-previous': 'check-in, opened again: the previous answer filled in',
  'check-in-recorded': 'check-in recorded, nothing that calls for the clinic',
  'check-in-escalation':
    'check-in recorded: worse, more pain, an exercise too painful and a warning sign: emergency services first, then the clinic',
  expired: 'a link past its time',
  invalid: 'a forged or altered link',
  unavailable: 'the store or the key could not be reached',
} as const;

export type AnswerPageName = keyof typeof ANSWER_PAGES;

/**
 * The answer pages the samples' links open, in the sample's language, the clinic from its profile
 * as in the emails; the check-in's exercises and warning signs as the session's emails list them.
 */
export function pagePreviewEntries(): PagePreviewEntry[] {
  const library = defaultSelfCareLibrary();
  return SAMPLES.flatMap((sample) => {
    const language = resolveLanguage(sample.locale);
    const clinic = clinicOf(sample, { bookingId: sample.appointment.bookingId, patientId: sample.patientId });
    const withClinic = clinic ? { clinic } : {};
    const appointment = appointmentOf(sample, 0);
    const { callClinic, urgent } = localizeRedFlags(library.redFlags, language);
    const checkIn: Omit<Extract<PatientPage, { page: 'check-in' }>, 'state'> = {
      page: 'check-in',
      session: {
        completedAt: sample.session.completedAt,
        timezone: sample.timezone,
        therapistName: sample.session.therapistName,
      },
      exercises: sample.session.exerciseIds.flatMap((id) => {
        const exercise = library.findExercise(id);
        return exercise ? [{ id, name: localizeExercise(exercise, language).title }] : [];
      }),
      warningSigns: { callClinic: [...callClinic], urgent: [...urgent] },
      ...withClinic,
    };
    const models: Record<AnswerPageName, PatientPage> = {
      attendance: { page: 'attendance', state: 'ask', appointment, selected: 'confirmed', ...withClinic },
      'attendance-change-requested': {
        page: 'attendance',
        state: 'recorded',
        appointment,
        selected: 'change-requested',
        ...withClinic,
      },
      'check-in': { ...checkIn, state: 'ask' },
      'check-in-previous': {
        ...checkIn,
        state: 'ask',
        previous: {
          feeling: 'better',
          painNow: 2,
          exercises: Object.fromEntries(sample.session.exerciseIds.slice(0, 1).map((id) => [id, 'done'])),
          warningSigns: false,
        },
      },
      'check-in-recorded': { ...checkIn, state: 'recorded' },
      'check-in-escalation': {
        ...checkIn,
        state: 'recorded',
        escalation: {
          reasons: ['feeling-worse', 'pain-increase', 'exercise-too-painful', 'warning-signs'],
          emergencyFirst: true,
        },
      },
      expired: { page: 'expired', ...withClinic },
      invalid: { page: 'invalid' },
      unavailable: { page: 'unavailable', ...withClinic },
    };
    return Object.entries(models).map(([page, model]) => ({
      name: `answer-${page}-${sample.name}`,
      sample: sample.name,
      description: ANSWER_PAGES[page as AnswerPageName],
      model,
      language,
      locale: sample.locale,
    }));
  });
}

export interface PreviewResult {
  /** Names of the files written, relative to the output folder (`index.html` last). */
  files: string[];
  /** Absolute path of index.html. */
  index: string;
  /** One per rendered email. */
  emails: { kind: EmailKind; sample: string; subject: string; html: string; text: string; attachments: string[] }[];
  /** One per answer page. */
  pages: { sample: string; description: string; html: string }[];
}

function indexHtml(
  rows: PreviewResult['emails'],
  entries: readonly PreviewEntry[],
  pages: PreviewResult['pages'],
): string {
  const descriptions = new Map(entries.map((entry) => [entry.sample, entry.description]));
  const samples = [...new Set(rows.map((row) => row.sample))];
  const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
  const sections = samples.map((sample) => {
    const body = rows
      .filter((row) => row.sample === sample)
      .map(
        (row) =>
          `      <tr><td>${escapeHtml(row.kind)}</td><td>${link(row.html, row.subject)}</td><td>${[
            link(row.text, 'text'),
            ...row.attachments.map((file) => link(file, '.ics')),
          ].join(' · ')}</td></tr>`,
      )
      .join('\n');
    const answerPages = pages
      .filter((page) => page.sample === sample)
      .map(
        (page) =>
          `      <tr><td>${link(page.html, page.html.replace(/\.html$/, ''))}</td><td>${escapeHtml(page.description)}</td></tr>`,
      )
      .join('\n');
    return [
      `  <h2>${escapeHtml(sample)}</h2>`,
      `  <p>${escapeHtml(descriptions.get(sample) ?? '')}</p>`,
      '  <table>',
      '    <thead><tr><th>kind</th><th>subject (opens the HTML part)</th><th>other parts</th></tr></thead>',
      '    <tbody>',
      body,
      '    </tbody>',
      '  </table>',
      '  <table>',
      '    <thead><tr><th>answer page</th><th>what it shows</th></tr></thead>',
      '    <tbody>',
      answerPages,
      '    </tbody>',
      '  </table>',
    ].join('\n');
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CareLoop email previews</title>
  <style>
    body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; margin: 2rem; color: #1f2933; }
    table { border-collapse: collapse; margin-bottom: 1.5rem; }
    th, td { text-align: left; padding: 0.35rem 1rem 0.35rem 0; border-bottom: 1px solid #d9e2e1; vertical-align: top; }
    a { color: #0b5d57; }
  </style>
</head>
<body>
  <h1>CareLoop email previews</h1>
  <p>${rows.length} emails and the ${pages.length} answer pages their links open, rendered by <code>npm run preview</code> with fixed dates.</p>
${sections.join('\n')}
</body>
</html>
`;
}

/** Renders every preview into `outDir` (created if needed). */
export async function writePreviews(outDir: string): Promise<PreviewResult> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const entries = previewEntries();
  const files: string[] = [];
  const emails: PreviewResult['emails'] = [];
  const write = async (name: string, content: string) => {
    await writeFile(join(dir, name), content, 'utf8');
    files.push(name);
  };
  for (const entry of entries) {
    const base = `${entry.kind}-${entry.sample}`;
    const rendered: RenderedEmail = renderEmail(entry.model, entry.context);
    await write(`${base}.html`, rendered.html);
    await write(`${base}.txt`, `Subject: ${rendered.subject}\n\n${rendered.text}`);
    const attachments: string[] = [];
    for (const [i, attachment] of rendered.attachments.entries()) {
      const name = rendered.attachments.length === 1 ? `${base}.ics` : `${base}-${i + 1}.ics`;
      await write(name, attachment.content);
      attachments.push(name);
    }
    emails.push({
      kind: entry.kind,
      sample: entry.sample,
      subject: rendered.subject,
      html: `${base}.html`,
      text: `${base}.txt`,
      attachments,
    });
  }
  const pages: PreviewResult['pages'] = [];
  for (const entry of pagePreviewEntries()) {
    await write(`${entry.name}.html`, renderPatientPage(entry.model, entry.language, { locale: entry.locale }));
    pages.push({ sample: entry.sample, description: entry.description, html: `${entry.name}.html` });
  }
  await write('index.html', indexHtml(emails, entries, pages));
  return { files, index: join(dir, 'index.html'), emails, pages };
}

async function main() {
  const outDir = process.argv[2] ?? fileURLToPath(new URL('../preview/', import.meta.url));
  const { index, emails, pages, files } = await writePreviews(outDir);
  console.log(
    `${emails.length} emails and ${pages.length} answer pages (${files.length} files) written; open ${index}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
