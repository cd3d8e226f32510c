import { createHash } from 'node:crypto';
import type { SessionCompleted } from '../../events/schemas';
import { sessionEmail } from '../email/session-emails';
import type { PainPoint, PlanProgress, PlanSummary, SessionSummary } from '../email/types';
import type { BookingRecord, PatientRecord, PlanRecord, SessionRecord } from './model';
import { ConcurrentUpdateError, type Needs, type PatientFile, type ScheduledJob, type UnsubscribeLinks } from './ports';
import { applySessionCompleted } from './records';
import { recipientOf } from './recipient';
import { sendOnce, sendOnceWithChecks, type SendOnceResult } from './send-once';
import { erasedSince, ignoredAfterErasure } from './erasure';
import { withOptimisticRetry } from './optimistic';
import { outsideQuietHours } from './quiet-hours';
import { sessionsUnder, syncPlanCheck } from './plans';

export interface CheckInPayload {
  clinicId: string;
  patientId: string;
  bookingId: string;
}

export const checkInJobName = (clinicId: string, bookingId: string) =>
  `chk-${createHash('sha256').update(`${clinicId}\u0000${bookingId}`).digest('hex').slice(0, 20)}`;

const byCompletion = (a: SessionRecord, b: SessionRecord) => Date.parse(a.completedAt) - Date.parse(b.completedAt);

/** The plan in force when the session took place: the newest one agreed before it. */
export function planFor(session: SessionRecord, plans: PlanRecord[]): PlanRecord | undefined {
  const completed = Date.parse(session.completedAt);
  return plans
    .filter((plan) => Date.parse(plan.stamp.occurredAt) <= completed)
    .sort((a, b) => Date.parse(b.stamp.occurredAt) - Date.parse(a.stamp.occurredAt))[0];
}

/** "Session N of M": sessions completed since the plan was agreed, up to and including this one. */
export function planProgress(
  session: SessionRecord,
  sessions: SessionRecord[],
  plans: PlanRecord[],
): PlanProgress | undefined {
  const plan = planFor(session, plans);
  if (!plan) return undefined;
  const since = Date.parse(plan.stamp.occurredAt);
  const upTo = Date.parse(session.completedAt);
  const sessionNumber = sessions.filter((other) => {
    const at = Date.parse(other.completedAt);
    return at >= since && at <= upTo;
  }).length;
  return { sessionNumber, plannedSessions: plan.plannedSessions };
}

/**
 * The plan this session completed, when it is the one that reached `plannedSessions`: every
 * session of the plan with its pain ratings, and the plan's goals.
 */
export function planSummary(
  session: SessionRecord,
  sessions: SessionRecord[],
  plans: PlanRecord[],
): PlanSummary | undefined {
  const plan = planFor(session, plans);
  const progress = planProgress(session, sessions, plans);
  if (!plan || !progress || progress.sessionNumber !== plan.plannedSessions) return undefined;
  const upTo = Date.parse(session.completedAt);
  const under = sessionsUnder(plan, sessions).filter((other) => Date.parse(other.completedAt) <= upTo);
  return {
    plannedSessions: plan.plannedSessions,
    sessionsCompleted: progress.sessionNumber,
    goals: plan.goals,
    sessions: under.map(({ completedAt, painBefore, painAfter }) => ({ completedAt, painBefore, painAfter })),
  };
}

export function painTrend(session: SessionRecord, sessions: SessionRecord[]): PainPoint[] {
  const upTo = Date.parse(session.completedAt);
  return sessions
    .filter((other) => Date.parse(other.completedAt) <= upTo)
    .filter((other) => other.painBefore !== undefined || other.painAfter !== undefined)
    .sort(byCompletion)
    .map(({ completedAt, painBefore, painAfter }) => ({ completedAt, painBefore, painAfter }));
}

function summaryOf(session: SessionRecord, patient: PatientRecord, booking: BookingRecord | undefined): SessionSummary {
  return {
    bookingId: session.bookingId,
    completedAt: session.completedAt,
    timezone: booking?.timezone ?? patient.timezone ?? 'UTC',
    therapistName: session.therapist.name,
    techniques: session.techniques,
    focusAreas: session.focusAreas,
    painBefore: session.painBefore,
    painAfter: session.painAfter,
    exerciseIds: session.exerciseIds,
    note: session.note,
    nextVisitInDays: session.nextVisitInDays,
  };
}

/** How long a follow-up's or check-in's answer link works after the session (contract 1.1). */
export const CHECK_IN_ANSWER_DAYS = 14;

