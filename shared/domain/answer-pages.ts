import { attendanceChoiceOf } from '../patient-pages/links';
import type { CheckInAnswer, PageClinic, PageLanguage, PatientPage } from '../patient-pages/model';
import { localizeExercise, localizeRedFlags } from '../self-care/library';
import type { AnswerSubject } from '../unsubscribe/token';
import { recordAnswer } from './answers';
import { appointmentOf } from './bookings';
import { clinicContactOf } from './clinic-profile';
import type { AttendanceAnswer, CheckInAnswerRecord } from './model';
import type { Needs } from './ports';

/**
 * What an answer page shows, for a link already verified (contract 1.1, "The patient's answers").
 * A GET reads and changes nothing (mail scanners open links); a POST from the page records the
 * answer. The page is in the patient's language; a link past its time shows that it is, and one
 * whose appointment or session is not on record any more is treated the same way.
 */

export interface PageResult {
  status: number;
  model: PatientPage;
  /** The patient's language when the records know it; else the request's decides. */
  language?: PageLanguage;
}

export interface PageRequest {
  method: 'GET' | 'POST';
  /** The form a POST sent (application/x-www-form-urlencoded), decoded. */
  form?: URLSearchParams;
  /** The choice an attendance link in an email preselects (`choice=confirmed`). */
  choice?: string;
}

const ATTENDANCE: readonly AttendanceAnswer[] = ['confirmed', 'change-requested'];
const FEELINGS = ['better', 'same', 'worse'] as const;
const EXERCISE_STATUSES = ['done', 'skipped', 'too-painful'] as const;

const languageOf = (locale: string | undefined): PageLanguage | undefined =>
  locale === undefined ? undefined : locale.toLowerCase().startsWith('de') ? 'de' : 'en';

/** A value the page's form never sends: the request was not made by it. */
class FormRefused extends Error {}

export async function answerPage(
  deps: Needs<'library'>,
  subject: AnswerSubject,
  request: PageRequest,
): Promise<PageResult> {
  const { clinicId, patientId, bookingId } = subject;
  const profile = (await deps.store.getClinicProfile(clinicId))?.record;
  const clinic = clinicContactOf(profile, { bookingId, patientId });
  const expired: PageResult = { status: 410, model: { page: 'expired', ...(clinic && { clinic }) } };
  if (deps.clock.now().getTime() >= subject.expiresAt.getTime()) return expired;
  try {
    return subject.purpose === 'attendance'
      ? await attendancePage(deps, subject, request, clinic, expired)
      : await checkInPage(deps, subject, request, clinic, expired);
  } catch (error) {
    if (error instanceof FormRefused) return { status: 400, model: { page: 'invalid' } };
    throw error;
  }
}

async function attendancePage(
  deps: Needs,
  subject: AnswerSubject,
  request: PageRequest,
  clinic: PageClinic | undefined,
  expired: PageResult,
): Promise<PageResult> {
  const { clinicId, patientId, bookingId } = subject;
  const booking = (await deps.store.getBooking(clinicId, bookingId))?.record;
  const appointment = booking && appointmentOf(booking);
  // Cancelled, missed, or someone else's: there is no appointment to answer for.
  if (!booking || !appointment || booking.patientId !== patientId || booking.status !== 'active') return expired;
  const patient = (await deps.store.getPatient(clinicId, patientId))?.record;
  const language = languageOf(patient?.locale);
  const page = (state: 'ask' | 'recorded', selected: AttendanceAnswer | undefined): PageResult => ({
    status: 200,
    model: { page: 'attendance', state, appointment, ...(selected && { selected }), ...(clinic && { clinic }) },
    ...(language && { language }),
  });
  const chosen = request.method === 'POST' ? request.form?.get('attendance') : undefined;
  if (chosen === undefined || chosen === null || chosen === '') {
    const recorded = (await deps.store.getResponse(clinicId, patientId, bookingId, 'attendance'))?.record;
    const preselected = attendanceChoiceOf(request.choice);
    return page('ask', recorded?.kind === 'attendance' ? recorded.answer : preselected);
  }
  const answer = ATTENDANCE.find((choice) => choice === chosen);
  if (!answer) throw new FormRefused();
  await recordAnswer(deps, subject, { kind: 'attendance', answer });
  return page('recorded', answer);
}

