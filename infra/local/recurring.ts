import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { FunctionDescriptor } from '../../functions/descriptor';
import type { Clock } from '../../shared/domain/ports';
import { triggerOf } from '../function-plan';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { LOCAL_ACCOUNT } from './functions';

/**
 * Functions a recurring schedule runs (a descriptor's `schedule` trigger, `rate(…)` on AWS). The
 * local Scheduler emulator knows only one-time `at()` schedules, CareLoop's own kind, so each
 * occurrence is one: created for the next moment when the last one fires. They fire with the
 * rest, by the clock, in time order, whether it ticks or is moved.
 */
export interface RecurringSchedules {
  /** Creates each function's first occurrence, one interval from now. */
  start(): Promise<void>;
  /** Whether a schedule's target is one of these functions. */
  targets(arn: string): boolean;
  /** Schedules the next occurrence of the function a schedule fired for (the clock is at its moment), then runs it. */
  fire(arn: string, input: string): Promise<void>;
  close(): void;
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

const isoSeconds = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, '');

export function createRecurringSchedules(options: {
  functions: readonly FunctionDescriptor[];
  prefix: string;
  groupName: string;
  schedulerEndpoint: string;
  clock: Clock;
  /** Runs the function with the schedule's input as its event, as Scheduler's Lambda target does. */
  invoke: (descriptor: FunctionDescriptor, event: unknown) => Promise<unknown>;
}): RecurringSchedules {
  const recurring = options.functions.flatMap((descriptor) => {
    const trigger = triggerOf(descriptor, 'schedule');
    return trigger ? [{ descriptor, everyMs: trigger.every.amount * UNIT_MS[trigger.every.unit] }] : [];
  });
  const arnOf = (descriptor: FunctionDescriptor) =>
    `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${options.prefix}-${descriptor.name}`;
  const client = new SchedulerClient({
    endpoint: options.schedulerEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const scheduleAt = async (descriptor: FunctionDescriptor, at: Date) => {
    await client.send(
      new CreateScheduleCommand({
        Name: `every-${descriptor.name}-${Math.floor(at.getTime() / 1000)}`.slice(0, 64),
        GroupName: options.groupName,
        ScheduleExpression: `at(${isoSeconds(at)})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: arnOf(descriptor),
          RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${options.prefix}-scheduler`,
          Input: '{}',
        },
      }),
    );
  };
  return {
    async start() {
      const now = options.clock.now().getTime();
      for (const { descriptor, everyMs } of recurring) await scheduleAt(descriptor, new Date(now + everyMs));
    },
    targets: (arn) => recurring.some(({ descriptor }) => arnOf(descriptor) === arn),
    async fire(arn, input) {
      const entry = recurring.find(({ descriptor }) => arnOf(descriptor) === arn)!;
      // The next one first: a failing run (retried, then a dead letter) must not stop the series.
      await scheduleAt(entry.descriptor, new Date(options.clock.now().getTime() + entry.everyMs));
      await options.invoke(entry.descriptor, JSON.parse(input) as unknown);
    },
    close: () => client.destroy(),
  };
}
