import { describe, expect, it } from 'vitest';
import { detailShapeProblem, MAX_DETAIL_BYTES, MAX_DETAIL_DEPTH } from '../../../events/detail-shape';
import { InvalidEventError, parseEvent } from '../../../events/validation';
import { parseHandledEvent } from '../../../events/handler-parsing';
import { recordableRejection } from '../../../shared/adapters/rejected-events';
import { exampleInput } from '../../support/examples';

/** An object nested `levels` deep: {"a":{"a":…1…}}, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe('the shape of a detail, checked before any schema', () => {
  it('accepts every contract example and a detail as deep as the bound allows', () => {
    for (const type of ['BookingCreated', 'SessionCompleted', 'TreatmentPlanCreated'] as const) {
      expect(detailShapeProblem(exampleInput(type))).toBeUndefined();
    }
    expect(detailShapeProblem(nested(MAX_DETAIL_DEPTH))).toBeUndefined();
  });

  it('refuses a detail nested deeper than the bound, however deep, without overflowing the stack', () => {
    expect(detailShapeProblem(nested(MAX_DETAIL_DEPTH + 1))).toBe(
      `detail: must not be nested deeper than ${MAX_DETAIL_DEPTH} levels`,
    );
    expect(detailShapeProblem({ ...exampleInput('BookingCreated'), extra: nested(100_000) })).toMatch(/nested deeper/);
    expect(detailShapeProblem([[[[nested(MAX_DETAIL_DEPTH - 3)]]]])).toMatch(/nested deeper/);
  });

  it('refuses a detail larger than EventBridge delivers', () => {
    expect(detailShapeProblem({ note: 'x'.repeat(MAX_DETAIL_BYTES) })).toBe(
      `detail: must be at most ${MAX_DETAIL_BYTES} bytes`,
    );
    expect(detailShapeProblem('x'.repeat(MAX_DETAIL_BYTES + 1))).toMatch(/at most/);
    expect(detailShapeProblem({ list: new Array(MAX_DETAIL_BYTES).fill(0) })).toMatch(/at most/);
  });

  it('makes both parse paths refuse a valid event that carries a deeply nested unknown field, naming the rule', async () => {
    const detail = { ...exampleInput('BookingCreated'), extra: nested(50_000) };
    expect(() => parseEvent('clinic.booking', 'BookingCreated', detail)).toThrow(InvalidEventError);
    expect(() => parseEvent('clinic.booking', 'BookingCreated', detail)).toThrow(/detail: must not be nested deeper/);
    await expect(parseHandledEvent('BookingCreated', 'clinic.booking', 'BookingCreated', detail)).rejects.toThrow(
      /detail: must not be nested deeper/,
    );
    const text = `{"eventId":"e-1","extra":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    await expect(parseHandledEvent('BookingCreated', 'clinic.booking', 'BookingCreated', text)).rejects.toThrow(
      /nested deeper/,
    );
  });
});

describe('a refused event as it is kept', () => {
  const refused = (detail: unknown) => ({
    source: 'clinic.booking',
    detailType: 'BookingCreated',
    detail,
    error: 'detail: must not be nested deeper than 32 levels',
    at: '2027-03-01T09:00:00.000Z',
  });

  it('keeps a detail as published when it serializes within bounds', () => {
    const event = refused(exampleInput('BookingCreated'));
    expect(recordableRejection(event)).toBe(event);
  });

  it('keeps a cut, marked copy of a detail too deep to serialize, small enough for one SQS message', () => {
    const kept = recordableRejection(refused({ eventId: 'evt-deep', extra: nested(100_000) }));
    const text = JSON.stringify(kept);
    expect(text.length).toBeLessThan(256 * 1024);
    expect(kept.detail).toMatchObject({ careloopClipped: expect.stringMatching(/too deep or too large/) });
    expect((kept.detail as { text: string }).text).toContain('"eventId":"evt-deep"');
    expect((kept.detail as { text: string }).text).toContain('(nested deeper: not kept)');
    expect(kept.error).toBe('detail: must not be nested deeper than 32 levels');
  });

  it('cuts a detail too large for a message to its first characters', () => {
    const kept = recordableRejection(refused({ note: 'x'.repeat(300_000) }));
    expect(JSON.stringify(kept).length).toBeLessThan(256 * 1024);
  });
});
