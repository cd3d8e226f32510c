import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import { functionUrlRequest, sesEvent } from '../support/aws-events';
import { createHarness, invokingFunction, type Harness } from '../support/harness';
import { scenario } from '../support/scenario';

/**
 * Each function's role may use exactly the table actions its code calls (functions/<name>/descriptor.ts
 * `tableActions`, which the stack grants and test/infra/least-privilege.test.ts holds the role to).
 * Here every function runs every path that reaches the table, against DynamoDB Local, its
 * first email refused by SES once (so a claim is released, as in production), and each
 * DynamoDB call is recorded with the function that made it.
 */

const observed = new Map<string, Set<string>>();
const send = DynamoDBClient.prototype.send;
const ses = mockClient(SESv2Client);
let harness: Harness;

/** The IAM action a DynamoDB command is authorised as; a query of an index is told apart. */
function actionsOf(command: { constructor: { name: string }; input: Record<string, unknown> }): string[] {
  const name = command.constructor.name.replace(/Command$/, '');
  if (name === 'Query' && command.input.IndexName) return ['Query:index'];
  if (name === 'TransactWriteItems') {
    const items = command.input.TransactItems as Record<string, unknown>[];
    return items.flatMap((item) =>
      Object.keys(item).map((kind) => (kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`)),
    );
  }
  return [name];
}

/** SES refuses the next email and accepts the rest (a fresh mock: its calls so far are forgotten). */
function refuseNextEmail() {
  ses.reset();
  ses.on(SendEmailCommand).rejectsOnce(refusal()).resolves({ MessageId: 'ses-message' });
}

const refusal = () =>
  Object.assign(new Error('Email address is not verified.'), {
    name: 'MessageRejected',
    $metadata: { httpStatusCode: 400 },
  });

/** The invocation fails once at SES, as Lambda's first attempt would; the retry goes through. */
async function refusedOnceThenSent(invoke: () => Promise<unknown>) {
  refuseNextEmail();
  await expect(invoke()).rejects.toMatchObject({ name: 'MailerError' });
  return invoke();
}

beforeAll(async () => {
  DynamoDBClient.prototype.send = function (this: DynamoDBClient, ...args: Parameters<DynamoDBClient['send']>) {
    const name = invokingFunction();
    if (name) {
      const actions = observed.get(name) ?? new Set<string>();
      for (const action of actionsOf(args[0] as never)) actions.add(action);
      observed.set(name, actions);
    }
    return send.apply(this, args as never);
  } as DynamoDBClient['send'];
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message' });
  harness = await createHarness({ now: new Date('2027-03-01T10:00:00Z') });

  const s = scenario({ startsAt: '2027-03-20T15:30:00+01:00' });
  await harness.publish('ClinicProfileUpdated', s.clinicProfile());
  // A plan, a session before the patient's address is known, then the booking that gives it.
  await harness.publish('TreatmentPlanCreated', s.planCreated({ occurredAt: '2027-03-01T09:00:00Z' }));
  await harness.publish('SessionCompleted', s.sessionCompleted({ completedAt: '2027-03-01T09:30:00Z' }));
  await refusedOnceThenSent(() => harness.publish('BookingCreated', s.created()));
  await refusedOnceThenSent(() =>
    harness.publish('BookingRescheduled', s.rescheduled({ startsAt: '2027-03-21T15:30:00+01:00' })),
  );
  // A session with the address known: its follow-up and, three days on, its check-in.
  const other = scenario({ startsAt: '2027-03-02T10:00:00+01:00' });
  await harness.publish('BookingCreated', other.created({ patient: { patientId: s.patientId, email: s.email } }));
  await refusedOnceThenSent(() =>
    harness.publish(
      'SessionCompleted',
      other.sessionCompleted({ patientId: s.patientId, completedAt: '2027-03-02T11:00:00+01:00' }),
    ),
  );
  // The follow-up's answer page, opened and answered while its link works (reading the session,
  // recording the answer with its events in the outbox); the answer calls for attention, and the
  // staff alert the outbox function sends is refused by SES once, then sent on the stream's retry.
  const answerLink = ses
    .commandCalls(SendEmailCommand)
    .flatMap(
      (call) =>
        call.args[0].input.Content?.Simple?.Body?.Text?.Data?.match(/http:\/\/\S+\/unsubscribe\/[\w.-]+/g) ?? [],
    )
    .find((url) => {
      // A check-in page's token names its purpose in its payload (shared/unsubscribe/token.ts).
      const payload = url.split('/').pop()!.split('.')[1] ?? '';
      return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: string }).k === 'c';
    })!;
  await harness.invoke('unsubscribe', functionUrlRequest('GET', answerLink));
  refuseNextEmail();
  await harness.invoke('unsubscribe', functionUrlRequest('POST', answerLink, { feeling: 'worse' }));
  await harness.settled();
  // A patient whose session waited for an address until a preferences change gave one.
  const waiting = scenario();
  await harness.publish('SessionCompleted', waiting.sessionCompleted({ completedAt: '2027-03-01T09:30:00Z' }));
  await refusedOnceThenSent(() =>
    harness.publish(
      'ContactPreferencesUpdated',
      waiting.preferences({ email: waiting.email, consent: { followUps: true } }),
    ),
  );
  // Bookings of the patient with the plan, cancelled and missed: the plan's check moves back.
  const cancelled = scenario({ startsAt: '2027-03-25T10:00:00+01:00' });
  await harness.publish('BookingCreated', cancelled.created({ patient: { patientId: s.patientId, email: s.email } }));
  await refusedOnceThenSent(() => harness.publish('BookingCancelled', cancelled.cancelled()));
  const missed = scenario({ startsAt: '2027-03-05T10:00:00+01:00' });
  await harness.publish('BookingCreated', missed.created({ patient: { patientId: s.patientId, email: s.email } }));
  await refusedOnceThenSent(() => harness.publish('BookingMissed', missed.missed({ kind: 'no-show' })));
  // The due jobs: reminders and the check-in, each refused once by SES (deferred, then sent).
  refuseNextEmail();
  await harness.advance(21 * 86_400);
  const link = ses
    .commandCalls(SendEmailCommand)
    .flatMap((call) => call.args[0].input.Content?.Simple?.Headers ?? [])
    .find((header) => header.Name === 'List-Unsubscribe')!
    .Value!.slice(1, -1);

  // The unsubscribe link of the check-in, opened and confirmed; then a bounce.
  await harness.invoke('unsubscribe', functionUrlRequest('GET', link));
  await harness.invoke('unsubscribe', functionUrlRequest('POST', link));
  await harness.invoke('ses-feedback', sesEvent('bounce-permanent', s.email));
  // The patient's data: exported, then erased.
  await harness.publish('PatientDataExportRequested', s.exportRequested());
  await harness.publish('PatientErasureRequested', s.erasureRequested({ occurredAt: '2027-04-01T00:00:00Z' }));
  await harness.settled();
}, 120_000);

afterAll(async () => {
  DynamoDBClient.prototype.send = send;
  ses.restore();
  await harness?.close();
});

describe('table access, per function', () => {
  it('runs every function against the table', () => {
    expect([...observed.keys()].sort()).toEqual(careLoopFunctions.map((route) => route.name).sort());
  });

  it.each(careLoopFunctions.map((route) => [route.name, route] as const))(
    '%s calls exactly the table actions its route declares (and its role is granted)',
    (name, route) => {
      const declared = route.table.map((action) => (action === 'QueryIndex' ? 'Query:index' : action));
      expect([...observed.get(name)!].sort()).toEqual([...new Set(declared)].sort());
    },
  );
});
