import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, type DetailType } from '../../events/catalog';
import { parsePublishedEvent } from '../../events/published';
import { readInbox, type StoredEmail } from '../../infra/local/ses-local';
import { emailTagsOf } from '../../shared/domain/email-tags';
import { sesEvent } from '../support/aws-events';
import type { AcceptedEvent, LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { scenario } from '../support/scenario';

/**
 * The loop closed on the local stack, as a patient and a front end meet it: events through
 * PutEvents, the links in the inbox followed over plain http, the answers posted from the pages'
 * forms, and what CareLoop published read from `GET /_local/events`.
 */

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

const inbox = async (to: string): Promise<StoredEmail[]> =>
  (await readInbox(stack.endpoints.ses)).filter((email) => email.destination.to.includes(to));

async function published(patientId: string): Promise<AcceptedEvent[]> {
  await stack.idle();
  const response = await fetch(`${stack.endpoints.events}/_local/events?source=careloop.`);
  const events = (await response.json()) as AcceptedEvent[];
  return events.filter((event) => (event.detail as { patientId?: string }).patientId === patientId);
}

/** The answer-page links of an email (http on the local stack), the unsubscribe link left out. */
function answerLinks(email: StoredEmail): string[] {
  const unsubscribe = email.headers?.find((header) => header.name === 'List-Unsubscribe')?.value.slice(1, -1);
  const links = email.body.text!.match(/http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.-]+(?:\?choice=[a-z-]+)?/g) ?? [];
  return [...new Set(links)].filter((url) => url !== unsubscribe);
}

const post = (url: string, form: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

describe('the patient answers, on the local stack', () => {
  it('follows the links from the inbox, answers, and finds PatientResponded, AttentionNeeded and an EmailSent per email', async () => {
    const { now } = (await (await fetch(`${stack.endpoints.events}/_local/clock`)).json()) as { now: string };
    const day = 86_400_000;
    const start = new Date(Math.ceil(Date.parse(now) / day) * day + 3 * day + 14.5 * 3_600_000).toISOString();
    const s = scenario({ clinicId: `clinic-${randomUUID().slice(0, 8)}`, startsAt: start });
    await put('ClinicProfileUpdated', s.clinicProfile());
    await put('BookingCreated', s.created({ occurredAt: now }));
    await put('SessionCompleted', s.sessionCompleted({ occurredAt: now, completedAt: now }));

    const [confirmation, followUp] = await inbox(s.email);
    const attendance = answerLinks(confirmation!).find((url) => url.endsWith('choice=confirmed'))!;
    const [checkIn] = answerLinks(followUp!);

    const page = await fetch(attendance);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="attendance"');
    expect((await post(attendance, { attendance: 'confirmed' })).status).toBe(200);

    expect((await fetch(checkIn!)).status).toBe(200);
    const answered = await post(checkIn!, { feeling: 'worse', painNow: '7', 'exercise:chin-tuck': 'done' });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('+1 555 0100 200');

    const events = await published(s.patientId);
    const ofType = (type: string) => events.filter((event) => event.detailType === type);
    expect(ofType('PatientResponded').map((event) => (event.detail as { kind: string }).kind)).toEqual([
      'attendance-confirmed',
      'check-in',
    ]);
    expect(ofType('AttentionNeeded').map((event) => (event.detail as { reasons: string[] }).reasons)).toEqual([
      ['feeling-worse', 'pain-increase'],
    ]);
    // Every email in the inbox (the staff alert is not the patient's), and nothing else, has its EmailSent.
    const sent = ofType('EmailSent').filter((event) => (event.detail as { kind: string }).kind !== 'staff-alert');
    expect(sent.map((event) => (event.detail as { messageId: string }).messageId).sort()).toEqual(
      (await inbox(s.email)).map((email) => email.messageId).sort(),
    );
    for (const event of events) parsePublishedEvent(event.source, event.detailType, event.detail);
  });

  it('a hard bounce that SES reports of a confirmation gives EmailBounced, and suppresses the address', async () => {
    const { now } = (await (await fetch(`${stack.endpoints.events}/_local/clock`)).json()) as { now: string };
    const start = new Date(Date.parse(now) + 5 * 86_400_000).toISOString();
    const clinicId = `clinic-${randomUUID().slice(0, 8)}`;
    const s = scenario({ clinicId, startsAt: start });
    await put('BookingCreated', s.created({ occurredAt: now }));
    const [confirmation] = await inbox(s.email);

    // SES's own report, naming the email by its tags. SES puts it on the account's default bus; the
    // local stack's one bus stands for both.
    const tags = emailTagsOf({ clinicId, patientId: s.patientId, bookingId: s.bookingId, kind: 'confirmation' });
    const bounce = sesEvent('bounce-permanent', s.email, {
      messageId: confirmation!.messageId,
      tags: tags.map(({ name, value }) => ({ Name: name, Value: value })),
    });
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: stack.frontEndEnvironment.CARELOOP_EVENT_BUS,
            Source: bounce.source,
            DetailType: bounce['detail-type'],
            Detail: JSON.stringify(bounce.detail),
          },
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    await stack.idle();

    const bounced = (await published(s.patientId)).filter((event) => event.detailType === 'EmailBounced');
    expect(bounced.map((event) => event.detail)).toEqual([
      expect.objectContaining({
        clinicId,
        bookingId: s.bookingId,
        kind: 'confirmation',
        messageId: confirmation!.messageId,
        bounceType: 'permanent',
      }),
    ]);
    for (const event of bounced) parsePublishedEvent(event.source, event.detailType, event.detail);

    // The address is suppressed: a second booking sends it nothing.
    await put('BookingCreated', s.created({ occurredAt: now, booking: { bookingId: `${s.bookingId}-2` } }));
    expect(await inbox(s.email)).toHaveLength(1);
  });
});
