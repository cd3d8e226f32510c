import { describe, expect, it } from 'vitest';

import { LocalClock } from '../../infra/local/clock';
import {
  createSchedulerEngine,
  SchedulerError,
  type ScheduleDefinition,
  type SchedulerEngineOptions,
  type ScheduleSnapshot,
} from '../../infra/local/scheduler/engine';

// The engine alone: no server, no request, no validation; definitions are given as the
// validation would hand them over.

const REAL_NOW = Date.parse('2026-03-28T12:00:00Z');
const FN = 'arn:aws:lambda:eu-central-1:123456789012:function:due';
const ROLE = 'arn:aws:iam::123456789012:role/scheduler';

function definition(fireAt: string, extra: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return {
    scheduleExpression: `at(${fireAt.slice(0, 19)})`,
    scheduleExpressionTimezone: 'UTC',
    timezoneGiven: false,
    fireAt: new Date(fireAt),
    flexibleTimeWindow: { mode: 'OFF' },
    target: { arn: FN, roleArn: ROLE, input: JSON.stringify({ fireAt }) },
    state: 'ENABLED',
    actionAfterCompletion: 'DELETE',
    given: { target: { Arn: FN, RoleArn: ROLE }, flexibleTimeWindow: { Mode: 'OFF' } },
    ...extra,
  };
}

function start(options: Partial<SchedulerEngineOptions> = {}) {
  const clock = new LocalClock({ realTimeMs: () => REAL_NOW });
  const fired: { name: string; at: string; attempts: number }[] = [];
  const deadLetters: { schedule: ScheduleSnapshot; error: unknown }[] = [];
  const engine = createSchedulerEngine({
    clock,
    invokeTarget: async (_target, schedule) => {
      fired.push({ name: schedule.name, at: clock.now().toISOString(), attempts: schedule.attempts });
    },
    onDeadLetter: (schedule, error) => deadLetters.push({ schedule, error }),
    ...options,
  });
  return { clock, engine, fired, deadLetters };
}

const refusal = (run: () => unknown): { type: string; message: string } => {
  try {
    run();
  } catch (error) {
    if (error instanceof SchedulerError) return { type: error.type, message: error.message };
    throw error;
  }
  throw new Error('expected a SchedulerError');
};

