import type {
  Appointment,
  ClinicContact,
  EmailModel,
  PlanStatus,
  PlanSummary,
  RenderContext,
  SessionSummary,
} from '../../../shared/email/types';

/** What the email tests share: one appointment, its session, a plan, and the clinics that render them. */

export const appointment: Appointment = {
  bookingId: 'booking-1',
  clinicId: 'clinic-a',
  startsAt: '2027-03-03T14:30:00Z',
  durationMinutes: 60,
  timezone: 'Europe/Berlin',
  serviceName: 'Therapeutic massage (60 min)',
  therapistName: 'Anna Schmidt',
  location: { name: 'Praxis Mitte', address: 'Hauptstraße 1, Berlin' },
  sequence: 0,
};

export const session: SessionSummary = {
  bookingId: 'booking-1',
  completedAt: '2027-03-03T15:35:00Z',
  timezone: 'Europe/Berlin',
  therapistName: 'Anna Schmidt',
  techniques: ['deep-tissue', 'myofascial-release'],
  focusAreas: ['neck', 'shoulders'],
  painBefore: 7,
  painAfter: 4,
  exerciseIds: ['chin-tuck', 'doorway-chest-stretch'],
  note: 'Take it easy with the shoulder this week.\nWarm shower in the evening.',
  nextVisitInDays: 7,
};

/** The day before the appointment: confirmations, reminders and the like. */
export const context: RenderContext = { now: new Date('2027-03-02T14:30:00Z'), organizerEmail: 'care@clinic.example' };
/** Half an hour after the session (and the missed appointment): follow-ups and "we missed you". */
export const afterSession: RenderContext = { ...context, now: new Date('2027-03-03T16:00:00Z') };

/** A plan of four sessions a week apart, the last of them `session`; the second's pain after was not given. */
export const planSummary: PlanSummary = {
  plannedSessions: 4,
  sessionsCompleted: 4,
  goals: ['pain-relief', 'mobility'],
  sessions: [
    { completedAt: '2027-02-10T15:30:00Z', painBefore: 8, painAfter: 6 },
    { completedAt: '2027-02-17T15:30:00Z', painBefore: 7 },
    { completedAt: '2027-02-24T15:30:00Z', painBefore: 7, painAfter: 5 },
    { completedAt: session.completedAt, painBefore: 7, painAfter: 4 },
  ],
};

export const planStatus: PlanStatus = {
  sessionsCompleted: 2,
  plannedSessions: 6,
  daysSinceLastSession: 21,
  lastSessionAt: session.completedAt,
  timezone: 'Europe/Berlin',
};

/** Three weeks after the last session: when a stalled plan is nudged. */
export const nudgeContext: RenderContext = { ...context, now: new Date('2027-03-24T10:00:00Z') };

export const clinic: ClinicContact = {
  name: 'Praxis Mitte',
  phone: '+49 30 1234567',
  bookingUrl: 'https://praxis-mitte.example/book?patient=p-1',
  cancellationPolicy: 'Please cancel at least 24 hours ahead.',
};

/** Names and policies that try to inject HTML, script and calendar properties. */
export const HOSTILE_CLINIC_NAME = '<script>alert("clinic")</script>"><img src=x onerror=alert(1)> & Co;:,';
export const HOSTILE_POLICY =
  'Cancel a day ahead.\n<script>alert("policy")</script> & <a href="javascript:alert(2)">pay</a>';
export const HOSTILE_GOAL = '<img src=x onerror=alert("goal")>';

export type ModelOf<K extends EmailModel['kind']> = Extract<EmailModel, { kind: K }>;

/**
 * One model of every kind for a patient in `locale` (the first six in the order of the version 1
 * contract, whose tests index them), and a follow-up that completes its plan.
 */
export function models(locale = 'en', firstName = 'Max'): EmailModel[] {
  const recipient = { firstName, locale };
  return [
    { kind: 'confirmation', recipient, appointment },
    {
      kind: 'reschedule',
      recipient,
      appointment: { ...appointment, sequence: 1 },
      previousStartsAt: '2027-03-01T09:00:00Z',
    },
    { kind: 'cancellation', recipient, appointment: { ...appointment, sequence: 2 }, cancelledBy: 'patient' },
    { kind: 'reminder', recipient, appointment },
    {
      kind: 'follow-up',
      recipient,
      session,
      painTrend: [
        { completedAt: '2027-02-24T15:30:00Z', painBefore: 8, painAfter: 5 },
        { completedAt: session.completedAt, painBefore: 7, painAfter: 4 },
      ],
      planProgress: { sessionNumber: 2, plannedSessions: 6 },
    },
    {
      kind: 'check-in',
      recipient,
      session,
      planProgress: { sessionNumber: 2, plannedSessions: 6 },
      promptToBook: true,
    },
    { kind: 'missed', recipient, appointment },
    { kind: 'follow-up', recipient, session, painTrend: [], planSummary },
    { kind: 'plan-nudge', recipient, plan: planStatus },
  ];
}

/** The moment each kind is sent in these tests, as its context. */
export function contextOf(model: EmailModel, base: RenderContext = context): RenderContext {
  switch (model.kind) {
    case 'missed':
    case 'follow-up':
      return { ...base, now: afterSession.now };
    case 'check-in':
      return { ...base, now: new Date('2027-03-06T16:00:00Z') };
    case 'plan-nudge':
      return { ...base, now: nudgeContext.now };
    default:
      return base;
  }
}
