import { describe, expect, it } from 'vitest';
import { dueJobMessage, parseDueJob } from '../../../shared/due-jobs';

const reminder = {
  clinicId: 'riverside',
  bookingId: 'bk-1',
  startsAt: '2027-03-10T13:30:00.000Z',
  offsetMinutes: 1440,
};
const checkIn = { clinicId: 'riverside', patientId: 'pt-1', bookingId: 'bk-1' };
const planCheck = { clinicId: 'riverside', patientId: 'pt-1', planId: 'plan-1', dueAt: '2027-03-12T07:00:00.000Z' };

describe('due-job messages', () => {
  it('reads back what a reminder and a check-in schedule send, and nothing more', () => {
    expect(parseDueJob(JSON.parse(dueJobMessage('reminder', { ...reminder, extra: 'x' })))).toEqual({
      job: { kind: 'reminder', ...reminder },
    });
    expect(parseDueJob(JSON.parse(dueJobMessage('check-in', checkIn)))).toEqual({
      job: { kind: 'check-in', ...checkIn },
    });
    expect(parseDueJob(JSON.parse(dueJobMessage('plan-check', planCheck)))).toEqual({
      job: { kind: 'plan-check', ...planCheck },
    });
    expect(parseDueJob({ kind: 'reminder', ...reminder, startsAt: '2027-03-10T15:30:00+02:00' })).toMatchObject({
      job: { startsAt: '2027-03-10T15:30:00+02:00' },
    });
  });

  it('names every field that is missing or wrong', () => {
    expect(parseDueJob({ kind: 'reminder', clinicId: 'riverside' })).toEqual({
      problems: ['bookingId: is required', 'startsAt: is required', 'offsetMinutes: is required'],
    });
    expect(
      parseDueJob({ kind: 'reminder', ...reminder, bookingId: '', startsAt: '2027-03-10 13:30', offsetMinutes: 1.5 }),
    ).toEqual({
      problems: [
        'bookingId: must be a non-empty string',
        'startsAt: must be an ISO 8601 date-time with an offset',
        'offsetMinutes: must be a whole number above 0',
      ],
    });
    expect(parseDueJob({ kind: 'reminder', ...reminder, startsAt: '2027-02-30T13:30:00Z' })).toHaveProperty('problems');
    expect(parseDueJob({ kind: 'check-in', clinicId: 'riverside', bookingId: 7 })).toEqual({
      problems: ['patientId: is required', 'bookingId: must be a non-empty string'],
    });
    expect(parseDueJob({ kind: 'plan-check', clinicId: 'riverside', patientId: 'pt-1', dueAt: 'soon' })).toEqual({
      problems: ['planId: is required', 'dueAt: must be an ISO 8601 date-time with an offset'],
    });
  });

  it('refuses a message of no known kind, or no object at all', () => {
    expect(parseDueJob({ ...checkIn, kind: 'follow-up' })).toEqual({
      problems: ['kind: must be reminder, check-in or plan-check'],
    });
    for (const body of [null, 'text', [checkIn], 42])
      expect(parseDueJob(body)).toEqual({ problems: ['body: must be an object'] });
  });
});