/** The page where the patient says how they are after the session: good for 14 days after it. */
const checkInAnswerUrl = (links: UnsubscribeLinks, session: SessionRecord) =>
  links.answerUrlFor({
    purpose: 'check-in',
    clinicId: session.clinicId,
    patientId: session.patientId,
    bookingId: session.bookingId,
    expiresAt: new Date(Date.parse(session.completedAt) + CHECK_IN_ANSWER_DAYS * 86_400_000),
  });

export type FollowUpOutcome =
  SendOnceResult | 'awaiting-contact' | 'no-consent' | 'session-missing' | 'booking-missed' | 'patient-erased';

/** A missed booking is over: nothing about a session for it is sent, whatever the clinic app reported. */
const bookingOf = async (deps: Needs, session: SessionRecord) =>
  (await deps.store.getBooking(session.clinicId, session.bookingId))?.record;

async function readSession(deps: Needs, clinicId: string, patientId: string, bookingId: string) {
  const file = await deps.store.getPatientFile(clinicId, patientId);
  return { file, session: file.sessions.find((entry) => entry.record.bookingId === bookingId) };
}

/**
 * Sends the session's self-care follow-up and schedules its check-in; when the patient's
 * address is not known yet, marks the session as waiting so the follow-up goes out when it
 * is. Works from a fresh read each time, and clears the waiting mark only once the work is
 * done, so a failure half-way leaves the session waiting for the next attempt.
 */
export async function followUp(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks' | 'scheduler'>,
  clinicId: string,
  patientId: string,
  bookingId: string,
  /**
   * The patient's file as the caller's own write just left it: the first attempt starts from it
   * instead of reading it back, and the send checks the profile in it is still the one there.
   */
  written?: PatientFile,
): Promise<FollowUpOutcome> {
  let known = written;
  return withOptimisticRetry(async () => {
    const fromWrite = known;
    known = undefined;
    const { file, session } = fromWrite
      ? { file: fromWrite, session: fromWrite.sessions.find((entry) => entry.record.bookingId === bookingId) }
      : await readSession(deps, clinicId, patientId, bookingId);
    if (!session) return 'session-missing';
    const patient = file.patient?.record;
    const { record } = session;
    if (!patient?.email) {
      if (!record.awaitingContact) {
        await deps.store.save([
          { type: 'session', record: { ...record, awaitingContact: true }, version: session.version },
        ]);
      }
      // An address written while we marked the session would find nothing waiting: look again.
      const now = await deps.store.getPatient(clinicId, patientId);
      if (!now?.record.email) return 'awaiting-contact';
      return followUp(deps, clinicId, patientId, bookingId);
    }
    const booking = await bookingOf(deps, record);
    const summary = summaryOf(record, patient, booking);
    let outcome: FollowUpOutcome = 'no-consent';
    if (booking?.status === 'missed') {
      outcome = 'booking-missed';
    } else {
      await scheduleCheckIn(deps, record, summary.timezone);
    }
    if (outcome !== 'booking-missed' && patient.consent.followUps) {
      const sessions = file.sessions.map((entry) => entry.record);
      const plans = file.plans.map((entry) => entry.record);
      const sent = await sendOnceWithChecks(deps, {
        ...(fromWrite && { patientVersion: file.patient!.version }),
        unsubscribeUrl: await deps.unsubscribeLinks.urlFor(clinicId, patientId),
        answerUrl: await checkInAnswerUrl(deps.unsubscribeLinks, record),
        clinicId: record.clinicId,
        patientId: record.patientId,
        bookingId: record.bookingId,
        to: patient.email,
        key: 'follow-up',
        email: sessionEmail(
          {
            kind: 'follow-up',
            recipient: recipientOf(patient),
            session: summary,
            painTrend: painTrend(record, sessions),
            planProgress: planProgress(record, sessions, plans),
            planSummary: planSummary(record, sessions, plans),
          },
          await deps.library.load(),
        ),
      });
      // The profile changed since the file was written (an address, a consent, an erasure): again, from a read.
      if (sent.result === 'patient-changed')
        throw new ConcurrentUpdateError('the patient changed while the follow-up was written');
      outcome = sent.result;
    }
    if (record.awaitingContact) {
      await deps.store.save([
        { type: 'session', record: { ...record, awaitingContact: false }, version: session.version },
      ]);
    }
    return outcome;
  });
}

async function scheduleCheckIn(deps: Needs<'scheduler'>, session: SessionRecord, timezone: string) {
  const { checkInDelayMinutes, quietHours } = deps.settings;
  const due = new Date(Date.parse(session.completedAt) + checkInDelayMinutes * 60_000);
  const at = outsideQuietHours(due, timezone, quietHours, 'later');
  if (at.getTime() <= deps.clock.now().getTime()) return;
  const job: ScheduledJob = {
    name: checkInJobName(session.clinicId, session.bookingId),
    at,
    target: 'check-in',
    payload: {
      clinicId: session.clinicId,
      patientId: session.patientId,
      bookingId: session.bookingId,
    } satisfies CheckInPayload,
  };
  await deps.scheduler.ensure(job);
}

