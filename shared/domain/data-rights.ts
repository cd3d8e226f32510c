import type { PatientDataExportRequested, PatientErasureRequested } from '../../events/schemas';
import { reminderPrefix } from './bookings';
import type { ExportRecord, PatientRecord } from './model';
import { withOptimisticRetry } from './optimistic';
import { ownEvent, ownEventId } from './own-events';
import { planCheckPrefix } from './plans';
import { erasedSince, ignoredAfterErasure } from './erasure';
import { ConcurrentUpdateError, type Needs, type PatientHoldings } from './ports';
import { checkInJobName } from './sessions';

/**
 * A patient's rights over their data (contract 1.1): a copy of everything CareLoop holds
 * (PatientDataExportRequested), and erasure (PatientErasureRequested) that stays erased.
 *
 * An erasure leaves one item: the patient's profile, holding only the ids and the erasure (when,
 * which request). Every event about the patient that occurred at or before that instant is then
 * ignored, whichever way it comes back (late, redriven from a queue, replayed from the archive);
 * one that occurred after it starts a new record beside the marker.
 */

/** The document's format, named in it: a reader checks both before reading further (docs/EVENTS.md). */
export const EXPORT_FORMAT = 'careloop.patient-data-export';
export const EXPORT_FORMAT_VERSION = 1;
/** The export bucket deletes each object after this many days (its lifecycle rule); the event says when. */
export const EXPORT_RETENTION_DAYS = 7;

/** What is left of an erased patient: ids and the erasure, with a new patient's defaults to merge into. */
export function erasureMarker(clinicId: string, patientId: string, erasedAt: string, requestId: string): PatientRecord {
  return {
    clinicId,
    patientId,
    consent: { reminders: true, followUps: true },
    consentChange: {},
    erasure: { erasedAt, requestId },
  };
}

export type ErasureOutcome =
  | { erased: true; bookings: number; schedulesRemoved: number }
  | { erased: false; reason: 'duplicate' | 'patient-erased' };

/**
 * Deletes the patient's pending schedules, then every item of theirs but the marker, which is
 * written with PatientErased. A retry after a failure half-way does it all again; the same
 * request after it finished finds its own marker and does nothing.
 */
export async function onPatientErasureRequested(
  deps: Needs<'scheduler'>,
  event: PatientErasureRequested,
): Promise<ErasureOutcome> {
  const { clinicId, patientId, requestId } = event;
  return withOptimisticRetry(async () => {
    const holdings = await deps.store.getPatientHoldings(clinicId, patientId);
    const patient = holdings.patient?.record;
    if (patient?.erasure?.requestId === requestId) return { erased: false, reason: 'duplicate' };
    if (erasedSince(patient, event.occurredAt)) {
      ignoredAfterErasure(deps, 'PatientErasureRequested', { clinicId, patientId, eventId: event.eventId });
      return { erased: false, reason: 'patient-erased' };
    }
    // Schedules first: one removed before its booking cannot fire in between and email the patient.
    const schedulesRemoved = await removeSchedules(deps, clinicId, patientId, bookingIdsOf(holdings));
    // Not before the request's own time: an event its producer stamped before the request, on a
    // clock ahead of ours, is still one of before the erasure.
    const erasedAt = new Date(Math.max(deps.clock.now().getTime(), Date.parse(event.occurredAt))).toISOString();
    const erased = ownEvent('PatientErased', {
      eventId: ownEventId('PatientErased', clinicId, patientId, requestId),
      occurredAt: erasedAt,
      clinicId,
      patientId,
      requestId,
    });
    await deps.store.erasePatient(
      erasureMarker(clinicId, patientId, erasedAt, requestId),
      holdings.patient?.version,
      { event: erased },
      { completesEvent: true },
    );
    return { erased: true, bookings: holdings.bookings.length, schedulesRemoved };
  });
}

const bookingIdsOf = (holdings: PatientHoldings) =>
  [
    ...new Set([
      ...holdings.bookings.map((booking) => booking.bookingId),
      ...holdings.sessions.map((session) => session.bookingId),
      ...holdings.responses.map((response) => response.bookingId),
    ]),
  ].sort();

async function removeSchedules(
  deps: Needs<'scheduler'>,
  clinicId: string,
  patientId: string,
  bookingIds: readonly string[],
): Promise<number> {
  const names = [...(await deps.scheduler.list(planCheckPrefix(clinicId, patientId)))];
  for (const bookingId of bookingIds) {
    names.push(...(await deps.scheduler.list(reminderPrefix(clinicId, bookingId))));
    // A check-in has one name per booking; removing one that is not there is no error.
    names.push(checkInJobName(clinicId, bookingId));
  }
  for (const name of names) await deps.scheduler.remove(name);
  return names.length;
}

/**
 * The export document (format `careloop.patient-data-export`, version 1; docs/EVENTS.md): what
 * CareLoop holds, in the words of the contract's events, without its own bookkeeping (versions,
 * event stamps). The email log says what was sent and when, never what it said: bodies are not
 * kept.
 */
