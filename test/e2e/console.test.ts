import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, type DetailType } from '../../events/catalog';
import { readInbox } from '../../infra/local/ses-local';
import type { LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { projectRoot } from '../support/examples';
import { scenario } from '../support/scenario';

/**
 * The local console (LOCAL.md `GET /`) in a real browser: the system's Chromium driven by
 * playwright-core, against a stack on free ports, with the demo's story told to it as a front end
 * tells it. JavaScript stays on in the browser (the console has none of its own; an injected
 * script would show as a dialog).
 */

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Where no browser can be installed, this says so explicitly; CI installs one (.ci/run). */
const SKIP_WITHOUT_BROWSER = process.env.CARELOOP_SKIP_BROWSER_TESTS === '1';
const NO_BROWSER = !existsSync(CHROMIUM);

let stack: LocalStack;
let client: EventBridgeClient;

beforeAll(async () => {
  stack = await startTestStack();
  client = new EventBridgeClient({
    endpoint: stack.endpoints.events,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

const url = (path: string) => `${stack.endpoints.events}${path}`;

/** A part of a page as it reads: its text with white space collapsed. */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function put(detailType: DetailType, detail: unknown) {
  const answer = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: stack.frontEndEnvironment.CARELOOP_EVENT_BUS,
          Source: eventCatalog[detailType].source,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(answer.FailedEntryCount).toBe(0);
  await stack.idle();
}

/** `npm run demo` against this stack, in its own process as a developer runs it: its ids, from what it prints. */
async function runDemo(): Promise<{ patientId: string; bookingId: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...stack.frontEndEnvironment,
      CARELOOP_INBOX_URL: stack.endpoints.ses,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the demo failed (${code}):\n${output}`);
  const ids = /patient (\S+), booking (\S+),/.exec(output);
  if (!ids) throw new Error(`the demo did not name its patient and booking:\n${output}`);
  await stack.idle();
  return { patientId: ids[1]!, bookingId: ids[2]!, output };
}

describe('the console over HTTP', () => {
  it('answers GET / with an HTML page that allows no script and no framing by others', async () => {
    const response = await fetch(url('/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('script-src');
    expect(await response.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('moves the clock only on a POST from its own pages, and sends the browser back with a 303', async () => {
    const before = stack.clock.advancedBySeconds;
    for (const path of ['/', '/clock?by=day', '/bookings/riverside/none']) await fetch(url(path));
    expect(stack.clock.advancedBySeconds).toBe(before);

    const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(url('/clock'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body).toString(),
        redirect: 'manual',
      });
    const elsewhere = await form({ by: 'day', back: '/' }, { origin: 'https://elsewhere.example' });
    expect(elsewhere.status).toBe(403);
    expect(stack.clock.advancedBySeconds).toBe(before);

    const moved = await form({ by: 'hour', back: '/patients/riverside/pt-1?x=1' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe('/patients/riverside/pt-1?x=1');
    // The hour is counted from when the move started; the clock kept ticking meanwhile.
    const hourLater = stack.clock.advancedBySeconds;
    expect(hourLater).toBeGreaterThan(before + 3500);
    expect(hourLater).toBeLessThanOrEqual(before + 3600);

    // Back to another site is never followed: the console's own front page instead.
    for (const back of ['//elsewhere.example/', 'https://elsewhere.example/', '/\\elsewhere.example']) {
      const answer = await form({ by: 'nothing', back });
      expect(answer.headers.get('location')).toBe('/');
    }
    expect(stack.clock.advancedBySeconds).toBe(hourLater);
  });

  it('keeps the JSON endpoints and the 404 of other paths as they were', async () => {
    expect((await fetch(url('/_local/events'))).headers.get('content-type')).toBe('application/json');
    const other = await fetch(url('/nothing-here'));
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('application/json');
  });
});

/**
 * In the page (as source: the project compiles without the DOM's types): every control Tab should
 * reach, in document order, numbered in a data attribute; the skip link counts though it sits off
 * screen until focused, and what a closed <details> hides does not.
 */
const MARK_CONTROLS = `(() => {
  const all = [...document.querySelectorAll(
    'a[href], button:not([disabled]), summary, input:not([type="hidden"]), select, textarea, iframe, [tabindex]:not([tabindex="-1"])',
  )].filter((element) => element.getClientRects().length > 0);
  all.forEach((element, index) => element.setAttribute('data-tab-order', String(index)));
  return all.map((element) => element.tagName.toLowerCase() + ': ' + element.textContent.trim().replace(/\\s+/g, ' '));
})()`;

/** In the page: the focused control's number and its outline, as drawn. */
const FOCUSED = `(() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return { order: element.getAttribute('data-tab-order'), outline: style.outlineStyle + ' ' + style.outlineWidth };
})()`;

describe.skipIf(NO_BROWSER && SKIP_WITHOUT_BROWSER)('the console in Chromium', () => {
  let browser: Browser;
  let demo: { patientId: string; bookingId: string };

  beforeAll(async () => {
    if (NO_BROWSER) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: the console's browser tests need it. ` +
          'On Debian/Ubuntu, as root: apt-get install -y chromium ' +
          '(or set CHROMIUM=/path/to/chromium; CARELOOP_SKIP_BROWSER_TESTS=1 skips these tests where no browser can be installed).',
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    demo = await runDemo();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page that records every dialog (an injected script's alert would open one). */
  async function open(path: string): Promise<{ page: Page; dialogs: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const response = await page.goto(url(path));
    expect(response?.status()).toBe(200);
    return { page, dialogs };
  }

  it("shows the demo's patient and booking on the front page, the clinic's profile among the other events, no dead letters", async () => {
    const { page } = await open('/');
    const bookings = page.getByRole('region', { name: 'Bookings' });
    const row = bookings.getByRole('row').filter({ hasText: demo.bookingId });
    expect(await row.getByRole('link', { name: demo.bookingId }).isVisible()).toBe(true);
    expect(await row.getByRole('link', { name: 'Alex Meyer' }).isVisible()).toBe(true);
    expect(await textOf(row)).toContain('session completed');
    const patients = page.getByRole('region', { name: 'Patients' });
    expect(await patients.getByRole('link', { name: demo.patientId }).isVisible()).toBe(true);
    // The clinic's profile names no patient: it is among the other events, applied.
    const other = page.getByRole('region', { name: 'Other events' });
    expect(await textOf(other)).toMatch(/ClinicProfileUpdated.*applied/);
    expect(await textOf(page.getByRole('region', { name: 'Dead letters' }))).toContain('None.');
    await page.close();
  });

  it("tells the demo booking's story: events with their outcomes, every email with its link, the answer", async () => {
    const { page } = await open('/');
    await page.getByRole('link', { name: demo.bookingId }).first().click();
    await page.waitForURL(`**/bookings/riverside/${demo.bookingId}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Booking ${demo.bookingId}`);

    const timeline = page.getByRole('region', { name: 'Timeline' });
    const entries = timeline.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) });
    const headings = await Promise.all((await entries.getByRole('heading', { level: 3 }).all()).map(textOf));
    expect(headings).toEqual([
      'received BookingCreated',
      'email confirmation sent',
      'received BookingRescheduled',
      'email reschedule sent',
      'email reminder sent',
      'received SessionCompleted',
      'email follow-up sent',
      'email check-in sent',
      'answer The patient answered: check-in',
    ]);
    for (const type of ['BookingCreated', 'BookingRescheduled', 'SessionCompleted']) {
      const entry = entries.filter({ hasText: `received ${type}` });
      expect(await textOf(entry.getByRole('list', { name: 'Outcome' }))).toMatch(/^applied/);
    }
    expect(await textOf(entries.filter({ hasText: 'The patient answered' }))).toContain('feeling better');

    // Each email's link opens it, shown in a sandboxed frame served with a policy of its own.
    const emails = entries.filter({ hasText: /email \S+ sent/ });
    expect(await emails.getByRole('link').count()).toBe(5);
    const sent = (await readInbox(stack.endpoints.ses)).find((email) =>
      email.subject.startsWith('Reminder: your appointment'),
    )!;
    await emails.getByRole('link', { name: sent.subject }).click();
    await page.waitForURL(`**/emails/${sent.messageId}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(sent.subject);
    const frame = page.locator('iframe');
    expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
    expect(await textOf(page.frameLocator('iframe').locator('body'))).toContain('See you soon');
    const body = await fetch(url(`/emails/${encodeURIComponent(sent.messageId)}/body`));
    expect(body.headers.get('content-security-policy')).toMatch(/^sandbox /);
    await page.close();
  });

  it('fires the next due reminder from the "Next due" button, and the timeline shows its email', async () => {
    const story = scenario({ startsAt: new Date(stack.clock.now().getTime() + 3 * 86_400_000).toISOString() });
    await put('BookingCreated', story.created({ occurredAt: stack.clock.now().toISOString() }));
    const { page } = await open(`/bookings/riverside/${story.bookingId}`);
    const pending = page.getByRole('region', { name: 'Pending reminders and check-ins' });
    expect(await textOf(pending)).toContain('reminder, 24 h before');
    const reminders = () =>
      page.getByRole('region', { name: 'Timeline' }).getByRole('heading', { name: 'email reminder sent' }).count();
    expect(await reminders()).toBe(0);

    // Other stories' schedules may come first: each press fires the one due next, and comes back here.
    for (let press = 0; press < 5 && (await reminders()) === 0; press++) {
      await page.getByRole('button', { name: 'Next due' }).click();
      await page.waitForURL(`**/bookings/riverside/${story.bookingId}`);
      expect(await textOf(page.getByRole('status'))).toMatch(/^Clock moved to the next due .* fired\.$/);
    }
    expect(await reminders()).toBe(1);
    expect(await textOf(pending)).toContain('None.');
    const inbox = (await readInbox(stack.endpoints.ses)).filter((email) => email.destination.to.includes(story.email));
    expect(inbox.map((email) => email.subject)).toEqual([expect.any(String), expect.stringMatching(/^Reminder/)]);
    await page.close();
  });

  it('reads and moves the clock with JavaScript off: the buttons are a form that posts', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url(`/bookings/riverside/${demo.bookingId}`));
    expect(await textOf(page.getByRole('region', { name: 'Timeline' }))).toContain('email check-in sent');
    const before = stack.clock.advancedBySeconds;
    await page.getByRole('button', { name: '+1 day' }).click();
    await page.waitForURL(`**/bookings/riverside/${demo.bookingId}`);
    expect(await textOf(page.getByRole('status'))).toMatch(/^Clock moved 1 day on: now /);
    expect(stack.clock.advancedBySeconds).toBeGreaterThan(before + 86_000);
    await context.close();
  });

  it('shows hostile names and notes as text: no element of theirs, no script run', async () => {
    const story = scenario({ startsAt: new Date(stack.clock.now().getTime() + 2 * 86_400_000).toISOString() });
    const name = '<img src=x onerror=alert(1)>';
    const lastName = '"><svg onload=alert(2)>';
    const note = '<script>alert(3)</script> & rest';
    await put(
      'BookingCreated',
      story.created({ occurredAt: stack.clock.now().toISOString(), patient: { firstName: name, lastName } }),
    );
    await put(
      'SessionCompleted',
      story.sessionCompleted({
        occurredAt: stack.clock.now().toISOString(),
        completedAt: stack.clock.now().toISOString(),
        selfCare: { exercises: ['chin-tuck'], note },
      }),
    );
    const [confirmation] = (await readInbox(stack.endpoints.ses)).filter((email) =>
      email.destination.to.includes(story.email),
    );

    for (const path of [
      '/',
      `/bookings/riverside/${story.bookingId}`,
      `/patients/riverside/${story.patientId}`,
      `/emails/${confirmation!.messageId}`,
    ]) {
      const { page, dialogs } = await open(path);
      const text = await textOf(page.locator('body'));
      // The email greets by the first name only (its plain-text part is on the page).
      expect(text, path).toContain(path.startsWith('/emails') ? name : `${name} ${lastName}`);
      if (path.startsWith('/bookings') || path.startsWith('/patients')) expect(text, path).toContain(note);
      expect(await page.locator('img, svg, script').count(), path).toBe(0);
      // The email's own HTML, in its frame, escaped the name as well.
      if (path.startsWith('/emails')) {
        expect(await page.frameLocator('iframe').locator('img, svg, script').count()).toBe(0);
      }
      await page.waitForTimeout(200);
      expect(dialogs, path).toEqual([]);
      await page.close();
    }
  });

  for (const [title, path] of [
    ['the front page', () => '/'],
    ["the demo booking's page", () => `/bookings/riverside/${demo.bookingId}`],
  ] as const) {
    it(`reaches every link and button of ${title} with Tab, in order, each with a visible focus`, async () => {
      const { page } = await open(path());
      const controls = await page.evaluate<string[]>(MARK_CONTROLS);
      expect(controls.length).toBeGreaterThan(5);
      expect(controls[0]).toBe('a: Skip to the content');
      expect(controls).toContain('button: +1 hour');

      const reached: string[] = [];
      for (let index = 0; index < controls.length; index++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate<{ order: string | null; outline: string }>(FOCUSED);
        reached.push(focused.order ?? 'elsewhere');
        expect(focused.outline, controls[index]).not.toMatch(/^none|\s0px$/);
      }
      expect(reached).toEqual(controls.map((_, index) => String(index)));
      await page.close();
    });
  }
});