export interface SessionOutcome {
  applied: boolean;
  followUp: FollowUpOutcome;
  unknownExerciseIds: string[];
}

export async function onSessionCompleted(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks' | 'scheduler'>,
  event: SessionCompleted,
): Promise<SessionOutcome> {
  const requested = event.selfCare?.exercises ?? [];
  const library = await deps.library.load();
  const known = requested.filter((id) => library.findExercise(id) !== undefined);
  // Reported so a clinic can fix its library; only id-shaped values, since producers may send any text.
  const unknownExerciseIds = requested.filter((id) => !known.includes(id) && /^[a-z0-9][a-z0-9-]{0,63}$/.test(id));
  let erased = false;
  let settled: PatientFile | undefined;
  const applied = await withOptimisticRetry(async () => {
    const file = await deps.store.getPatientFile(event.clinicId, event.patientId);
    erased = erasedSince(file.patient?.record, event.occurredAt);
    if (erased) return false;
    const current = file.sessions.find((entry) => entry.record.bookingId === event.bookingId);
    const next = applySessionCompleted(current?.record, event, [...new Set(known)]);
    if (next) await deps.store.save([{ type: 'session', record: next, version: current?.version }]);
    // The file as this write left it: the follow-up and the plan check start from it, not from a read.
    settled = next
      ? {
          ...file,
          sessions: [
            ...file.sessions.filter((entry) => entry !== current),
            { record: next, version: (current?.version ?? 0) + 1 },
          ],
        }
      : file;
    return next !== undefined;
  });
  if (erased) {
    const { clinicId, patientId, eventId } = event;
    return {
      applied,
      followUp: 'patient-erased',
      unknownExerciseIds,
      ...ignoredAfterErasure(deps, 'SessionCompleted', { clinicId, patientId, eventId }),
    };
  }
  const outcome = await followUp(deps, event.clinicId, event.patientId, event.bookingId, settled);
  // The session moves the plan's check (or, completing the plan, ends it). From the file the write
  // left, as TreatmentPlanCreated does: a check is judged again from a fresh read when it fires.
  await syncPlanCheck(deps, event.clinicId, event.patientId, settled);
  return { applied, followUp: outcome, unknownExerciseIds };
}

export type CheckInOutcome = SendOnceResult | 'session-missing' | 'booking-missed' | 'no-consent' | 'no-address';

export async function onCheckInDue(
  deps: Needs<'mailer' | 'library' | 'unsubscribeLinks'>,
  payload: CheckInPayload,
): Promise<CheckInOutcome> {
  const file = await deps.store.getPatientFile(payload.clinicId, payload.patientId);
  const session = file.sessions.find((entry) => entry.record.bookingId === payload.bookingId)?.record;
  const patient = file.patient?.record;
  if (!session) return 'session-missing';
  if (!patient?.consent.followUps) return 'no-consent';
  if (!patient.email) return 'no-address';
  const booking = await bookingOf(deps, session);
  if (booking?.status === 'missed') return 'booking-missed';
  const sessions = file.sessions.map((entry) => entry.record);
  const plans = file.plans.map((entry) => entry.record);
  const progress = planProgress(session, sessions, plans);
  const plan = planFor(session, plans);
  const sessionsSincePlan = plan
    ? sessions.filter((other) => Date.parse(other.completedAt) >= Date.parse(plan.stamp.occurredAt)).length
    : 0;
  const sessionsLeft = plan !== undefined && sessionsSincePlan < plan.plannedSessions;
  const promptToBook =
    sessionsLeft &&
    (await deps.store.nextActiveBookingAfter(payload.clinicId, payload.patientId, deps.clock.now())) === undefined;
  return sendOnce(deps, {
    clinicId: payload.clinicId,
    patientId: payload.patientId,
    bookingId: payload.bookingId,
    to: patient.email,
    key: 'check-in',
    unsubscribeUrl: await deps.unsubscribeLinks.urlFor(payload.clinicId, payload.patientId),
    answerUrl: await checkInAnswerUrl(deps.unsubscribeLinks, session),
    email: sessionEmail(
      {
        kind: 'check-in',
        recipient: recipientOf(patient),
        session: summaryOf(session, patient, booking),
        planProgress: progress,
        promptToBook,
      },
      await deps.library.load(),
    ),
  });
}
