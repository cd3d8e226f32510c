import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { LocalClock } from '../../infra/local/clock';
import {
  atExpressionToInstant,
  createSchedulerEmulator,
  type InvokedTarget,
  type ScheduleSnapshot,
  type SchedulerEmulator,
} from '../../infra/local/scheduler-emulator';

const REMINDER_FN = 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-reminder';
const ROLE = 'arn:aws:iam::123456789012:role/careloop-scheduler';
const DLQ = 'arn:aws:sqs:eu-central-1:123456789012:careloop-scheduler-dlq';

/** "Real" time is pinned: only `advance` moves the clock, so nothing depends on sleeping. */
const REAL_NOW = Date.parse('2026-03-28T12:00:00Z');

interface Harness {
  url: string;
  emulator: SchedulerEmulator;
  client: SchedulerClient;
  clock: LocalClock;
  invocations: { target: InvokedTarget; schedule: ScheduleSnapshot }[];
  deadLetters: { schedule: ScheduleSnapshot; error: unknown }[];
  failTarget: (attempts: number | 'always') => void;
}

let harness: Harness;

async function start(realNow = REAL_NOW): Promise<Harness> {
  const clock = new LocalClock({ realTimeMs: () => realNow });
  const invocations: Harness['invocations'] = [];
  const deadLetters: Harness['deadLetters'] = [];
  let failuresLeft = 0;
  const emulator = createSchedulerEmulator({
    clock,
    groups: ['careloop'],
    invokeTarget: async (target, schedule) => {
      invocations.push({ target, schedule });
      await Promise.resolve();
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('target is down');
      }
    },
    onDeadLetter: (schedule, error) => deadLetters.push({ schedule, error }),
  });
  const url = await emulator.listen(0, '127.0.0.1');
  const client = new SchedulerClient({
    endpoint: url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    url,
    emulator,
    client,
    clock,
    invocations,
    deadLetters,
    failTarget: (attempts) => {
      failuresLeft = attempts === 'always' ? Number.POSITIVE_INFINITY : attempts;
    },
  };
}

function reminder(
  name: string,
  at: string,
  extra: Partial<CreateScheduleCommandInput> = {},
): CreateScheduleCommandInput {
  return {
    Name: name,
    GroupName: 'careloop',
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: REMINDER_FN,
      RoleArn: ROLE,
      Input: JSON.stringify({ name }),
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: DLQ },
    },
    ...extra,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be rejected');
}

beforeEach(async () => {
  harness = await start();
});

afterEach(async () => {
  harness.client.destroy();
  await harness.emulator.close();
});

describe('LocalClock', () => {
  it('follows real time plus the accumulated advance', () => {
    let real = Date.parse('2026-01-01T00:00:00Z');
    const clock = new LocalClock({ realTimeMs: () => real });
    clock.advance(90);
    real += 1000;
    expect(clock.now().toISOString()).toBe('2026-01-01T00:01:31.000Z');
    expect(clock.advancedBySeconds).toBe(90);
  });

  it('refuses to move backwards or by a non-number', () => {
    const clock = new LocalClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.advancedBySeconds).toBe(0);
  });
});

