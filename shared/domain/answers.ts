import { createHash } from 'node:crypto';
import type { AttentionReason } from '../patient-pages/model';
import type { AnswerSubject } from '../unsubscribe/token';
import type { AttendanceAnswer, CheckInAnswerRecord, ResponseRecord } from './model';
import { withOptimisticRetry } from './optimistic';
import { ownEvent, ownEventId } from './own-events';
import type { Needs, OutboxEntry } from './ports';

/**
 * The patient's answers (contract 1.1, "The patient's answers"): "I'll be there" or "I need to
 * change it" to a confirmation or reminder; how they feel, their pain now, each exercise and the
 * warning signs to a follow-up or check-in. The latest answer counts: each change is recorded
 * with a new response id and published as PatientResponded, in the same transaction (the
 * outbox). An answer the same as the one recorded changes nothing, so a repeated or concurrent
 * POST of it is recorded and published once.
 */

export type Answer =
  { kind: 'attendance'; answer: AttendanceAnswer } | { kind: 'check-in'; answer: CheckInAnswerRecord };

/** How many points above the session's pain after it "pain now" must be to call for attention. */
export const PAIN_INCREASE_POINTS = 2;

/**
 * Why a check-in answer calls for the clinic: the patient feels worse than after the session,
 * their pain is at least two points above the session's `painAfter`, an exercise is too painful,
 * or a warning sign applies. In the contract's order.
 */
export function attentionReasons(answer: CheckInAnswerRecord, painAfter: number | undefined): AttentionReason[] {
  const reasons: AttentionReason[] = [];
  if (answer.feeling === 'worse') reasons.push('feeling-worse');
  if (answer.painNow !== undefined && painAfter !== undefined && answer.painNow >= painAfter + PAIN_INCREASE_POINTS)
    reasons.push('pain-increase');
  if (Object.values(answer.exercises).includes('too-painful')) reasons.push('exercise-too-painful');
  if (answer.warningSigns) reasons.push('warning-signs');
  return reasons;
}

/** One text per answer, whatever order its exercises came in: what "the same answer" compares. */
function canonical(answer: Answer): string {
  if (answer.kind === 'attendance') return JSON.stringify(answer);
  const { feeling, painNow, exercises, warningSigns } = answer.answer;
  const sorted = Object.keys(exercises)
    .sort()
    .map((id) => [id, exercises[id]]);
  return JSON.stringify({ kind: answer.kind, feeling, painNow, exercises: sorted, warningSigns });
}

const sameAnswer = (record: ResponseRecord, answer: Answer) =>
  canonical({ kind: record.kind, answer: record.answer } as Answer) === canonical(answer);

export interface RecordedAnswer {
  response: ResponseRecord;
  /** False when the answer was the one already recorded. */
  changed: boolean;
}

/**
 * Records the answer as the patient's latest for this booking's page. `painAfter` is the session's
 * (for a check-in's escalation rule). A new reason to call for attention (one the previous answer
 * did not have) also publishes AttentionNeeded, which alerts the clinic's staff.
 */
export async function recordAnswer(
  deps: Needs,
  subject: AnswerSubject,
  answer: Answer,
  painAfter?: number,
): Promise<RecordedAnswer> {
  const { clinicId, patientId, bookingId } = subject;
  return withOptimisticRetry(async () => {
    const current = await deps.store.getResponse(clinicId, patientId, bookingId, answer.kind);
    if (current && sameAnswer(current.record, answer)) return { response: current.record, changed: false };
    const number = (current?.version ?? 0) + 1;
    const answeredAt = deps.clock.now().toISOString();
    const reasons = answer.kind === 'check-in' ? attentionReasons(answer.answer, painAfter) : [];
    const responseId = `response-${createHash('sha256')
      .update([clinicId, patientId, bookingId, answer.kind, String(number), canonical(answer)].join('\u0000'))
      .digest('hex')
      .slice(0, 32)}`;
    const response = {
      clinicId,
      patientId,
      bookingId,
      responseId,
      answeredAt,
      reasons,
      ...answer,
    } as ResponseRecord;
    const previousReasons = new Set(current?.record.reasons ?? []);
    const outbox: OutboxEntry[] = [{ event: patientResponded(response) }];
    if (reasons.some((reason) => !previousReasons.has(reason))) {
      outbox.push({
        event: ownEvent('AttentionNeeded', {
          eventId: ownEventId('AttentionNeeded', responseId),
          occurredAt: answeredAt,
          clinicId,
          patientId,
          bookingId,
          reasons: reasons as AttentionReason[],
        }),
        staffAlert: { patientId, bookingId, reasons },
      });
    }
    await deps.store.save([
      { type: 'response', record: response, version: current?.version },
      ...outbox.map((entry) => ({ type: 'outbox' as const, entry })),
    ]);
    deps.log('answer recorded', { kind: answer.kind, bookingId, responseId, attention: reasons.length > 0 });
    return { response, changed: true };
  });
}

/** The answer as the bus hears it: ids and codes, and for a check-in the patient's own ratings. */
function patientResponded(response: ResponseRecord) {
  const common = {
    eventId: ownEventId('PatientResponded', response.responseId),
    occurredAt: response.answeredAt,
    clinicId: response.clinicId,
    patientId: response.patientId,
    bookingId: response.bookingId,
    responseId: response.responseId,
  };
  if (response.kind === 'attendance') {
    return ownEvent('PatientResponded', {
      ...common,
      kind: response.answer === 'confirmed' ? 'attendance-confirmed' : 'change-requested',
    });
  }
  const { feeling, painNow, exercises, warningSigns } = response.answer;
  return ownEvent('PatientResponded', {
    ...common,
    kind: 'check-in',
    ...(feeling !== undefined && { feeling }),
    ...(painNow !== undefined && { painNow }),
    exercises: Object.keys(exercises)
      .sort()
      .map((exerciseId) => ({ exerciseId, status: exercises[exerciseId]! })),
    warningSigns,
  });
}
