import type { IncomingMessage, ServerResponse } from 'node:http';
import { readInbox } from '../ses-local';
import type { SafeHtml } from '../../../shared/email/html';
import type { Activity } from './activity';
import {
  bookingModel,
  emailModel,
  nextDue,
  overviewModel,
  patientModel,
  type ConsoleData,
  type ConsoleDeadLetter,
  type ConsoleSchedule,
} from './model';
import {
  bookingContent,
  emailContent,
  notFoundContent,
  overviewContent,
  patientContent,
  renderConsolePage,
  type ClockView,
} from './pages';

/**
 * The local console's routes on the stack's control port (LOCAL.md `GET /`): pages that only
 * read, and one form target, `POST /clock`, that moves the clock as `POST /_local/clock` does
 * and sends the browser back to the page it came from (303), so a reload never moves it again.
 */

/** What the console reads, once the stack is up. */
export interface ConsoleSources {
  activity: Activity;
  deadLetters: readonly ConsoleDeadLetter[];
  schedules(): readonly ConsoleSchedule[];
  /** The SES emulator: its sent mail is read from it, and its own viewer linked. */
  inboxUrl: string;
  now(): Date;
  /** The stack's clock advance (what `POST /_local/clock` does). */
  advance(seconds: number): Promise<{ now: string; fired: number }>;
}

