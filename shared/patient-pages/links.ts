import type { Attendance } from './model';

/**
 * The attendance links an email carries: the patient's answer page with the answer the patient
 * tapped in the email. The page only preselects it; a GET records nothing (mail scanners open
 * links), the page's POST does.
 */

/** The query parameter that carries the tapped answer. */
export const CHOICE_PARAMETER = 'choice';

const ATTENDANCE: readonly Attendance[] = ['confirmed', 'change-requested'];

/**
 * The answer page's URL with `choice` set, whatever query it already has kept (a second `choice`
 * replaced); undefined when `answerUrl` is not a URL.
 */
export function attendanceAnswerUrl(answerUrl: string, choice: Attendance): string | undefined {
  let url: URL;
  try {
    url = new URL(answerUrl);
  } catch {
    return undefined;
  }
  url.searchParams.set(CHOICE_PARAMETER, choice);
  return url.href;
}

/** The answer a link's `choice` names, for the page to preselect; undefined for anything else. */
export function attendanceChoiceOf(value: string | undefined): Attendance | undefined {
  return ATTENDANCE.find((choice) => choice === value);
}
