import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readClinicsFile } from '../infra/clinics-file';
import type { StoredEmail } from '../infra/local/ses-local';
import { LOCAL_TABLE } from '../infra/local/stack';
import { createDynamoStore } from '../shared/adapters/dynamo-store';
import { DEFAULT_RETENTION_DAYS } from '../shared/retention';
import { isNewer, type Stamp } from '../shared/domain/model';
import { createPublisher, type PublishEvent } from '../shared/adapters/event-publisher';
import { describeOutcome, publishClinicProfiles } from './clinic';

/**
 * `npm run demo`, against a running `npm start`: one patient's story told through the
 * project's own typed publisher, the way a booking front end and a clinic app would tell it.
 */

// This project pins the SDK releases that support Node 20 (see the README); their notice about
// later releases is not something a developer running the local stack can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const eventsEndpoint =
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ?? `http://127.0.0.1:${process.env.CARELOOP_EVENTS_PORT ?? 4010}`;
const inboxEndpoint = process.env.CARELOOP_INBOX_URL ?? `http://127.0.0.1:${process.env.CARELOOP_SES_PORT ?? 8005}`;
const busName = process.env.CARELOOP_BUS_NAME ?? 'clinic-events';

const tag = randomUUID().slice(0, 6);
const clinicId = 'riverside';
const patientId = `pt-demo-${tag}`;
const bookingId = `bk-demo-${tag}`;
const email = `alex.meyer.${tag}@example.com`;
const therapist = { therapistId: 'th-dana', name: 'Dana Kim' };
/** The clinic's profile comes from the sample a deployment seeds from (docs/DEPLOY.md). */
const CLINICS_FILE = fileURLToPath(new URL('../docs/clinics.example.json', import.meta.url));
const dynamodbEndpoint =
  process.env.AWS_ENDPOINT_URL_DYNAMODB ?? `http://127.0.0.1:${process.env.CARELOOP_DYNAMODB_PORT ?? 8000}`;

/**
 * Events are delivered asynchronously, and one that sends no email leaves nothing in the inbox
 * to wait for: the profile is awaited in the table, so the first email is written with it.
 */
async function waitForStoredProfile(published: Stamp) {
  const client = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: process.env.AWS_REGION ?? 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    // It only reads, so the retention (which only writes use) is just the local stack's default.
    const store = createDynamoStore(client, process.env.CARELOOP_TABLE ?? LOCAL_TABLE, {
      retention: DEFAULT_RETENTION_DAYS,
    });
    const deadline = Date.now() + 15_000;
    // Ours, or one newer that was there before (which then stays).
    const stored = async () => (await store.getClinicProfile(clinicId))?.record.stamp;
    for (let stamp = await stored(); !stamp || isNewer(published, stamp); stamp = await stored()) {
      if (Date.now() > deadline)
        throw new Error(`the profile of ${clinicId} was not stored (see /_local/dead-letters)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.destroy();
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${eventsEndpoint}${path}`, init);
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const stackNow = async () => new Date((await call<{ now: string }>('/_local/clock')).now);

async function advance(seconds: number, why: string) {
  const { now, fired } = await call<{ now: string; fired: number }>('/_local/clock', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: Math.round(seconds) }),
  });
  console.log(`⏩ clock +${(seconds / 3600).toFixed(1)} h (${why}): now ${now}, ${fired} schedule(s) fired`);
}