export interface LocalConsole {
  /** Answers the request when it is the console's; false when it is not (the stack answers it). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<boolean>;
}

/**
 * The console's own pages allow inline styles, forms to themselves and the email frame, nothing
 * else: there is no script anywhere, and no page of it may be framed by another site.
 */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/**
 * An email's HTML, shown in the console's frame: a sandbox of its own (no script, a unique origin),
 * styles inline as emails have them, nothing loaded. Its links may open a page in a new window or,
 * on a click, the whole tab (the answer pages are on this port): never by script.
 */
const EMAIL_POLICY =
  "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'";

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const MOVES = {
  hour: { seconds: 3600, label: '1 hour on' },
  day: { seconds: 86_400, label: '1 day on' },
} as const;

/** The console's paths, each segment an id as encodeURIComponent wrote it. */
const ROUTES = {
  booking: /^\/bookings\/([^/]+)\/([^/]+)$/,
  patient: /^\/patients\/([^/]+)\/([^/]+)$/,
  email: /^\/emails\/([^/]+)$/,
  emailBody: /^\/emails\/([^/]+)\/body$/,
};

function decoded(segments: readonly (string | undefined)[]): string[] | undefined {
  try {
    return segments.map((segment) => decodeURIComponent(segment ?? ''));
  } catch {
    return undefined;
  }
}

/** A console page to come back to: a path of this server, never another site (`//host`) or a scheme. */
function backPath(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  const url = new URL(value, 'http://console.invalid');
  return url.origin === 'http://console.invalid' ? `${url.pathname}${url.search}` : '/';
}

/**
 * A form post from another site is refused: the console has no login, and a page elsewhere must
 * not move a developer's clock. Browsers name the posting page's origin (and Fetch Metadata).
 */
function fromElsewhere(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  return origin !== undefined && origin !== 'null' && origin !== `http://${req.headers.host ?? ''}`;
}

export function createLocalConsole(sources: () => ConsoleSources | undefined): LocalConsole {
  let lastMove: ClockView['lastMove'];

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
    res.writeHead(status, { ...COMMON_HEADERS, ...headers });
    res.end(body);
  };
  const page = (res: ServerResponse, status: number, body: string) =>
    send(res, status, body, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_POLICY });

  const data = async (from: ConsoleSources): Promise<ConsoleData> => ({
    now: from.now(),
    events: from.activity.events(),
    deadLetters: from.deadLetters,
    schedules: from.schedules(),
    emails: await readInbox(from.inboxUrl),
  });

  const clockOf = (snapshot: ConsoleData): ClockView => {
    const next = nextDue(snapshot);
    return { now: snapshot.now, ...(next && { next }), ...(lastMove && { lastMove }) };
  };

  async function get(res: ServerResponse, url: URL, from: ConsoleSources): Promise<boolean> {
    const path = url.pathname;
    const booking = ROUTES.booking.exec(path);
    const patient = ROUTES.patient.exec(path);
    const email = ROUTES.email.exec(path);
    const emailBody = ROUTES.emailBody.exec(path);
    if (path !== '/' && !booking && !patient && !email && !emailBody) return false;

    const snapshot = await data(from);
    const render = (status: number, title: string, heading: string, content: SafeHtml) =>
      page(
        res,
        status,
        renderConsolePage({ title, heading, path, clock: clockOf(snapshot), inboxUrl: from.inboxUrl, content }),
      );
    const missing = (what: string) => render(404, 'Not found', 'Not found', notFoundContent(what));

    if (path === '/') {
      render(
        200,
        'Patients and bookings',
        'Patients and bookings',
        overviewContent(overviewModel(snapshot), snapshot.now),
      );
      return true;
    }
    if (booking) {
      const [clinicId, bookingId] = decoded([booking[1], booking[2]]) ?? [];
      const model = clinicId !== undefined && bookingId !== undefined && bookingModel(snapshot, clinicId, bookingId);
      if (!model) missing('such booking');
      else
        render(
          200,
          `Booking ${model.booking.bookingId}`,
          `Booking ${model.booking.bookingId}`,
          bookingContent(model, snapshot.now),
        );
      return true;
    }
    if (patient) {
      const [clinicId, patientId] = decoded([patient[1], patient[2]]) ?? [];
      const model = clinicId !== undefined && patientId !== undefined && patientModel(snapshot, clinicId, patientId);
      if (!model) missing('such patient');
      else {
        const name = model.patient.name ?? model.patient.patientId;
        render(200, `Patient ${name}`, `Patient ${name}`, patientContent(model, snapshot.now));
      }
      return true;
    }
    const [messageId] = decoded([(email ?? emailBody)?.[1]]) ?? [];
    const model = messageId === undefined ? undefined : emailModel(snapshot, messageId);
    if (!model) {
      missing('such email');
      return true;
    }
    if (emailBody) {
      send(res, 200, model.email.body.html ?? '', {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': EMAIL_POLICY,
      });
      return true;
    }
    render(200, `Email ${model.email.subject}`, model.email.subject || '(no subject)', emailContent(model));
    return true;
  }

  async function moveClock(req: IncomingMessage, res: ServerResponse, body: string, from: ConsoleSources) {
    if (fromElsewhere(req)) {
      send(res, 403, 'The console moves the clock for its own pages only.', {
        'content-type': 'text/plain; charset=utf-8',
      });
      return;
    }
    const form = new URLSearchParams(body);
    const back = backPath(form.get('back'));
    const by = form.get('by');
    let move: { seconds: number; label: string } | undefined;
    if (by === 'hour' || by === 'day') move = MOVES[by];
    else if (by === 'next') {
      const next = nextDue({ schedules: from.schedules() });
      // Whole seconds, rounded up: the schedule is due when the clock gets there, not a moment before.
      if (next) {
        const seconds = Math.max(0, Math.ceil((next.fireAt.getTime() - from.now().getTime()) / 1000));
        move = { seconds, label: `to the next due (${next.kind})` };
      }
    }
    if (move) {
      const { now, fired } = await from.advance(move.seconds);
      lastMove = { label: move.label, fired, now: new Date(now) };
    }
    send(res, 303, '', { location: back });
  }

  return {
    async handle(req, res, url, body) {
      const isGet = req.method === 'GET' || req.method === 'HEAD';
      const isMove = url.pathname === '/clock' && req.method === 'POST';
      if (!isGet && !isMove) return false;
      if (isGet && url.pathname.startsWith('/_local/')) return false;
      const from = sources();
      if (!from) {
        if (isMove || url.pathname === '/') {
          send(res, 503, 'The local stack is still starting: reload in a moment.', {
            'content-type': 'text/plain; charset=utf-8',
            'retry-after': '1',
          });
          return true;
        }
        return false;
      }
      if (isMove) {
        await moveClock(req, res, body, from);
        return true;
      }
      return get(res, url, from);
    },
  };
}
