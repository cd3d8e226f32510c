import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetailType } from '../../events/catalog';
import { eventCatalog } from '../../events/catalog';
import { readInbox, type StoredEmail } from '../../infra/local/ses-local';
import type { AcceptedEvent, LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { scenario } from '../support/scenario';

/**
 * Contract 1.1 on the local stack, as a front end drives it: events through PutEvents, time
 * through the stack's clock, emails read from the SES emulator and CareLoop's own events from
 * `GET /_local/events`.
 */

let stack: LocalStack;
let client: EventBridgeClient;

beforeAll(async () => {
  stack = await startTestStack({ quietHours: '21:00-08:00' });
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

async function put<T extends DetailType>(detailType: T, detail: unknown) {
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

async function control<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${stack.endpoints.events}${path}`, init);
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

async function advanceTo(instant: string) {
  const { now } = await control<{ now: string }>('/_local/clock');
  const seconds = Math.ceil((Date.parse(instant) - Date.parse(now)) / 1000);
  if (seconds <= 0) return;
  await control('/_local/clock', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
}

/** Instants from the day after the stack's clock: `at(2, '14:30')` is 14:30 UTC two days on. */
async function timeline() {
  const { now } = await control<{ now: string }>('/_local/clock');
  const day = 86_400_000;
  const start = Math.ceil(Date.parse(now) / day) * day + day;
  return (days: number, time = '00:00') => {
    const [hours, minutes] = time.split(':').map(Number) as [number, number];
    return new Date(start + days * day + (hours * 60 + minutes) * 60_000).toISOString();
  };
}

const inbox = async (to: string): Promise<StoredEmail[]> =>
  (await readInbox(stack.endpoints.ses)).filter((email) => email.destination.to.includes(to));

const PROFILE = {
  name: 'Riverside Physical Therapy',
  phone: '+1 555 0100 200',
  email: 'frontdesk@riverside-pt.example',
  bookingUrl: 'https://riverside-pt.example/book?patient={patientId}',
  cancellationPolicy: 'Please tell us 24 hours ahead if you cannot come.',
};

const clinic = () => `clinic-${randomUUID().slice(0, 8)}`;

describe('contract 1.1 on the local stack', () => {
  it('a profile, then a booking: the confirmation speaks for the clinic', async () => {
    const at = await timeline();
    const s = scenario({ clinicId: clinic(), startsAt: at(3, '14:30') });
    await put('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    await put('BookingCreated', s.created({ occurredAt: at(0) }));
    const [confirmation] = await inbox(s.email);
    expect(confirmation!.replyTo).toEqual([PROFILE.email]);
    expect(confirmation!.body.text).toContain(PROFILE.name);
    expect(confirmation!.body.text).toContain(PROFILE.phone);
    expect(confirmation!.body.text).toContain(PROFILE.cancellationPolicy);
  });

  it('a no-show: one "we missed you", and no reminder after it', async () => {
    const at = await timeline();
    const s = scenario({ clinicId: clinic(), startsAt: at(2, '14:30') });
    await put('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    const missed = s.missed({ occurredAt: at(0, '01:00'), kind: 'no-show' });
    await put('BookingMissed', missed);
    await put('BookingCreated', s.created({ occurredAt: at(0) }));
    await put('BookingMissed', missed);
    await advanceTo(at(3));
    const emails = await inbox(s.email);
    expect(emails.map((email) => email.subject)).toEqual([expect.stringMatching(/^We missed you/)]);
    expect(emails[0]!.body.text).toContain(`https://riverside-pt.example/book?patient=${s.patientId}`);
  });

  it('a plan that stalls: one PlanAtRisk on the bus and one nudge; the plan that ends: its summary', async () => {
    const at = await timeline();
    const clinicId = clinic();
    const s = scenario({ clinicId, startsAt: at(1, '10:00') });
    await put('ClinicProfileUpdated', s.clinicProfile({ profile: PROFILE }));
    await put('BookingCreated', s.created({ occurredAt: at(0) }));
    await put(
      'TreatmentPlanCreated',
      s.planCreated({ occurredAt: at(0, '01:00'), plan: { plannedSessions: 2, startsOn: at(0).slice(0, 10) } }),
    );
    await advanceTo(at(1, '10:30'));
    await put('SessionCompleted', s.sessionCompleted({ occurredAt: at(1, '10:05'), completedAt: at(1, '10:00') }));
    await advanceTo(at(13));

    const published = await control<AcceptedEvent[]>('/_local/events?source=careloop.');
    const atRisk = published.filter(
      (event) => event.detailType === 'PlanAtRisk' && (event.detail as { clinicId: string }).clinicId === clinicId,
    );
    expect(atRisk).toHaveLength(1);
    expect(atRisk[0]).toMatchObject({
      source: 'careloop.care',
      detail: { patientId: s.patientId, sessionsCompleted: 1, plannedSessions: 2 },
    });
    const nudges = (await inbox(s.email)).filter((email) => email.subject === 'How is your treatment plan going?');
    expect(nudges).toHaveLength(1);

    // The second and last session of the plan: its follow-up carries the summary.
    const last = scenario({ clinicId, startsAt: at(14, '10:00') });
    await put(
      'BookingCreated',
      last.created({ occurredAt: at(13), patient: { patientId: s.patientId, email: s.email } }),
    );
    await advanceTo(at(14, '10:30'));
    await put(
      'SessionCompleted',
      last.sessionCompleted({ patientId: s.patientId, occurredAt: at(14, '10:05'), completedAt: at(14, '10:00') }),
    );
    const followUp = (await inbox(s.email)).at(-1)!;
    expect(followUp.body.text).toContain('Your treatment plan is complete');
    expect(followUp.body.text).toContain('2 of 2');
  });
});