export function exportDocument(
  holdings: PatientHoldings,
  request: { clinicId: string; patientId: string; requestId: string },
  exportedAt: string,
) {
  const patient = holdings.patient?.record;
  const byTime =
    <T>(key: (value: T) => string | undefined) =>
    (a: T, b: T) =>
      (key(a) ?? '').localeCompare(key(b) ?? '');
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    requestId: request.requestId,
    clinicId: request.clinicId,
    patientId: request.patientId,
    exportedAt,
    profile: patient && {
      firstName: patient.firstName,
      lastName: patient.lastName,
      email: patient.email,
      locale: patient.locale,
      timezone: patient.timezone,
    },
    consent: patient?.consent,
    erasure: patient?.erasure,
    bookings: holdings.bookings
      .map((booking) => ({
        bookingId: booking.bookingId,
        status: booking.status,
        startsAt: booking.startsAt,
        durationMinutes: booking.durationMinutes,
        timezone: booking.timezone,
        service: booking.service,
        therapist: booking.therapist,
        location: booking.location,
        bookedAt: booking.created?.occurredAt,
        reschedules: (booking.reschedules ?? []).map((change) => ({
          at: change.stamp.occurredAt,
          startsAt: change.startsAt,
          durationMinutes: change.durationMinutes,
          timezone: change.timezone,
          therapist: change.therapist,
        })),
        cancellation: booking.cancellation && {
          at: booking.cancellation.stamp.occurredAt,
          cancelledBy: booking.cancellation.cancelledBy,
        },
        missed: booking.missed && { at: booking.missed.stamp.occurredAt, kind: booking.missed.kind },
      }))
      .sort(byTime((booking) => booking.startsAt)),
    sessions: holdings.sessions
      .map((session) => ({
        bookingId: session.bookingId,
        completedAt: session.completedAt,
        therapist: session.therapist,
        techniques: session.techniques,
        focusAreas: session.focusAreas,
        painBefore: session.painBefore,
        painAfter: session.painAfter,
        exerciseIds: session.exerciseIds,
        note: session.note,
        nextVisitInDays: session.nextVisitInDays,
        followUpAwaitingAddress: session.awaitingContact,
      }))
      .sort(byTime((session) => session.completedAt)),
    plans: holdings.plans
      .map((plan) => ({
        planId: plan.planId,
        agreedAt: plan.stamp.occurredAt,
        goals: plan.goals,
        plannedSessions: plan.plannedSessions,
        sessionsPerWeek: plan.sessionsPerWeek,
        startsOn: plan.startsOn,
        lastFoundAtRiskAt: plan.lastAtRiskAt,
      }))
      .sort(byTime((plan) => plan.agreedAt)),
    answers: holdings.responses
      .map((response) => ({
        bookingId: response.bookingId,
        responseId: response.responseId,
        kind: response.kind,
        answeredAt: response.answeredAt,
        answer: response.answer,
        attentionReasons: response.reasons,
      }))
      .sort(byTime((response) => response.answeredAt)),
    emails: holdings.emails
      .map((email) => ({
        kind: email.kind,
        bookingId: email.bookingId,
        status: email.status,
        claimedAt: email.claimedAt,
        sentAt: email.sentAt,
        messageId: email.messageId,
      }))
      .sort(byTime((email) => email.sentAt ?? email.claimedAt)),
  };
}

/** The object's key: ids only (it shows in access logs and in the event), one object per request. */
export const exportKey = (clinicId: string, patientId: string, requestId: string) =>
  `exports/${clinicId}/${patientId}/${requestId}.json`;

export type ExportOutcome =
  { exported: true; records: number } | { exported: false; reason: 'duplicate' | 'patient-erased' };

/**
 * Writes the document to the export bucket, then records the export with PatientDataExportReady,
 * together. A retry after the object was written writes the same key again; the same request
 * after it was recorded finds its record and exports nothing new.
 */
export async function onPatientDataExportRequested(
  deps: Needs<'exports'>,
  event: PatientDataExportRequested,
): Promise<ExportOutcome> {
  const { clinicId, patientId, requestId } = event;
  const holdings = await deps.store.getPatientHoldings(clinicId, patientId);
  if (holdings.exports.some((record) => record.requestId === requestId))
    return { exported: false, reason: 'duplicate' };
  if (erasedSince(holdings.patient?.record, event.occurredAt)) {
    ignoredAfterErasure(deps, 'PatientDataExportRequested', { clinicId, patientId, eventId: event.eventId });
    return { exported: false, reason: 'patient-erased' };
  }
  const now = deps.clock.now();
  const document = exportDocument(holdings, event, now.toISOString());
  const where = await deps.exports.put(
    exportKey(clinicId, patientId, requestId),
    `${JSON.stringify(document, null, 2)}\n`,
    'application/json',
  );
  const record: ExportRecord = {
    clinicId,
    patientId,
    requestId,
    bucket: where.bucket,
    key: where.key,
    exportedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + EXPORT_RETENTION_DAYS * 86_400_000).toISOString(),
  };
  const ready = ownEvent('PatientDataExportReady', {
    eventId: ownEventId('PatientDataExportReady', clinicId, patientId, requestId),
    occurredAt: record.exportedAt,
    clinicId,
    patientId,
    requestId,
    bucket: record.bucket,
    key: record.key,
    expiresAt: record.expiresAt,
  });
  try {
    await deps.store.save(
      [
        { type: 'export', record, version: undefined },
        { type: 'outbox', entry: { event: ready } },
      ],
      { completesEvent: true },
    );
  } catch (error) {
    // Recorded by a concurrent delivery of the same request: its event is the one published.
    if (error instanceof ConcurrentUpdateError) return { exported: false, reason: 'duplicate' };
    throw error;
  }
  const records =
    (holdings.patient ? 1 : 0) +
    holdings.bookings.length +
    holdings.sessions.length +
    holdings.plans.length +
    holdings.responses.length +
    holdings.emails.length;
  return { exported: true, records };
}
