import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

/**
 * Photographs preview emails and answer pages (and, through console-screenshots.ts, the local
 * console) with headless Chromium, each cropped to its content's height (at most MAX_HEIGHT), by
 * talking to the browser over the DevTools protocol on a pipe, so no image tool is needed. Run
 * through `bash scripts/screenshots.sh`, which checks for Chromium and renders the previews first.
 *
 *   tsx scripts/screenshots.ts <preview dir> <out dir> <name>...   (names without .html)
 */

/** The emails' width: what a phone or a mail client's reading pane gives them. */
const WIDTH = 600;
const MAX_HEIGHT = Number(process.env.SCREENSHOT_MAX_HEIGHT ?? 1800);

interface Reply {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

class Browser {
  #nextId = 0;
  #buffer = '';
  #pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  #listeners = new Set<(message: Reply) => void>();

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end: number;
      while ((end = this.#buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.#buffer.slice(0, end)) as Reply;
        this.#buffer = this.#buffer.slice(end + 1);
        if (message.id !== undefined) {
          const pending = this.#pending.get(message.id);
          this.#pending.delete(message.id);
          if (message.error) pending?.reject(new Error(message.error.message));
          else pending?.resolve(message.result ?? {});
        } else for (const listener of this.#listeners) listener(message);
      }
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  once(method: string, sessionId: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: Reply) => {
        if (message.method !== method || message.sessionId !== sessionId) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve();
      };
      this.#listeners.add(listener);
    });
  }
}

/** A page to photograph: its address, the file to write, and the window's width. */
export interface Shot {
  url: string;
  file: string;
  width: number;
  /** Cut below this; MAX_HEIGHT when not given. */
  maxHeight?: number;
}

export async function screenshots(previewDir: string, outDir: string, names: readonly string[]): Promise<void> {
  await photograph(
    names.map((name) => ({
      url: pathToFileURL(join(previewDir, `${name}.html`)).href,
      file: join(outDir, `${name}.png`),
      width: WIDTH,
    })),
  );
}

export async function photograph(shots: readonly Shot[]): Promise<void> {
  const chromium = process.env.CHROMIUM ?? 'chromium';
  const profile = await mkdtemp(join(tmpdir(), 'careloop-chromium-'));
  const child = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--hide-scrollbars',
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const browser = new Browser(child.stdio[3] as Writable, child.stdio[4] as Readable);
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    await browser.send('Page.enable', {}, sessionId);
    for (const { url, file, width, maxHeight = MAX_HEIGHT } of shots) {
      await browser.send(
        'Emulation.setDeviceMetricsOverride',
        { width, height: maxHeight, deviceScaleFactor: 1, mobile: false },
        sessionId,
      );
      const loaded = browser.once('Page.loadEventFired', sessionId);
      await browser.send('Page.navigate', { url }, sessionId);
      await loaded;
      const { result } = (await browser.send(
        'Runtime.evaluate',
        { expression: 'Math.ceil(document.documentElement.getBoundingClientRect().height)', returnByValue: true },
        sessionId,
      )) as { result: { value: number } };
      const height = Math.min(Math.max(result.value, 1), maxHeight);
      const { data } = (await browser.send(
        'Page.captureScreenshot',
        { format: 'png', clip: { x: 0, y: 0, width, height, scale: 1 } },
        sessionId,
      )) as { data: string };
      await writeFile(file, Buffer.from(data, 'base64'));
      console.log(`${file} (${width}x${height}${result.value > maxHeight ? `, cut from ${result.value}` : ''})`);
    }
    await browser.send('Browser.close').catch(() => undefined);
  } finally {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await rm(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [previewDir, outDir, ...names] = process.argv.slice(2);
  if (!previewDir || !outDir || names.length === 0) {
    console.error('usage: tsx scripts/screenshots.ts <preview dir> <out dir> <name>...');
    process.exitCode = 2;
  } else {
    screenshots(resolve(previewDir), resolve(outDir), names).catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
