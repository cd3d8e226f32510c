import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStackOnFreePorts } from '../../infra/local/stack';
import { freePort } from '../support/global-setup';
import { scenario } from '../support/scenario';

/**
 * `npm start` as a front-end developer meets it: a separate process, reached only through
 * the AWS SDK and HTTP on the addresses it prints. Events are delivered asynchronously, as
 * on AWS, so expectations poll.
 */

let child: ChildProcess;
let output = '';
let ports: { events: number; dynamodb: number; ses: number; scheduler: number; s3: number };
let eventBridge: EventBridgeClient;
let dynamo: DynamoDBClient;
let s3: S3Client;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const events = () => `http://127.0.0.1:${ports.events}`;
const inboxUrl = () => `http://127.0.0.1:${ports.ses}`;

beforeAll(async () => {
  ports = {
    events: await freePort(),
    dynamodb: await freePort(),
    ses: await freePort(),
    scheduler: await freePort(),
    s3: await freePort(),
  };
  child = spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      CARELOOP_EVENTS_PORT: String(ports.events),
      CARELOOP_DYNAMODB_PORT: String(ports.dynamodb),
      CARELOOP_SES_PORT: String(ports.ses),
      CARELOOP_SCHEDULER_PORT: String(ports.scheduler),
      CARELOOP_S3_PORT: String(ports.s3),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = await fetch(`${events()}/_local/health`).catch(() => undefined);
    if (health?.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  eventBridge = new EventBridgeClient({ endpoint: events(), region: 'eu-central-1', credentials });
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.dynamodb}`, region: 'eu-central-1', credentials });
  s3 = new S3Client({ endpoint: `http://127.0.0.1:${ports.s3}`, region: 'eu-central-1', credentials });
}, 90_000);