describe('the scheduler engine, without HTTP', () => {
  it('stops the clock at each due schedule in time order, and settles each moment before moving on', async () => {
    const settled: string[] = [];
    const { clock, engine, fired } = start({
      settle: async () => {
        settled.push(clock.now().toISOString());
      },
    });
    engine.createSchedule('default', 'late', definition('2026-03-28T15:00:00Z'));
    engine.createSchedule('default', 'early', definition('2026-03-28T13:00:00Z'));
    engine.createSchedule('default', 'tied-second', definition('2026-03-28T14:00:00Z'));
    engine.createSchedule('default', 'tied-first', definition('2026-03-28T14:00:00Z'));
    // Due at the same instant, the one defined last fires last: an update defines it anew.
    engine.updateSchedule('default', 'tied-second', definition('2026-03-28T14:00:00Z'));
    engine.createSchedule('default', 'future', definition('2026-03-29T12:00:00Z'));

    expect(await engine.advance(4 * 3600)).toBe(4);

    expect(fired.map(({ name, at }) => [name, at])).toEqual([
      ['early', '2026-03-28T13:00:00.000Z'],
      ['tied-first', '2026-03-28T14:00:00.000Z'],
      ['tied-second', '2026-03-28T14:00:00.000Z'],
      ['late', '2026-03-28T15:00:00.000Z'],
    ]);
    expect(settled).toEqual([
      '2026-03-28T12:00:00.000Z',
      '2026-03-28T13:00:00.000Z',
      '2026-03-28T14:00:00.000Z',
      '2026-03-28T15:00:00.000Z',
      '2026-03-28T16:00:00.000Z',
    ]);
    expect(clock.now().toISOString()).toBe('2026-03-28T16:00:00.000Z');
    expect(engine.schedules().map((s) => s.name)).toEqual(['future']);
  });

  it('fires neither a DISABLED schedule nor a completed one kept by ActionAfterCompletion NONE', async () => {
    const { engine, fired } = start();
    engine.createSchedule('default', 'paused', definition('2026-03-28T13:00:00Z', { state: 'DISABLED' }));
    engine.createSchedule('default', 'kept', definition('2026-03-28T13:00:00Z', { actionAfterCompletion: 'NONE' }));

    await engine.advance(3600);
    await engine.advance(3600);

    expect(fired.map((f) => f.name)).toEqual(['kept']);
    expect(engine.schedules()).toMatchObject([
      { name: 'paused', status: 'SCHEDULED', attempts: 0 },
      { name: 'kept', status: 'COMPLETED', attempts: 1, firedAt: new Date('2026-03-28T13:00:00Z') },
    ]);
  });

  it('retries at most as often as both the option and the RetryPolicy allow, then dead-letters and deletes', async () => {
    let calls = 0;
    const { engine, deadLetters } = start({
      maxRetryAttempts: 4,
      invokeTarget: async () => {
        calls++;
        throw new Error('target is down');
      },
    });
    const target = { arn: FN, roleArn: ROLE, maximumRetryAttempts: 1, deadLetterArn: 'arn:aws:sqs:x:1:dlq' };
    engine.createSchedule('default', 'policy', definition('2026-03-28T13:00:00Z', { target }));
    engine.createSchedule(
      'default',
      'unset',
      definition('2026-03-28T13:00:00Z', { target: { arn: FN, roleArn: ROLE } }),
    );

    await engine.advance(3600);

    expect(calls).toBe(2 + 5);
    expect(
      deadLetters.map(({ schedule, error }) => [schedule.name, schedule.attempts, (error as Error).message]),
    ).toEqual([
      ['policy', 2, 'target is down'],
      ['unset', 5, 'target is down'],
    ]);
    expect(deadLetters[0]?.schedule).toMatchObject({
      status: 'COMPLETED',
      target: { deadLetterArn: 'arn:aws:sqs:x:1:dlq' },
    });
    expect(engine.schedules()).toEqual([]);
  });

  it('hands the target its input, or {} when it has none', async () => {
    const targets: unknown[] = [];
    const { engine } = start({ invokeTarget: async (target) => void targets.push(target) });
    engine.createSchedule('default', 'with', definition('2026-03-28T12:00:00Z'));
    engine.createSchedule(
      'default',
      'without',
      definition('2026-03-28T12:00:01Z', { target: { arn: FN, roleArn: ROLE } }),
    );

    await engine.advance(1);

    expect(targets).toEqual([
      { arn: FN, roleArn: ROLE, input: JSON.stringify({ fireAt: '2026-03-28T12:00:00Z' }) },
      { arn: FN, roleArn: ROLE, input: '{}' },
    ]);
  });

  it('keeps a definition that replaced the one firing, though the one that fired is deleted after completion', async () => {
    const { clock, engine, fired } = start({
      invokeTarget: async (_target, schedule) => {
        fired.push({ name: schedule.name, at: clock.now().toISOString(), attempts: schedule.attempts });
        if (fired.length === 1) engine.updateSchedule('default', 'moved', definition('2026-03-28T18:00:00Z'));
      },
    });
    engine.createSchedule('default', 'moved', definition('2026-03-28T13:00:00Z'));

    await engine.advance(8 * 3600);

    expect(fired.map((f) => f.at)).toEqual(['2026-03-28T13:00:00.000Z', '2026-03-28T18:00:00.000Z']);
    expect(engine.schedules()).toEqual([]);
  });

  it('fires a due schedule once when asked to fire by several callers at the same time', async () => {
    const { clock, engine, fired } = start();
    engine.createSchedule('default', 'raced', definition('2026-03-28T12:30:00Z', { actionAfterCompletion: 'NONE' }));
    clock.advance(3600);

    const counts = await Promise.all([engine.fireDue(), engine.fireDue(), engine.advance(0)]);

    expect(counts).toEqual([1, 0, 0]);
    expect(fired).toHaveLength(1);
  });

  it('keeps schedules by group and name, with the refusals AWS gives', () => {
    const { engine } = start({ groups: ['careloop'], accountId: '123456789012' });
    const arn = engine.createSchedule('careloop', 'a', definition('2026-03-29T09:00:00Z'), {
      clientToken: 'token',
      region: 'eu-central-1',
    });

    expect(arn).toBe('arn:aws:scheduler:eu-central-1:123456789012:schedule/careloop/a');
    expect(engine.createSchedule('careloop', 'a', definition('2026-03-30T09:00:00Z'), { clientToken: 'token' })).toBe(
      arn,
    );
    expect(refusal(() => engine.createSchedule('careloop', 'a', definition('2026-03-30T09:00:00Z')))).toEqual({
      type: 'ConflictException',
      message: 'Schedule a already exists.',
    });
    expect(refusal(() => engine.getSchedule('default', 'a'))).toEqual({
      type: 'ResourceNotFoundException',
      message: 'Schedule a does not exist.',
    });
    expect(refusal(() => engine.updateSchedule('nope', 'a', definition('2026-03-30T09:00:00Z'))).message).toContain(
      'Schedule group nope does not exist.',
    );
    expect(engine.getSchedule('careloop', 'a').fireAt).toEqual(new Date('2026-03-29T09:00:00Z'));
  });

  it('lists schedules by group then name, filtered, and deletes a group with its schedules', () => {
    const { engine } = start({ groups: ['careloop'] });
    engine.createSchedule('default', 'b', definition('2026-03-29T09:00:00Z'));
    engine.createSchedule('careloop', 'z', definition('2026-03-29T09:00:00Z'));
    engine.createSchedule('careloop', 'y', definition('2026-03-29T09:00:00Z', { state: 'DISABLED' }));
    engine.createGroup('extra');
    engine.createSchedule('extra', 'a', definition('2026-03-29T09:00:00Z'));

    const names = (filter = {}) => engine.listSchedules(filter).map((s) => `${s.groupName}/${s.name}`);
    expect(names()).toEqual(['careloop/y', 'careloop/z', 'default/b', 'extra/a']);
    expect(names({ groupName: 'careloop', state: 'ENABLED' })).toEqual(['careloop/z']);
    expect(names({ namePrefix: 'a' })).toEqual(['extra/a']);

    engine.deleteGroup('extra');

    expect(names()).toEqual(['careloop/y', 'careloop/z', 'default/b']);
    expect(engine.listGroups().map((g) => g.name)).toEqual(['careloop', 'default']);
    expect(refusal(() => engine.getGroup('extra')).type).toBe('ResourceNotFoundException');
  });

  it('fires from its timer as real time passes, until stopped', async () => {
    let real = REAL_NOW;
    const clock = new LocalClock({ realTimeMs: () => real });
    const fired: string[] = [];
    const engine = createSchedulerEngine({ clock, invokeTarget: async (_t, s) => void fired.push(s.name) });
    engine.createSchedule('default', 'timed', definition('2026-03-28T12:00:05Z'));
    engine.startTimer(5);

    real += 5000;
    await expect.poll(() => fired).toEqual(['timed']);
    await engine.close();
  });
});
