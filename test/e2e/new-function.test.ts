import { rmSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import type { LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../support/test-stack';
import { probeFunction, projectWithProbe, recurringProbeFunction } from '../support/new-function';
import { scenario } from '../support/scenario';

/**
 * Adding a function is one folder and one descriptor: the local stack runs it from them, wired
 * to the bus by the same rule the CDK stack deploys (test/infra/new-function.test.ts).
 */
let root: string;
let stack: LocalStack;
const invoked: string[] = [];

beforeAll(async () => {
  root = projectWithProbe();
  stack = await startTestStack({
    functions: [...careLoopFunctions, probeFunction, recurringProbeFunction],
    projectRoot: root,
    onInvocation: (name) => invoked.push(name),
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a function added from one descriptor, on the local stack', () => {
  it('is invoked for the events its rule matches, beside the functions already there', async () => {
    const client = new EventBridgeClient({
      endpoint: stack.endpoints.events,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const s = scenario();
    try {
      const answer = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'clinic-events',
              Source: 'clinic.booking',
              DetailType: 'BookingCancelled',
              Detail: JSON.stringify(s.cancelled()),
            },
          ],
        }),
      );
      expect(answer.FailedEntryCount).toBe(0);
      await stack.idle();
    } finally {
      client.destroy();
    }
    expect(invoked.sort()).toEqual(['booking-cancelled', 'probe']);
    expect(stack.deadLetters).toEqual([]);
  });

  it('runs one with a recurring schedule at each interval as the clock moves', async () => {
    invoked.length = 0;
    await fetch(`${stack.endpoints.events}/_local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceSeconds: 3 * 3600 + 60 }),
    });
    expect(invoked.filter((name) => name === 'hourly-probe')).toHaveLength(3);
    expect(stack.deadLetters).toEqual([]);
  });
});
