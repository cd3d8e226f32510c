import { afterEach, describe, expect, it, vi } from 'vitest';
import { localHandlerEnvironment } from '../../../infra/local/stack';
import { ENV } from '../../../shared/config';

/**
 * `npm run reconcile -- --local` acts as the local stack's handlers: it must judge reminders with
 * the settings `npm start` gives them, from the same CARELOOP_* variables.
 */
describe('npm run reconcile -- --local', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('judges without quiet hours, as npm start runs its functions by default', () => {
    vi.stubEnv('CARELOOP_QUIET_HOURS', undefined);
    expect(localHandlerEnvironment()[ENV.quietHours]).toBe('off');
  });

  it('takes quiet hours, offsets and the check-in delay from the variables npm start reads', () => {
    vi.stubEnv('CARELOOP_QUIET_HOURS', '21:00-08:00');
    vi.stubEnv('CARELOOP_REMINDER_OFFSETS_MINUTES', '1440,120');
    vi.stubEnv('CARELOOP_CHECK_IN_DELAY_MINUTES', '60');
    const environment = localHandlerEnvironment();
    expect(environment[ENV.quietHours]).toBe('21:00-08:00');
    expect(environment[ENV.reminderOffsetsMinutes]).toBe('1440,120');
    expect(environment[ENV.checkInDelayMinutes]).toBe('60');
  });
});