async function checkInPage(
  deps: Needs<'library'>,
  subject: AnswerSubject,
  request: PageRequest,
  clinic: PageClinic | undefined,
  expired: PageResult,
): Promise<PageResult> {
  const { clinicId, patientId, bookingId } = subject;
  const file = await deps.store.getPatientFile(clinicId, patientId);
  const session = file.sessions.find((entry) => entry.record.bookingId === bookingId)?.record;
  if (!session) return expired;
  const patient = file.patient?.record;
  const language = languageOf(patient?.locale) ?? 'en';
  const booking = (await deps.store.getBooking(clinicId, bookingId))?.record;
  const library = await deps.library.load();
  const exercises = session.exerciseIds.flatMap((id) => {
    const exercise = library.findExercise(id);
    return exercise ? [{ id, name: localizeExercise(exercise, language).title }] : [];
  });
  const flags = localizeRedFlags(library.redFlags, language);
  const base = {
    page: 'check-in' as const,
    session: {
      completedAt: session.completedAt,
      timezone: booking?.timezone ?? patient?.timezone ?? 'UTC',
      therapistName: session.therapist.name,
    },
    exercises,
    warningSigns: { callClinic: [...flags.callClinic], urgent: [...flags.urgent] },
    ...(clinic && { clinic }),
  };
  if (request.method === 'GET' || !request.form) {
    const recorded = (await deps.store.getResponse(clinicId, patientId, bookingId, 'check-in'))?.record;
    const previous = recorded?.kind === 'check-in' ? recorded.answer : undefined;
    return { status: 200, model: { ...base, state: 'ask', ...(previous && { previous }) }, language };
  }
  const answer = checkInAnswerOf(
    request.form,
    exercises.map((exercise) => exercise.id),
  );
  const { response } = await recordAnswer(deps, subject, { kind: 'check-in', answer }, session.painAfter);
  const reasons = response.reasons as NonNullable<Extract<PatientPage, { page: 'check-in' }>['escalation']>['reasons'];
  return {
    status: 200,
    model: {
      ...base,
      state: 'recorded',
      previous: answer,
      ...(reasons.length > 0 && { escalation: { reasons, emergencyFirst: reasons.includes('warning-signs') } }),
    },
    language,
  };
}

/**
 * The check-in form as the contract names its fields. Every field may be left out; a value the
 * page never offers (a feeling it does not list, a pain outside 0–10, an exercise status it does
 * not know) refuses the whole form. Exercises not prescribed in the session are ignored.
 */
export function checkInAnswerOf(
  form: URLSearchParams,
  prescribed: readonly string[],
): CheckInAnswer & CheckInAnswerRecord {
  const feeling = form.get('feeling') || undefined;
  if (feeling !== undefined && !FEELINGS.includes(feeling as never)) throw new FormRefused();
  const pain = form.get('painNow') || undefined;
  let painNow: number | undefined;
  if (pain !== undefined) {
    if (!/^(?:[0-9]|10)$/.test(pain)) throw new FormRefused();
    painNow = Number(pain);
  }
  const exercises: CheckInAnswerRecord['exercises'] = {};
  for (const id of prescribed) {
    const status = form.get(`exercise:${id}`) || undefined;
    if (status === undefined) continue;
    if (!EXERCISE_STATUSES.includes(status as never)) throw new FormRefused();
    exercises[id] = status as (typeof EXERCISE_STATUSES)[number];
  }
  const signs = form.get('warningSigns') || undefined;
  if (signs !== undefined && signs !== 'yes') throw new FormRefused();
  return {
    ...(feeling !== undefined && { feeling: feeling as CheckInAnswerRecord['feeling'] }),
    ...(painNow !== undefined && { painNow }),
    exercises,
    warningSigns: signs === 'yes',
  };
}
