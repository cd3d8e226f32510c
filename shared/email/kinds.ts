import type { EmailKind } from './types';

/**
 * Every email kind, checked complete by the compiler (a kind added to EmailKind must be listed
 * here): the dashboard shows one line per kind, and a message tag is read back only as one of them.
 */
export const EMAIL_KINDS = Object.keys({
  confirmation: true,
  reschedule: true,
  cancellation: true,
  reminder: true,
  missed: true,
  'follow-up': true,
  'check-in': true,
  'plan-nudge': true,
  'staff-alert': true,
} satisfies Record<EmailKind, true>) as readonly EmailKind[];