async function inbox(): Promise<StoredEmail[]> {
  const response = await fetch(`${inboxEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((message) => message.destination.to.includes(email));
}

/** Events are delivered asynchronously, as on AWS: wait until the inbox has what we expect. */
async function waitForEmails(count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const emails = await inbox();
    if (emails.length >= count) return emails;
    if (Date.now() > deadline) throw new Error(`expected ${count} emails for ${email}, found ${emails.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The clinic admin app's part: the profile every email shows (name, phone, booking page, policy). */
async function publishClinicProfile() {
  const profile = readClinicsFile(CLINICS_FILE).find((entry) => entry.clinicId === clinicId);
  if (!profile) throw new Error(`${CLINICS_FILE} has no profile of clinic ${clinicId}`);
  const [result] = await publishClinicProfiles(publisher, [profile]);
  if (result!.status !== 'published') throw new Error(describeOutcome(profile, result!));
  console.log(`📤 ClinicProfileUpdated: ${describeOutcome(profile, result!)}`);
  await waitForStoredProfile(profile);
  console.log('✔ The clinic publishes its profile, which the emails show (stored; no email)\n');
}

let seen = 0;
async function step(title: string, events: PublishEvent[], expectEmails: number) {
  const results = await publisher.publish(events);
  for (const result of results) {
    if (result.status !== 'published')
      throw new Error(`${result.detailType} was not published: ${JSON.stringify(result)}`);
    console.log(`📤 ${result.detailType} (${result.eventId}) → EventBridge id ${result.eventBridgeId}`);
  }
  await report(title, expectEmails);
}

/**
 * CareLoop records each email it sent (EmailSent, through the outbox) just after SES took it.
 * Each step waits for those records too: the next step's event then comes after them, as the
 * console's story of the booking tells it, however slow the machine.
 */
async function waitForEmailsRecorded(count: number) {
  type Published = { detailType: string; detail: { patientId?: string } };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = await call<Published[]>('/_local/events?source=careloop.email');
    const recorded = events.filter(
      (event) => event.detailType === 'EmailSent' && event.detail.patientId === patientId,
    ).length;
    if (recorded >= count) return;
    if (Date.now() > deadline)
      throw new Error(
        `expected ${count} EmailSent for patient ${patientId}, found ${recorded} (see /_local/dead-letters)`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function report(title: string, expectEmails: number) {
  const emails = await waitForEmails(seen + expectEmails);
  await waitForEmailsRecorded(seen + expectEmails);
  for (const message of emails.slice(seen)) console.log(`   ✉️  "${message.subject}"`);
  if (expectEmails === 0) console.log('   (no email, as expected)');
  seen = emails.length;
  console.log(`✔ ${title}\n`);
}

/** The patient taps "Tell us in a minute" in the check-in and sends the page's form. */
async function answerCheckIn() {
  const [checkIn] = (await inbox()).slice(-1);
  const unsubscribe = checkIn?.headers?.find((header) => header.name === 'List-Unsubscribe')?.value.slice(1, -1);
  const link = [...(checkIn?.body.text?.match(/https?:\/\/\S+\/unsubscribe\/[\w.-]+/g) ?? [])].find(
    (url) => url !== unsubscribe,
  );
  if (!link) throw new Error('the check-in carries no answer link');
  const page = await fetch(link);
  console.log(`🔗 The patient opens the check-in's answer page: ${page.status} (a GET changes nothing)`);
  const answer = {
    feeling: 'better',
    painNow: '3',
    'exercise:chin-tuck': 'done',
    'exercise:doorway-chest-stretch': 'done',
  };
  const posted = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(answer).toString(),
  });
  if (!posted.ok) throw new Error(`the answer page answered ${posted.status}`);
  console.log('✔ The patient answers: feeling better, pain 3, both exercises done (recorded; no alert: all is well)\n');
}

/**
 * What CareLoop published about this patient, as the clinic's own systems would receive it. The
 * outbox publishes after the answer is recorded: the list is read until the answer is in it.
 */
async function showPublished() {
  type Published = { detailType: string; detail: { patientId?: string; kind?: string } };
  const deadline = Date.now() + 15_000;
  let mine: Published[] = [];
  while (!mine.some((event) => event.detailType === 'PatientResponded')) {
    if (Date.now() > deadline) throw new Error('the answer was not published (see /_local/dead-letters)');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = await call<Published[]>('/_local/events?source=careloop.');
    mine = events.filter((event) => event.detail.patientId === patientId);
  }
  console.log(
    `📣 CareLoop published ${mine.length} events about the patient (${eventsEndpoint}/_local/events?source=careloop.):`,
  );
  for (const event of mine) console.log(`   ${event.detailType}${event.detail.kind ? ` (${event.detail.kind})` : ''}`);
  console.log('');
}

const publisher = createPublisher({
  client: new EventBridgeClient({
    endpoint: eventsEndpoint,
    // The local stack accepts any credentials and region; real ones in the environment win.
    region: process.env.AWS_REGION ?? 'eu-central-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  }),
  eventBusName: busName,
});

async function main() {
  const health = await fetch(`${eventsEndpoint}/_local/health`).catch(() => undefined);
  if (health?.status !== 200) {
    console.error(`No local stack answers at ${eventsEndpoint}. Start it first with \`npm start\` in another shell.`);
    process.exit(1);
  }

  let now = await stackNow();
  const at = (hoursFromNow: number) => new Date(now.getTime() + hoursFromNow * 3600_000);
  // An appointment three days out, at 15:30 Berlin time.
  const day = at(72).toISOString().slice(0, 10);
  const startsAt = new Date(`${day}T15:30:00+01:00`);
  const movedTo = new Date(startsAt.getTime() + 24 * 3600_000 - 5.5 * 3600_000);
  const stamp = () => new Date().toISOString();

  console.log(`CareLoop demo: patient ${patientId}, booking ${bookingId}, inbox address ${email}\n`);

  await publishClinicProfile();

  await step(
    'A treatment plan of 6 sessions is agreed after the intake assessment (stored; no email)',
    [
      {
        detailType: 'TreatmentPlanCreated',
        detail: {
          eventId: `evt-${tag}-plan`,
          occurredAt: now.toISOString(),
          clinicId,
          patientId,
          plan: { planId: `plan-${tag}`, goals: ['pain-relief', 'mobility'], plannedSessions: 6, sessionsPerWeek: 1 },
        },
      },
    ],
    0,
  );

  await step(
    'The patient books a therapeutic massage: confirmation with a calendar invitation',
    [
      {
        detailType: 'BookingCreated',
        detail: {
          eventId: `evt-${tag}-booked`,
          occurredAt: stamp(),
          clinicId,
          booking: {
            bookingId,
            startsAt: startsAt.toISOString(),
            durationMinutes: 60,
            timezone: 'Europe/Berlin',
            service: { code: 'therapeutic-massage-60', name: 'Therapeutic massage (60 min)' },
            therapist,
            location: { name: 'Riverside Physio', address: '12 River Street, Berlin' },
          },
          patient: { patientId, firstName: 'Alex', lastName: 'Meyer', email, locale: 'en' },
        },
      },
    ],
    1,
  );

  await step(
    'The patient moves the appointment to the next morning: reschedule email with an updated invitation',
    [
      {
        detailType: 'BookingRescheduled',
        detail: {
          eventId: `evt-${tag}-moved`,
          occurredAt: stamp(),
          clinicId,
          bookingId,
          startsAt: movedTo.toISOString(),
        },
      },
    ],
    1,
  );

  now = await stackNow();
  await advance(
    (movedTo.getTime() - 24 * 3600_000 - now.getTime()) / 1000 + 60,
    'to one minute after the reminder is due',
  );
  await report('The reminder goes out 24 hours before the new time (none for the old time)', 1);

  now = await stackNow();
  await advance((movedTo.getTime() + 65 * 60_000 - now.getTime()) / 1000, 'to just after the session');
  const completedAt = await stackNow();
  await step(
    'The therapist records the session: self-care follow-up with guidance, exercises and the note',
    [
      {
        detailType: 'SessionCompleted',
        detail: {
          eventId: `evt-${tag}-session`,
          occurredAt: completedAt.toISOString(),
          clinicId,
          bookingId,
          patientId,
          completedAt: completedAt.toISOString(),
          therapist,
          techniques: ['deep-tissue', 'trigger-point'],
          focusAreas: ['neck', 'upper-back'],
          painBefore: 7,
          painAfter: 4,
          selfCare: {
            exercises: ['chin-tuck', 'doorway-chest-stretch'],
            note: 'Use a warm pack on your upper back for 15 minutes this evening.',
          },
          nextVisitInDays: 7,
        },
      },
    ],
    1,
  );

  await advance(3 * 24 * 3600 + 60, 'three days later');
  await report('The check-in asks how the patient feels, repeats the exercises and invites them to book', 1);

  await answerCheckIn();
  await showPublished();

  console.log(`Open the inbox to read the ${seen} emails: ${inboxEndpoint}`);
  console.log(`Dead letters (should be empty): ${eventsEndpoint}/_local/dead-letters`);
}

main().catch((error: unknown) => {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
