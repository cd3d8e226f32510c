/**
 * A small EventBridge Scheduler emulator for tests and the local stack (no AWS, no Docker,
 * no network), answering the REST-JSON API as AWS does. This module is its public entry; the
 * emulator is three parts a change touches one at a time: the schedules and their firing
 * against the local clock (scheduler/engine.ts), the requests AWS accepts and its refusals
 * (scheduler/validation.ts), and the wire format (scheduler/http.ts).
 */
import type http from 'node:http';

import { createSchedulerEngine, type ScheduleSnapshot, type SchedulerEngineOptions } from './scheduler/engine';
import { createSchedulerHttp } from './scheduler/http';

export type {
  ActionAfterCompletion,
  InvokedTarget,
  ScheduleSnapshot,
  ScheduleState,
  ScheduleStatus,
} from './scheduler/engine';
export { atExpressionToInstant } from './scheduler/validation';

export type SchedulerEmulatorOptions = SchedulerEngineOptions;

export interface SchedulerEmulator {
  server: http.Server;
  /** Starts listening (port 0: an ephemeral port) and resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops the timer, closes the server and waits for a firing under way. */
  close(): Promise<void>;
  /** Fires every schedule due at clock.now(), in time order, each target awaited; resolves with the count. */
  fireDue(): Promise<number>;
  /** Advances the clock, then fires what is due. */
  advance(seconds: number): Promise<number>;
  /** Fires due schedules every `intervalMs` of real time until `stopTimer`/`close`. */
  startTimer(intervalMs?: number): void;
  stopTimer(): void;
  /** Snapshot of every schedule, in time order. */
  schedules(): ScheduleSnapshot[];
}

export function createSchedulerEmulator(options: SchedulerEmulatorOptions): SchedulerEmulator {
  const engine = createSchedulerEngine(options);
  const api = createSchedulerHttp(engine);
  return {
    server: api.server,
    listen: api.listen,
    close: async () => {
      engine.stopTimer();
      await api.close();
      await engine.close();
    },
    fireDue: engine.fireDue,
    advance: engine.advance,
    startTimer: engine.startTimer,
    stopTimer: engine.stopTimer,
    schedules: engine.schedules,
  };
}
