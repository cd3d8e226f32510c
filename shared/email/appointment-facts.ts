import type { Formatter } from './format';
import type { Messages } from './messages';
import type { Appointment } from './types';

/** Where the appointment is, in one line: its place's name and address, whichever are given. */
export function locationOf(appointment: Appointment): string {
  return [appointment.location?.name, appointment.location?.address].filter((part) => part && part.trim()).join(', ');
}

/**
 * The appointment as the emails and the attendance page show it: date, time with its zone,
 * duration, treatment, therapist and, when given, the location; in the formatter's language and
 * the appointment's zone.
 */
export function appointmentFactRows(
  appointment: Appointment,
  m: Messages,
  fmt: Formatter,
): { label: string; value: string }[] {
  const start = new Date(appointment.startsAt);
  const end = new Date(start.getTime() + appointment.durationMinutes * 60_000);
  const location = locationOf(appointment);
  return [
    { label: m.labels.date, value: fmt.longDate(start) },
    { label: m.labels.time, value: m.timeRange(fmt.time(start), fmt.time(end), fmt.zoneName(start)) },
    { label: m.labels.duration, value: fmt.minutes(appointment.durationMinutes) },
    { label: m.labels.service, value: appointment.serviceName },
    { label: m.labels.therapist, value: appointment.therapistName },
    ...(location ? [{ label: m.labels.location, value: location }] : []),
  ];
}
