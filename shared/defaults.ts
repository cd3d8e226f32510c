/**
 * The defaults of the settings that shape when emails go out, in one place: the deploy-time
 * context (infra/settings.ts, in hours), the functions' configuration (shared/config.ts, in
 * minutes) and the local stack read them, so they cannot disagree.
 */
export const DEFAULT_TIMING = {
  /** Hours before the start at which reminders go out. */
  reminderOffsetsHours: [24],
  /** Hours after a completed session at which the check-in goes out. */
  checkInDelayHours: 72,
  /** Local hours in which reminders and check-ins are held back. */
  quietHours: '21:00-08:00',
} as const;

/**
 * The local stack times emails exactly as the contract states them (start − 24 h,
 * completedAt + 3 days), whatever the hour of a developer's day: no quiet hours.
 */
export const LOCAL_QUIET_HOURS = 'off';

/** Hours as the functions read them: whole minutes. */
export const hoursToMinutes = (hours: number) => Math.round(hours * 60);
