import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { escapeHtml } from '../shared/email/html';
import { renderEmail } from '../shared/email/render';
import type {
  Appointment,
  EmailKind,
  EmailModel,
  RenderContext,
  RenderedEmail,
  SessionSummary,
} from '../shared/email/types';

/**
 * `npm run preview`: renders every kind of email for a few sample patients into `preview/`
 * (`<kind>-<sample>.html`, `.txt`, the `.ics` attachments and an `index.html`), with fixed
 * dates so the output is the same on every run. `scripts/screenshots.sh` photographs some of
 * them for the README.
 */

export const EMAIL_KINDS: readonly EmailKind[] = [
  'confirmation',
  'reschedule',
  'cancellation',
  'reminder',
  'follow-up',
  'check-in',
];

export const HOSTILE_FIRST_NAME = '<script>alert("name")</script>Jo';
export const HOSTILE_NOTE =
  'Go easy on the left shoulder.\n"><img src=x onerror=alert("note")>\n<script>alert("note")</script> & ice if sore';

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
  firstName: string;
  locale: string;
  timezone: string;
  appointment: Omit<Appointment, 'sequence' | 'timezone'>;
  session: Omit<SessionSummary, 'timezone'>;
  clinic: NonNullable<RenderContext['clinic']>;
  organizerEmail: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const at = (iso: string, offsetMs = 0) => new Date(new Date(iso).getTime() + offsetMs);

const SAMPLES: readonly Sample[] = [
  {
    name: 'en',
    description: 'English, clinic with a booking page, session 3 of 6 with a pain trend',
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
    clinic: {
      name: 'Riverside Physical Therapy',
      phone: '+1 555 0100 200',
      bookingUrl: 'https://riverside-pt.example/book',
    },
    organizerEmail: 'appointments@riverside-pt.example',
  },
  {
    name: 'de',
    description: 'German, clinic without a booking page',
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
    clinic: { name: 'Physiotherapie Mitte', phone: '030 1234567' },
    organizerEmail: 'termine@physio-mitte.example',
  },
  {
    name: 'hostile',
    description: 'A first name, note and location that try to inject HTML: all of it must show as text',
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
    clinic: {
      name: 'Riverside Physical Therapy',
      // A scheme the renderer must drop: the email falls back to "call us".
      bookingUrl: 'javascript:alert("book")',
    },
    organizerEmail: 'appointments@riverside-pt.example',
  },
];

function appointmentOf(sample: Sample, sequence: number, startsAt = sample.appointment.startsAt): Appointment {
  return { ...sample.appointment, startsAt, timezone: sample.timezone, sequence };
}

function sessionOf(sample: Sample): SessionSummary {
  return { ...sample.session, timezone: sample.timezone };
}

function contextOf(sample: Sample, now: Date): RenderContext {
  return {
    now,
    organizerEmail: sample.organizerEmail,
    clinic: sample.clinic,
    unsubscribeUrl: `https://careloop.example/unsubscribe?token=preview-${sample.name}`,
  };
}

/** Every email kind for every sample, and a check-in without the prompt to book. */
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
    const add = (kind: EmailKind, model: EmailModel, now: Date, name = sample.name, description = sample.description) =>
      entries.push({ kind, sample: name, description, model, context: contextOf(sample, now) });

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
        cancelledBy: sample.name === 'de' ? 'clinic' : 'patient',
      },
      at(start, -3 * DAY),
    );
    add('reminder', { kind: 'reminder', recipient, appointment: appointmentOf(sample, 0) }, at(start, -24 * HOUR));
    add(
      'follow-up',
      {
        kind: 'follow-up',
        recipient,
        session,
        // Three sessions a week apart, oldest first, this one last, pain easing each week.
        painTrend: [2, 1, 0].map((weeksAgo) => ({
          completedAt: at(completed, -7 * weeksAgo * DAY).toISOString(),
          painBefore: (session.painBefore ?? 5) + weeksAgo,
          painAfter: (session.painAfter ?? 3) + weeksAgo,
        })),
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

export interface PreviewResult {
  /** Names of the files written, relative to the output folder (`index.html` last). */
  files: string[];
  /** Absolute path of index.html. */
  index: string;
  /** One per rendered email. */
  emails: { kind: EmailKind; sample: string; subject: string; html: string; text: string; attachments: string[] }[];
}

function indexHtml(rows: PreviewResult['emails'], entries: readonly PreviewEntry[]): string {
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
    return [
      `  <h2>${escapeHtml(sample)}</h2>`,
      `  <p>${escapeHtml(descriptions.get(sample) ?? '')}</p>`,
      '  <table>',
      '    <thead><tr><th>kind</th><th>subject (opens the HTML part)</th><th>other parts</th></tr></thead>',
      '    <tbody>',
      body,
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
  <p>${rows.length} emails rendered by <code>npm run preview</code> with fixed dates.</p>
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
  await write('index.html', indexHtml(emails, entries));
  return { files, index: join(dir, 'index.html'), emails };
}

async function main() {
  const outDir = process.argv[2] ?? fileURLToPath(new URL('../preview/', import.meta.url));
  const { index, emails, files } = await writePreviews(outDir);
  console.log(`${emails.length} emails (${files.length} files) written; open ${index}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
