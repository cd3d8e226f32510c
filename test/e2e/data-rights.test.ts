import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, type DetailType } from '../../events/catalog';
import { parsePublishedEvent } from '../../events/published';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { readInbox } from '../../infra/local/ses-local';
import type { AcceptedEvent, LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { scenario } from '../support/scenario';

/**
 * The patient's data rights on the local stack, as a clinic's admin app and its operator meet
 * them: both requests through PutEvents, the export read back with the AWS SDK from the local S3
 * endpoint, and the answer events in `GET /_local/events`.
 */

let stack: LocalStack;
let client: EventBridgeClient;
let s3: S3Client;

beforeAll(async () => {
  stack = await startTestStack();
  client = new EventBridgeClient({
    endpoint: stack.endpoints.events,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  s3 = new S3Client({
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  s3?.destroy();
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

async function answers(patientId: string, detailType: string): Promise<AcceptedEvent[]> {
  await stack.idle();
  const response = await fetch(`${stack.endpoints.events}/_local/events?source=careloop.patients`);
  return ((await response.json()) as AcceptedEvent[]).filter(
    (event) => event.detailType === detailType && (event.detail as { patientId?: string }).patientId === patientId,
  );
}

describe('data rights, on the local stack', () => {
  it('exports the patient to the local S3 endpoint, then erases them, each answered on the bus', async () => {
    const { now } = (await (await fetch(`${stack.endpoints.events}/_local/clock`)).json()) as { now: string };
    const s = scenario({
      clinicId: `clinic-${randomUUID().slice(0, 8)}`,
      startsAt: new Date(Date.parse(now) + 5 * 86_400_000).toISOString(),
    });
    await put('BookingCreated', s.created({ occurredAt: now }));
    const [confirmation] = (await readInbox(stack.endpoints.ses)).filter((email) =>
      email.destination.to.includes(s.email),
    );

    const exportRequest = s.exportRequested({ occurredAt: now });
    await put('PatientDataExportRequested', exportRequest);
    const [ready] = await answers(s.patientId, 'PatientDataExportReady');
    const { bucket, key } = parsePublishedEvent(ready!.source, ready!.detailType, ready!.detail).detail as {
      bucket: string;
      key: string;
    };
    expect(bucket).toBe(stack.frontEndEnvironment.CARELOOP_EXPORT_BUCKET);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const document = JSON.parse(await object.Body!.transformToString());
    expect(document).toMatchObject({
      requestId: exportRequest.requestId,
      patientId: s.patientId,
      profile: { email: s.email },
    });
    expect(document.bookings).toEqual([expect.objectContaining({ bookingId: s.bookingId })]);
    expect(document.emails).toEqual([
      expect.objectContaining({ kind: 'confirmation', messageId: confirmation!.messageId }),
    ]);

    const erasure = s.erasureRequested({ occurredAt: now });
    await put('PatientErasureRequested', erasure);
    const erased = await answers(s.patientId, 'PatientErased');
    expect(erased.map((event) => event.detail)).toEqual([expect.objectContaining({ requestId: erasure.requestId })]);
    // The export asked for again after the erasure occurred before it: nothing new.
    await put('PatientDataExportRequested', { ...exportRequest, eventId: `${exportRequest.eventId}-late` });
    expect(await answers(s.patientId, 'PatientDataExportReady')).toHaveLength(1);
  });
});
