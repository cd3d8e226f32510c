import type { ClinicProfileUpdated } from '../../events/schemas';
import type { ClinicContact } from '../email/types';
import { isNewer, type ClinicProfileRecord } from './model';
import { withOptimisticRetry } from './optimistic';
import type { Needs } from './ports';
import { stampOf } from './records';

/**
 * The clinic's profile after an update: the whole new profile when it is newer than the one
 * stored (by occurredAt, ties by eventId), nothing when it is older or the same event again.
 */
export function applyClinicProfileUpdated(
  current: ClinicProfileRecord | undefined,
  event: ClinicProfileUpdated,
): ClinicProfileRecord | undefined {
  const stamp = stampOf(event);
  if (current && !isNewer(stamp, current.stamp)) return undefined;
  return { clinicId: event.clinicId, stamp, ...event.profile };
}

/** What a link about one booking or patient fills into the clinic's booking page. */
export interface BookingLinkIds {
  bookingId?: string;
  patientId?: string;
}

/**
 * The booking page for one email: `{bookingId}` and `{patientId}` replaced by the ids,
 * URL-encoded; a placeholder whose id the email does not have is left out (replaced by nothing).
 */
export function bookingLink(template: string, ids: BookingLinkIds): string {
  return template
    .replaceAll('{bookingId}', encodeURIComponent(ids.bookingId ?? ''))
    .replaceAll('{patientId}', encodeURIComponent(ids.patientId ?? ''));
}

/** How an email shows the clinic: undefined until its first profile (the emails' neutral wording). */
export function clinicContactOf(
  profile: ClinicProfileRecord | undefined,
  ids: BookingLinkIds = {},
): ClinicContact | undefined {
  if (!profile) return undefined;
  return {
    name: profile.name,
    ...(profile.phone !== undefined && { phone: profile.phone }),
    ...(profile.bookingUrl !== undefined && { bookingUrl: bookingLink(profile.bookingUrl, ids) }),
    ...(profile.cancellationPolicy !== undefined && { cancellationPolicy: profile.cancellationPolicy }),
  };
}

/** Stored when newer than the profile the clinic has: emails and pages read it when they are made. */
export async function onClinicProfileUpdated(deps: Needs, event: ClinicProfileUpdated) {
  const applied = await withOptimisticRetry(async () => {
    const current = await deps.store.getClinicProfile(event.clinicId);
    const next = applyClinicProfileUpdated(current?.record, event);
    if (next)
      await deps.store.save([{ type: 'clinic', record: next, version: current?.version }], { completesEvent: true });
    return next !== undefined;
  });
  return { applied };
}
