import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalStackOnFreePorts, type LocalStack } from '../infra/local/stack';
import { photograph } from './screenshots';

/**
 * Photographs the local console (docs/screenshots/console*.png) as `npm run demo` leaves it: a
 * local stack on free ports, the demo told to it in its own process, then a second patient's
 * booking (a reminder still to come) and an event the contract refuses (a dead letter), so every
 * part of the front page has something to show. Needs Java (DynamoDB Local) and Chromium; run
 * through `bash scripts/screenshots.sh`.
 *
 *   tsx scripts/console-screenshots.ts <out dir>
 */

/** Wide enough for the front page's tables without wrapping their dates. */
const WIDTH = 1200;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The handlers run in this process: their log lines are not what this tool is for.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function runDemo(stack: LocalStack): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...stack.frontEndEnvironment, CARELOOP_INBOX_URL: stack.endpoints.ses },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`the demo failed (${code}):\n${output}`);
  const booking = /booking (\S+),/.exec(output)?.[1];
  if (!booking) throw new Error(`the demo did not name its booking:\n${output}`);
  return booking;
}

/** The contract's example BookingCreated, for a patient of its own, two days from the stack's now. */
function anotherBooking(stack: LocalStack) {
  const example = JSON.parse(readFileSync(join(ROOT, 'events/examples/booking-created.json'), 'utf8')) as {
    Detail: { booking: Record<string, unknown>; patient: Record<string, unknown> };
  };
  const tag = randomUUID().slice(0, 6);
  const now = stack.clock.now();
  return {
    ...example.Detail,
    eventId: `evt-${tag}-booked`,
    occurredAt: now.toISOString(),
    booking: {
      ...example.Detail.booking,
      bookingId: `bk-${tag}`,
      startsAt: new Date(now.getTime() + 2 * 86_400_000 + 3 * 3_600_000).toISOString(),
    },
    patient: {
      ...example.Detail.patient,
      patientId: `pt-${tag}`,
      firstName: 'Sam',
      lastName: 'Okafor',
      email: `sam.okafor.${tag}@example.com`,
    },
  };
}

async function main(outDir: string) {
  const stack = await startLocalStackOnFreePorts();
  const client = new EventBridgeClient({
    endpoint: stack.endpoints.events,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const bookingId = await runDemo(stack);
    const second = anotherBooking(stack);
    const refused = { ...second, eventId: `${second.eventId}-again`, patient: { ...second.patient, email: 'sam@' } };
    await client.send(
      new PutEventsCommand({
        Entries: [second, refused].map((detail) => ({
          EventBusName: stack.frontEndEnvironment.CARELOOP_EVENT_BUS,
          Source: 'clinic.booking',
          DetailType: 'BookingCreated',
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    await stack.idle();
    await photograph([
      { url: `${stack.endpoints.events}/`, file: join(outDir, 'console.png'), width: WIDTH },
      {
        url: `${stack.endpoints.events}/bookings/riverside/${encodeURIComponent(bookingId)}`,
        file: join(outDir, 'console-booking.png'),
        width: WIDTH,
        // The whole story, down to the answer.
        maxHeight: 2600,
      },
    ]);
  } finally {
    client.destroy();
    await stack.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [outDir] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: tsx scripts/console-screenshots.ts <out dir>');
    process.exitCode = 2;
  } else {
    main(resolve(outDir)).catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
