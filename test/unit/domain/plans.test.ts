import { describe, expect, it } from 'vitest';
import type { PlanRecord, SessionRecord } from '../../../shared/domain/model';
import { desiredPlanCheck, planCheckPrefix, standingOf } from '../../../shared/domain/plans';
import type { PatientFile } from '../../../shared/domain/ports';

const DAY = 86_400_000;
const NOW = new Date('2027-04-01T12:00:00Z');
const settings = { senderAddress: 'a@clinic.example', reminderOffsetsMinutes: [1440], checkInDelayMinutes: 4320 };

const plan = (overrides: Partial<PlanRecord> = {}): PlanRecord => ({
  clinicId: 'riverside',
  patientId: 'pt-1',
  planId: 'plan-1',
  stamp: { occurredAt: '2027-03-01T09:00:00Z', eventId: 'evt-plan' },
  goals: ['mobility'],
  plannedSessions: 4,
  sessionsPerWeek: 1,
  startsOn: '2027-03-01',
  ...overrides,
});

const session = (completedAt: string, bookingId = `bk-${completedAt}`): SessionRecord => ({
  clinicId: 'riverside',
  patientId: 'pt-1',
  bookingId,
  stamp: { occurredAt: completedAt, eventId: `evt-${completedAt}` },
  completedAt,
  therapist: { therapistId: 'th-1', name: 'Dana' },
  techniques: ['deep-tissue'],
  focusAreas: [],
  exerciseIds: [],
  awaitingContact: false,
});

const file = (plans: PlanRecord[], sessions: SessionRecord[] = []): PatientFile => ({
  plans: plans.map((record) => ({ record, version: 1 })),
  sessions: sessions.map((record) => ({ record, version: 1 })),
});

describe('where a plan stands', () => {
  it('stalls 1.5 planned intervals after its last session', () => {
    const standing = standingOf(plan({ sessionsPerWeek: 2 }), [session('2027-03-10T10:00:00Z')]);
    expect(standing.sessionsCompleted).toBe(1);
    expect(new Date(standing.stalledFrom).toISOString()).toBe('2027-03-15T16:00:00.000Z');
  });

  it('counts from its start before the first session, and uses 14 days without sessionsPerWeek', () => {
    const standing = standingOf(plan({ sessionsPerWeek: undefined }), []);
    expect(standing.lastSessionAt).toBeUndefined();
    expect(new Date(standing.stalledFrom).toISOString()).toBe('2027-03-22T00:00:00.000Z');
  });

  it('counts only sessions since the plan was agreed', () => {
    const standing = standingOf(plan(), [session('2027-02-20T10:00:00Z'), session('2027-03-05T10:00:00Z')]);
    expect(standing.sessionsCompleted).toBe(1);
  });
});

describe('the check a plan should have', () => {
  it('is none without a plan, or when the plan has no sessions left', () => {
    expect(desiredPlanCheck(file([]), undefined, NOW, settings)).toBeUndefined();
    const done = ['03-02', '03-09', '03-16', '03-23'].map((day) => session(`2027-${day}T10:00:00Z`));
    expect(desiredPlanCheck(file([plan()], done), undefined, NOW, settings)).toBeUndefined();
  });

  it('is at the stall point, named for the patient and that moment', () => {
    const check = desiredPlanCheck(file([plan()], [session('2027-03-30T10:00:00Z')]), undefined, NOW, settings)!;
    expect(check.at.toISOString()).toBe('2027-04-09T22:00:00.000Z');
    expect(check.name).toBe(`${planCheckPrefix('riverside', 'pt-1')}${check.at.getTime() / 1000}`);
    expect(check.payload).toEqual({
      clinicId: 'riverside',
      patientId: 'pt-1',
      planId: 'plan-1',
      dueAt: '2027-04-09T22:00:00.000Z',
    });
  });

  it('moves past the next booking, and 30 days past the last time the plan was at risk', () => {
    const base = file([plan({ lastAtRiskAt: '2027-03-25T09:00:00Z' })], [session('2027-03-30T10:00:00Z')]);
    const booked = desiredPlanCheck(base, { bookingId: 'bk-9', startsAt: '2027-04-20T10:00:00.000Z' }, NOW, settings);
    expect(booked!.at.toISOString()).toBe('2027-04-30T22:00:00.000Z');
    const stale = file([plan({ lastAtRiskAt: '2027-03-31T09:00:00Z' })], [session('2027-03-01T10:00:00Z')]);
    expect(desiredPlanCheck(stale, undefined, NOW, settings)!.at.toISOString()).toBe('2027-04-30T09:00:00.000Z');
  });

  it('is soon when the plan has already stalled, at one moment for every repeat within minutes', () => {
    const stalled = file([plan()], [session('2027-03-01T10:00:00Z')]);
    const first = desiredPlanCheck(stalled, undefined, NOW, settings)!;
    const repeat = desiredPlanCheck(stalled, undefined, new Date(NOW.getTime() + 2 * 60_000), settings)!;
    expect(first.at.getTime()).toBeGreaterThan(NOW.getTime());
    expect(first.at.getTime() - NOW.getTime()).toBeLessThanOrEqual(6 * 60_000);
    expect(repeat.name).toBe(first.name);
  });

  it("is never at night in the patient's zone", () => {
    const atNight = file([plan()], [session('2027-03-30T10:00:00Z')]);
    atNight.patient = {
      record: {
        clinicId: 'riverside',
        patientId: 'pt-1',
        timezone: 'Europe/Berlin',
        consent: { reminders: true, followUps: true },
        consentChange: {},
      },
      version: 1,
    };
    const check = desiredPlanCheck(atNight, undefined, NOW, {
      ...settings,
      quietHours: { startMinutes: 1260, endMinutes: 480 },
    });
    // 22:00 UTC is midnight in Berlin (summer time): moved to 08:00 there.
    expect(check!.at.toISOString()).toBe('2027-04-10T06:00:00.000Z');
    expect(check!.at.getTime() - Date.parse('2027-04-09T22:00:00Z')).toBeLessThan(DAY);
  });
});