afterAll(async () => {
  eventBridge?.destroy();
  dynamo?.destroy();
  s3?.destroy();
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
  attachments: { contentType: string }[];
}

async function inbox(to: string): Promise<StoredEmail[]> {
  const { emails } = (await (await fetch(`${inboxUrl()}/store`)).json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.includes(to));
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until no more email arrives for a moment: for asserting that something was NOT sent. */
async function settled(to: string) {
  let last = -1;
  for (;;) {
    const count = (await inbox(to)).length;
    if (count === last) return inbox(to);
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

const entry = (detailType: string, detail: unknown, source?: string): PutEventsRequestEntry => ({
  EventBusName: 'clinic-events',
  Source:
    source ??
    (detailType.startsWith('Booking')
      ? 'clinic.booking'
      : detailType === 'ContactPreferencesUpdated'
        ? 'clinic.patients'
        : 'clinic.care'),
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

const put = (...entries: PutEventsRequestEntry[]) => eventBridge.send(new PutEventsCommand({ Entries: entries }));

async function clock(advanceSeconds?: number): Promise<{ now: string; fired?: number }> {
  const response = await fetch(`${events()}/_local/clock`, {
    method: advanceSeconds === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: advanceSeconds === undefined ? undefined : JSON.stringify({ advanceSeconds }),
  });
  return (await response.json()) as { now: string; fired?: number };
}

const futureStart = async (hours: number) => new Date(Date.parse((await clock()).now) + hours * 3600_000).toISOString();

describe('npm start', () => {
  it('prints the endpoints and how long start-up took', () => {
    expect(output).toMatch(/ready in \d+(\.\d)? s/);
    expect(output).toContain(`http://127.0.0.1:${ports.events}`);
    expect(output).toContain(`export AWS_ENDPOINT_URL_EVENTBRIDGE=http://127.0.0.1:${ports.events}`);
    expect(output).toContain(`export AWS_ENDPOINT_URL_S3=http://127.0.0.1:${ports.s3}`);
    expect(output).toContain('export CARELOOP_EXPORT_BUCKET=careloop-local-exports');
  });

  it('holds the export bucket on its S3 endpoint, where an export put as a function puts it is read with the SDK', async () => {
    const health = (await (await fetch(`${events()}/_local/health`)).json()) as {
      endpoints: { s3: string };
      buckets: string[];
    };
    expect(health).toMatchObject({
      endpoints: { s3: `http://127.0.0.1:${ports.s3}` },
      buckets: ['careloop-local-exports'],
    });
    const document = { patientId: 'pt-e2e', clinicId: 'riverside', bookings: [] };
    await s3.send(
      new PutObjectCommand({
        Bucket: 'careloop-local-exports',
        Key: 'exports/riverside/pt-e2e.json',
        Body: JSON.stringify(document),
        ContentType: 'application/json',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'alias/careloop-local',
      }),
    );

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'careloop-local-exports', Prefix: 'exports/' }));
    const read = await s3.send(
      new GetObjectCommand({ Bucket: 'careloop-local-exports', Key: 'exports/riverside/pt-e2e.json' }),
    );

    expect(listed.Contents?.map((entry) => entry.Key)).toContain('exports/riverside/pt-e2e.json');
    expect(read).toMatchObject({ ContentType: 'application/json', ServerSideEncryption: 'aws:kms' });
    expect(JSON.parse(await read.Body!.transformToString())).toEqual(document);
  });

  it('confirms a booking published with the AWS SDK, stores it, and reminds 24 hours before', async () => {
    const s = scenario({ startsAt: await futureStart(72) });
    const result = await put(entry('BookingCreated', s.created()));
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries![0]!.EventId).toBeTruthy();

    const [confirmation] = await eventually(
      () => inbox(s.email),
      (emails) => emails.length === 1,
    );
    expect(confirmation!.attachments[0]!.contentType).toContain('text/calendar');
    const { Items } = await dynamo.send(new ScanCommand({ TableName: 'careloop-local-table' }));
    expect(Items!.map((item) => unmarshall(item)).some((item) => item.pk === `C#riverside#B#${s.bookingId}`)).toBe(
      true,
    );

    const { fired } = await clock(48 * 3600 + 60);
    expect(fired).toBeGreaterThanOrEqual(1);
    const emails = await inbox(s.email);
    expect(emails.map((email) => email.subject)).toEqual([
      expect.stringContaining('Your appointment'),
      expect.stringMatching(/^Reminder/),
    ]);
  });

  it('acts once on an event published twice, and ends cancelled when the cancellation overtakes the booking', async () => {
    const s = scenario({ startsAt: await futureStart(100) });
    const created = s.created();
    await put(entry('BookingCreated', created), entry('BookingCreated', created));
    await eventually(
      () => inbox(s.email),
      (emails) => emails.length >= 1,
    );
    expect(await settled(s.email)).toHaveLength(1);

    const o = scenario({ startsAt: await futureStart(100) });
    await put(entry('BookingCancelled', o.cancelled()));
    // PutEvents returns when the bus has the event, not when a handler has run it: wait until
    // the cancellation is stored, so that it does overtake the booking.
    await eventually(
      async () => (await dynamo.send(new ScanCommand({ TableName: 'careloop-local-table' }))).Items ?? [],
      (items) => items.map((item) => unmarshall(item)).some((item) => item.pk === `C#riverside#B#${o.bookingId}`),
    );
    await put(entry('BookingCreated', o.created()));
    const emails = await eventually(
      () => inbox(o.email),
      (list) => list.length >= 1,
    );
    expect((await settled(o.email)).map((email) => email.subject)).toEqual([expect.stringMatching(/cancelled/)]);
    expect(emails[0]!.subject).toMatch(/cancelled/);
  });

  it('refuses what breaks the contract: per entry at PutEvents, or in the dead letters with the failing field', async () => {
    const s = scenario({ startsAt: await futureStart(100) });
    const answer = await put(
      { EventBusName: 'clinic-events', Source: 'clinic.booking', DetailType: 'BookingCreated', Detail: '{not json' },
      entry('BookingCreated', s.created({ patient: { email: 'not-an-address' } })),
    );
    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries![0]!.ErrorCode).toBe('MalformedDetail');
    const letters = (await (await fetch(`${events()}/_local/dead-letters`)).json()) as {
      detail: unknown;
      error: string;
    }[];
    expect(letters).toContainEqual(
      expect.objectContaining({ detail: '{not json', error: 'detail: Detail is malformed.' }),
    );
    const deadLetters = await eventually(
      async () =>
        (await (await fetch(`${events()}/_local/dead-letters`)).json()) as {
          error: string;
          detail: { booking: { bookingId: string } };
        }[],
      (list) => list.some((letter) => letter.detail?.booking?.bookingId === s.bookingId),
    );
    const letter = deadLetters.find((item) => item.detail?.booking?.bookingId === s.bookingId)!;
    expect(letter.error).toContain('patient.email');
    expect(await inbox(s.email)).toHaveLength(0);
  });

  it('sends a follow-up with a one-click unsubscribe link that works over plain http', async () => {
    const s = scenario({ startsAt: await futureStart(30) });
    await put(entry('BookingCreated', s.created()));
    const completedAt = await futureStart(31);
    await put(entry('SessionCompleted', s.sessionCompleted({ completedAt, occurredAt: completedAt })));
    const emails = await eventually(
      () => inbox(s.email),
      (list) => list.length >= 2,
    );
    const followUp = emails.find((email) => /self-care/i.test(email.subject))!;
    const header = (name: string) => followUp.headers?.find((h) => h.name === name)?.value;
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const url = /^<(http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[^>]+)>$/.exec(header('List-Unsubscribe') ?? '')![1]!;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const oneClick = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const { Items } = await dynamo.send(new ScanCommand({ TableName: 'careloop-local-table' }));
    const profile = Items!.map((item) => unmarshall(item)).find((item) => item.pk === `C#riverside#P#${s.patientId}`);
    expect(profile?.data.consent).toEqual({ reminders: true, followUps: false });
    expect(
      (
        await fetch(
          url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
          { method: 'POST' },
        )
      ).status,
    ).toBe(400);
  });

  it('refuses more than 10 entries and an unknown bus, as EventBridge does', async () => {
    const s = scenario();
    const many = Array.from({ length: 11 }, () => entry('BookingCreated', s.created()));
    await expect(put(...many)).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(put({ ...entry('BookingCreated', s.created()), EventBusName: 'no-such-bus' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('confirms a burst of 100 bookings, each exactly once', async () => {
    const startsAt = await futureStart(200);
    const scenarios = Array.from({ length: 100 }, () => scenario({ startsAt }));
    for (let i = 0; i < scenarios.length; i += 10) {
      const result = await put(...scenarios.slice(i, i + 10).map((s) => entry('BookingCreated', s.created())));
      expect(result.FailedEntryCount).toBe(0);
    }
    const tags = new Set(scenarios.map((s) => s.email));
    const count = async () => {
      const { emails } = (await (await fetch(`${inboxUrl()}/store`)).json()) as { emails: StoredEmail[] };
      return emails.filter((email) => tags.has(email.destination.to[0]!));
    };
    const received = await eventually(count, (emails) => emails.length >= 100, 30_000);
    expect(received).toHaveLength(100);
    expect(new Set(received.map((email) => email.destination.to[0])).size).toBe(100);
  }, 60_000);
});

describe('shutdown', () => {
  it('stops every emulator on SIGTERM, leaving no Java process behind', async () => {
    const javaFor = () =>
      spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${ports.dynamodb}`], { encoding: 'utf8' }).stdout.trim();
    expect(javaFor()).not.toBe('');
    // 'close', not 'exit': npm exits as soon as it has passed the signal on; the stack's own output ends later.
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    expect(output).toContain('Stopped.');
    await eventually(
      async () => javaFor(),
      (pids) => pids === '',
      5_000,
    );
    expect(javaFor()).toBe('');
    for (const port of Object.values(ports)) expect(await listening(port), `port ${port}`).toBe(false);
  }, 20_000);

  it('leaves no emulator running when one cannot start (its port taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const s3Port = (taken.address() as { port: number }).port;
    const dynamodbPort = await freePort();
    const sesPort = await freePort();
    const javaFor = () =>
      spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${dynamodbPort}`], { encoding: 'utf8' }).stdout.trim();
    try {
      await expect(startLocalStackOnFreePorts({ s3Port, dynamodbPort, sesPort })).rejects.toThrow(/EADDRINUSE/);
      expect(javaFor()).toBe('');
      expect(await listening(sesPort)).toBe(false);
    } finally {
      taken.close();
    }
  }, 30_000);
});

/** Whether anything accepts a connection on the port of 127.0.0.1. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