describe('scheduler emulator API, through the real SchedulerClient', () => {
  it('creates a schedule and returns it from GetSchedule with the full shape', async () => {
    const { client } = harness;
    const created = await client.send(
      new CreateScheduleCommand(
        reminder('booking-1-reminder-v1', '2026-03-29T09:00:00', { EndDate: new Date('2026-04-01T00:00:00Z') }),
      ),
    );
    expect(created.ScheduleArn).toBe(
      'arn:aws:scheduler:eu-central-1:000000000000:schedule/careloop/booking-1-reminder-v1',
    );

    const got = await client.send(new GetScheduleCommand({ Name: 'booking-1-reminder-v1', GroupName: 'careloop' }));
    expect(got).toMatchObject({
      Arn: created.ScheduleArn,
      Name: 'booking-1-reminder-v1',
      GroupName: 'careloop',
      ScheduleExpression: 'at(2026-03-29T09:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: REMINDER_FN,
        RoleArn: ROLE,
        Input: JSON.stringify({ name: 'booking-1-reminder-v1' }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: DLQ },
      },
    });
    expect(got.CreationDate).toEqual(new Date(REAL_NOW));
    expect(got.LastModificationDate).toEqual(new Date(REAL_NOW));
    expect(got.EndDate).toEqual(new Date('2026-04-01T00:00:00Z'));
  });

  it('puts a schedule in the default group when no group is named', async () => {
    const { client } = harness;
    const input = reminder('no-group', '2026-03-29T09:00:00');
    delete input.GroupName;
    await client.send(new CreateScheduleCommand(input));

    const got = await client.send(new GetScheduleCommand({ Name: 'no-group' }));
    expect(got.GroupName).toBe('default');
  });

  it('refuses a second schedule with the same name in the same group with ConflictException', async () => {
    const { client } = harness;
    await client.send(new CreateScheduleCommand(reminder('dup', '2026-03-29T09:00:00')));

    const error = await rejectionOf(client.send(new CreateScheduleCommand(reminder('dup', '2026-03-30T09:00:00'))));

    expect(error.name).toBe('ConflictException');
    expect(error.$metadata?.httpStatusCode).toBe(409);
  });

  it('answers a retried create with the same client token as the first time', async () => {
    const { client } = harness;
    const input = { ...reminder('retried', '2026-03-29T09:00:00'), ClientToken: 'token-1' };
    const first = await client.send(new CreateScheduleCommand(input));

    const second = await client.send(new CreateScheduleCommand(input));

    expect(second.ScheduleArn).toBe(first.ScheduleArn);
  });

  it('replaces the whole schedule on UpdateSchedule, keeping its creation date', async () => {
    const { client, clock } = harness;
    await client.send(new CreateScheduleCommand(reminder('moved', '2026-03-29T09:00:00')));
    clock.advance(60);

    await client.send(
      new UpdateScheduleCommand({
        ...reminder('moved', '2026-03-30T10:00:00'),
        Description: 'rescheduled',
        State: 'DISABLED',
        ActionAfterCompletion: 'NONE',
      }),
    );

    const got = await client.send(new GetScheduleCommand({ Name: 'moved', GroupName: 'careloop' }));
    expect(got).toMatchObject({
      ScheduleExpression: 'at(2026-03-30T10:00:00)',
      Description: 'rescheduled',
      State: 'DISABLED',
      ActionAfterCompletion: 'NONE',
    });
    expect(got.CreationDate).toEqual(new Date(REAL_NOW));
    expect(got.LastModificationDate).toEqual(new Date(REAL_NOW + 60_000));
  });

  it('refuses to update a schedule that does not exist with ResourceNotFoundException', async () => {
    const error = await rejectionOf(
      harness.client.send(new UpdateScheduleCommand(reminder('ghost', '2026-03-29T09:00:00'))),
    );

    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('deletes a schedule, after which Get and Delete answer ResourceNotFoundException', async () => {
    const { client } = harness;
    await client.send(new CreateScheduleCommand(reminder('cancelled', '2026-03-29T09:00:00')));

    const deleted = await client.send(new DeleteScheduleCommand({ Name: 'cancelled', GroupName: 'careloop' }));
    expect(deleted.$metadata.httpStatusCode).toBe(200);

    const getError = await rejectionOf(
      client.send(new GetScheduleCommand({ Name: 'cancelled', GroupName: 'careloop' })),
    );
    const deleteError = await rejectionOf(
      client.send(new DeleteScheduleCommand({ Name: 'cancelled', GroupName: 'careloop' })),
    );
    expect(getError.name).toBe('ResourceNotFoundException');
    expect(getError.message).toBe('Schedule cancelled does not exist.');
    expect(deleteError.name).toBe('ResourceNotFoundException');
    expect(deleteError.$metadata?.httpStatusCode).toBe(404);
  });

  it('refuses a schedule in a group that does not exist', async () => {
    const error = await rejectionOf(
      harness.client.send(new CreateScheduleCommand(reminder('orphan', '2026-03-29T09:00:00', { GroupName: 'nope' }))),
    );

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toContain('Schedule group nope does not exist.');
  });

  it('lists schedules filtered by group, name prefix and state, page by page', async () => {
    const { client } = harness;
    for (const name of ['booking-a-reminder', 'booking-b-reminder', 'booking-c-reminder', 'checkin-a']) {
      await client.send(new CreateScheduleCommand(reminder(name, '2026-03-29T09:00:00')));
    }
    await client.send(
      new CreateScheduleCommand(reminder('booking-d-off', '2026-03-29T09:00:00', { State: 'DISABLED' })),
    );
    await client.send(
      new CreateScheduleCommand({ ...reminder('booking-elsewhere', '2026-03-29T09:00:00'), GroupName: 'default' }),
    );

    const first = await client.send(
      new ListSchedulesCommand({ GroupName: 'careloop', NamePrefix: 'booking-', State: 'ENABLED', MaxResults: 2 }),
    );
    const second = await client.send(
      new ListSchedulesCommand({
        GroupName: 'careloop',
        NamePrefix: 'booking-',
        State: 'ENABLED',
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );

    expect(first.Schedules?.map((s) => s.Name)).toEqual(['booking-a-reminder', 'booking-b-reminder']);
    expect(first.NextToken).toBeTruthy();
    expect(second.Schedules?.map((s) => s.Name)).toEqual(['booking-c-reminder']);
    expect(second.NextToken).toBeUndefined();
    expect(first.Schedules?.[0]).toEqual({
      Arn: 'arn:aws:scheduler:eu-central-1:000000000000:schedule/careloop/booking-a-reminder',
      Name: 'booking-a-reminder',
      GroupName: 'careloop',
      State: 'ENABLED',
      Target: { Arn: REMINDER_FN },
      CreationDate: new Date(REAL_NOW),
      LastModificationDate: new Date(REAL_NOW),
    });
  });

  it('refuses a name outside [0-9a-zA-Z-_.] with ValidationException', async () => {
    const error = await rejectionOf(
      harness.client.send(new CreateScheduleCommand(reminder('booking 1/reminder', '2026-03-29T09:00:00'))),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toContain("at 'name'");
  });

  it('refuses a name longer than 64 characters with ValidationException', async () => {
    const error = await rejectionOf(
      harness.client.send(new CreateScheduleCommand(reminder('x'.repeat(65), '2026-03-29T09:00:00'))),
    );

    expect(error.name).toBe('ValidationException');
  });

  it('refuses a schedule without a Target with ValidationException naming the field', async () => {
    const input = reminder('no-target', '2026-03-29T09:00:00') as Partial<CreateScheduleCommandInput>;
    delete input.Target;

    const error = await rejectionOf(
      harness.client.send(new CreateScheduleCommand(input as CreateScheduleCommandInput)),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("'target'");
  });

  it('refuses a malformed at() expression and an unknown time zone', async () => {
    const badDate = await rejectionOf(
      harness.client.send(new CreateScheduleCommand(reminder('bad-date', '2026-02-30T09:00:00'))),
    );
    const badZone = await rejectionOf(
      harness.client.send(
        new CreateScheduleCommand(
          reminder('bad-zone', '2026-03-29T09:00:00', { ScheduleExpressionTimezone: 'Mars/Olympus' }),
        ),
      ),
    );

    expect(badDate.name).toBe('ValidationException');
    expect(badDate.message).toContain('Invalid Schedule Expression at(2026-02-30T09:00:00)');
    expect(badZone.name).toBe('ValidationException');
    expect(badZone.message).toContain('Mars/Olympus');
  });

  it('refuses rate() and cron() saying only at() is supported locally', async () => {
    const error = await rejectionOf(
      harness.client.send(
        new CreateScheduleCommand({ ...reminder('recurring', 'x'), ScheduleExpression: 'rate(5 minutes)' }),
      ),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/supports only one-time at\(yyyy-mm-ddThh:mm:ss\) schedules/);
  });

  it('is reached through AWS_ENDPOINT_URL_SCHEDULER with no endpoint in the client config', async () => {
    const previous = process.env.AWS_ENDPOINT_URL_SCHEDULER;
    process.env.AWS_ENDPOINT_URL_SCHEDULER = harness.url;
    const client = new SchedulerClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const created = await client.send(new CreateScheduleCommand(reminder('via-env', '2026-03-29T09:00:00')));
      expect(created.ScheduleArn).toContain('schedule/careloop/via-env');
    } finally {
      client.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SCHEDULER;
      else process.env.AWS_ENDPOINT_URL_SCHEDULER = previous;
    }
  });
});

describe('at() in a time zone', () => {
  it('reads wall time in Europe/Berlin on either side of the spring DST change', () => {
    expect(atExpressionToInstant('at(2026-03-29T01:30:00)', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-29T00:30:00.000Z',
    );
    expect(atExpressionToInstant('at(2026-03-29T03:30:00)', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('moves a wall time skipped by the spring change forward by the gap', () => {
    expect(atExpressionToInstant('at(2026-03-29T02:30:00)', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('takes the first occurrence of a wall time repeated by the autumn change', () => {
    expect(atExpressionToInstant('at(2026-10-25T02:30:00)', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(atExpressionToInstant('at(2026-10-25T03:30:00)', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T02:30:00.000Z',
    );
  });

  it('reads wall time as UTC when no time zone is given, and in other zones too', () => {
    expect(atExpressionToInstant('at(2026-07-01T09:00:00)')?.toISOString()).toBe('2026-07-01T09:00:00.000Z');
    expect(atExpressionToInstant('at(2026-07-01T09:00:00)', 'America/New_York')?.toISOString()).toBe(
      '2026-07-01T13:00:00.000Z',
    );
    expect(atExpressionToInstant('at(2026-07-01T09:00:00)', 'Asia/Kolkata')?.toISOString()).toBe(
      '2026-07-01T03:30:00.000Z',
    );
  });

  it('fires a Berlin schedule after the DST change one hour later in UTC than one before it', async () => {
    const { client, emulator, invocations } = harness;
    const berlin = { ScheduleExpressionTimezone: 'Europe/Berlin' };
    // Clock starts 2026-03-28T12:00Z; the change is 2026-03-29T01:00Z (02:00 CET -> 03:00 CEST).
    await client.send(new CreateScheduleCommand(reminder('before-change', '2026-03-29T01:30:00', berlin)));
    await client.send(new CreateScheduleCommand(reminder('after-change', '2026-03-29T03:30:00', berlin)));

    const firstFired = await emulator.advance(12.5 * 3600); // 2026-03-29T00:30Z
    expect(firstFired).toBe(1);
    expect(invocations.map((i) => i.schedule.name)).toEqual(['before-change']);

    expect(await emulator.advance(3599)).toBe(0); // 01:29:59Z
    expect(await emulator.advance(1)).toBe(1); // 01:30Z = 03:30 CEST
    expect(invocations.map((i) => i.schedule.name)).toEqual(['before-change', 'after-change']);
  });
});

describe('firing', () => {
  it('fires the schedules that are due, in time order, and not the future ones', async () => {
    const { client, emulator, invocations } = harness;
    await client.send(new CreateScheduleCommand(reminder('third', '2026-03-28T15:00:00')));
    await client.send(new CreateScheduleCommand(reminder('first', '2026-03-28T13:00:00')));
    await client.send(new CreateScheduleCommand(reminder('future', '2026-03-29T12:00:00')));
    await client.send(new CreateScheduleCommand(reminder('second', '2026-03-28T14:00:00')));

    const fired = await emulator.advance(3 * 3600);

    expect(fired).toBe(3);
    expect(invocations.map((i) => i.schedule.name)).toEqual(['first', 'second', 'third']);
    expect(invocations[0]?.target).toEqual({
      arn: REMINDER_FN,
      roleArn: ROLE,
      input: JSON.stringify({ name: 'first' }),
    });
    expect(emulator.schedules().map((s) => s.name)).toEqual(['future']);
  });

  it('fires a schedule whose time is exactly now', async () => {
    const { client, emulator } = harness;
    await client.send(new CreateScheduleCommand(reminder('on-the-dot', '2026-03-28T12:00:00')));

    expect(await emulator.fireDue()).toBe(1);
  });

  it('deletes a schedule after it fired when ActionAfterCompletion is DELETE', async () => {
    const { client, emulator } = harness;
    await client.send(new CreateScheduleCommand(reminder('one-shot', '2026-03-28T13:00:00')));

    await emulator.advance(3600);

    const error = await rejectionOf(client.send(new GetScheduleCommand({ Name: 'one-shot', GroupName: 'careloop' })));
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('keeps a completed schedule with ActionAfterCompletion NONE and never fires it again', async () => {
    const { client, emulator, invocations } = harness;
    await client.send(
      new CreateScheduleCommand(reminder('kept', '2026-03-28T13:00:00', { ActionAfterCompletion: 'NONE' })),
    );

    await emulator.advance(3600);
    await emulator.advance(3600);

    expect(invocations).toHaveLength(1);
    expect(emulator.schedules()).toMatchObject([{ name: 'kept', status: 'COMPLETED', attempts: 1 }]);
    const got = await client.send(new GetScheduleCommand({ Name: 'kept', GroupName: 'careloop' }));
    expect(got.Name).toBe('kept');
  });

  it('does not fire a DISABLED schedule', async () => {
    const { client, emulator, invocations } = harness;
    await client.send(new CreateScheduleCommand(reminder('paused', '2026-03-28T13:00:00', { State: 'DISABLED' })));

    expect(await emulator.advance(7200)).toBe(0);
    expect(invocations).toHaveLength(0);
  });

  it('retries a failing target and succeeds without dead-lettering when a retry works', async () => {
    const { client, emulator, invocations, deadLetters, failTarget } = harness;
    await client.send(new CreateScheduleCommand(reminder('flaky', '2026-03-28T13:00:00')));
    failTarget(1);

    await emulator.advance(3600);

    expect(invocations).toHaveLength(2);
    expect(deadLetters).toHaveLength(0);
  });

  it('retries a failing target per its RetryPolicy, then dead-letters it and deletes it', async () => {
    const { client, emulator, invocations, deadLetters, failTarget } = harness;
    await client.send(new CreateScheduleCommand(reminder('broken', '2026-03-28T13:00:00')));
    failTarget('always');

    const fired = await emulator.advance(3600);

    expect(fired).toBe(1);
    expect(invocations).toHaveLength(3); // first attempt + MaximumRetryAttempts 2
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.schedule).toMatchObject({ name: 'broken', attempts: 3, target: { deadLetterArn: DLQ } });
    expect((deadLetters[0]?.error as Error).message).toBe('target is down');
    expect(emulator.schedules()).toEqual([]);
  });

  it('caps immediate retries locally at two even when the RetryPolicy allows 185', async () => {
    const { client, emulator, invocations, deadLetters, failTarget } = harness;
    const input = reminder('default-retries', '2026-03-28T13:00:00');
    input.Target = { Arn: REMINDER_FN, RoleArn: ROLE };
    await client.send(new CreateScheduleCommand(input));
    failTarget('always');

    await emulator.advance(3600);

    expect(invocations).toHaveLength(3);
    expect(invocations[0]?.target.input).toBe('{}');
    expect(deadLetters).toHaveLength(1);
  });

  it('tries once only when MaximumRetryAttempts is 0', async () => {
    const { client, emulator, invocations, deadLetters, failTarget } = harness;
    const input = reminder('no-retries', '2026-03-28T13:00:00');
    input.Target = { ...input.Target!, RetryPolicy: { MaximumRetryAttempts: 0 } };
    await client.send(new CreateScheduleCommand(input));
    failTarget('always');

    await emulator.advance(3600);

    expect(invocations).toHaveLength(1);
    expect(deadLetters).toHaveLength(1);
  });

  it('fires a due schedule once when fireDue is called twice at the same time', async () => {
    const { client, emulator, clock, invocations } = harness;
    await client.send(
      new CreateScheduleCommand(reminder('raced', '2026-03-28T13:00:00', { ActionAfterCompletion: 'NONE' })),
    );
    clock.advance(3600);

    const counts = await Promise.all([emulator.fireDue(), emulator.fireDue(), emulator.advance(0)]);

    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(invocations).toHaveLength(1);
  });

  it('fires a schedule that a target creates already due within the same pass', async () => {
    const clock = new LocalClock({ realTimeMs: () => REAL_NOW });
    const fired: string[] = [];
    const emulator = createSchedulerEmulator({
      clock,
      invokeTarget: async (_target, schedule) => {
        fired.push(schedule.name);
        if (schedule.name === 'parent')
          await client.send(
            new CreateScheduleCommand({ ...reminder('child', '2026-03-28T12:30:00'), GroupName: 'default' }),
          );
      },
    });
    const url = await emulator.listen();
    const client = new SchedulerClient({
      endpoint: url,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await client.send(
        new CreateScheduleCommand({ ...reminder('parent', '2026-03-28T12:10:00'), GroupName: 'default' }),
      );

      expect(await emulator.advance(3600)).toBe(2);
      expect(fired).toEqual(['parent', 'child']);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });

  it('fires on its own, from the real-time timer, once real time reaches the schedule', async () => {
    let real = REAL_NOW;
    const clock = new LocalClock({ realTimeMs: () => real });
    const fired: string[] = [];
    const emulator = createSchedulerEmulator({
      clock,
      invokeTarget: async (_target, schedule) => {
        fired.push(schedule.name);
      },
    });
    const client = new SchedulerClient({
      endpoint: await emulator.listen(),
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await client.send(
        new CreateScheduleCommand({ ...reminder('timed', '2026-03-28T12:00:05'), GroupName: 'default' }),
      );
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      emulator.startTimer(1000);

      vi.advanceTimersByTime(1000);
      await emulator.fireDue(); // waits for the timer's pass, which found nothing due yet
      expect(fired).toEqual([]);

      real += 5000;
      vi.advanceTimersByTime(1000);
      await emulator.fireDue(); // waits for the timer's pass to finish
      expect(fired).toEqual(['timed']);
    } finally {
      vi.useRealTimers();
      client.destroy();
      await emulator.close();
    }
  });

  it('refuses to advance the clock backwards', async () => {
    await expect(harness.emulator.advance(-5)).rejects.toThrow(RangeError);
  });
});
