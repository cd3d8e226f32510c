import { describe, expect, it, vi } from 'vitest';
import { onMailFeedback, type MailFeedback } from '../../../shared/domain/feedback';
import type { Dependencies, Store, SuppressionReason } from '../../../shared/domain/ports';

const NOW = new Date('2027-03-01T12:00:00Z');

/** Only the suppression part of the Store: the decision touches nothing else. */
function fakeDependencies() {
  const suppressed = new Map<string, { reason: SuppressionReason; at: Date }>();
  const normalise = (address: string) => address.trim().toLowerCase();
  const store: Partial<Store> = {
    async isAddressSuppressed(address) {
      return suppressed.has(normalise(address));
    },
    async suppressAddress(address, reason, at) {
      suppressed.set(normalise(address), { reason, at });
    },
  };
  const log = vi.fn<Dependencies['log']>();
  const deps = { store, clock: { now: () => NOW }, log } as unknown as Dependencies;
  return { deps, suppressed, log, suppressSpy: vi.spyOn(store, 'suppressAddress') };
}

const bounce = (bounceType: string, recipients = ['pat@example.com']): MailFeedback => ({
  kind: 'bounce',
  bounceType,
  recipients,
  at: '2027-03-01T09:13:02.669Z',
});

describe('onMailFeedback', () => {
  it('suppresses every recipient of a permanent bounce, as a bounce, at the time of the bounce', async () => {
    const { deps, suppressed } = fakeDependencies();
    const outcome = await onMailFeedback(deps, bounce('Permanent', ['pat@example.com', 'sam@example.org']));
    expect(outcome).toEqual({ suppressed: 2, ignored: 'none' });
    expect(suppressed.get('pat@example.com')).toEqual({ reason: 'bounce', at: new Date('2027-03-01T09:13:02.669Z') });
    expect(suppressed.get('sam@example.org')?.reason).toBe('bounce');
  });

  it.each([
    ['Transient', 'transient-bounce'],
    ['Undetermined', 'undetermined-bounce'],
    ['Sideways', 'unrecognised-bounce-type'],
  ])('suppresses nothing for a %s bounce', async (bounceType, ignored) => {
    const { deps, suppressed, suppressSpy } = fakeDependencies();
    expect(await onMailFeedback(deps, bounce(bounceType))).toEqual({ suppressed: 0, ignored });
    expect(suppressed.size).toBe(0);
    expect(suppressSpy).not.toHaveBeenCalled();
  });

  it('suppresses nothing for a delivery', async () => {
    const { deps, suppressSpy } = fakeDependencies();
    const outcome = await onMailFeedback(deps, {
      kind: 'delivery',
      recipients: ['pat@example.com'],
      at: '2027-03-01T09:13:01.558Z',
    });
    expect(outcome).toEqual({ suppressed: 0, ignored: 'delivered' });
    expect(suppressSpy).not.toHaveBeenCalled();
  });

  it('suppresses nothing for a bounce without a bounce type', async () => {
    const { deps, suppressed } = fakeDependencies();
    const outcome = await onMailFeedback(deps, {
      kind: 'bounce',
      recipients: ['pat@example.com'],
      at: NOW.toISOString(),
    });
    expect(outcome).toEqual({ suppressed: 0, ignored: 'unrecognised-bounce-type' });
    expect(suppressed.size).toBe(0);
  });

  it('suppresses every complained recipient, as a complaint, whatever else the feedback says', async () => {
    const { deps, suppressed } = fakeDependencies();
    const outcome = await onMailFeedback(deps, {
      kind: 'complaint',
      bounceType: 'Transient',
      recipients: ['pat@example.com'],
      at: '2027-03-01T10:19:58.000Z',
    });
    expect(outcome).toEqual({ suppressed: 1, ignored: 'none' });
    expect(suppressed.get('pat@example.com')).toEqual({
      reason: 'complaint',
      at: new Date('2027-03-01T10:19:58.000Z'),
    });
  });

  it('suppresses an address once however often the feedback repeats it, in any case or spacing', async () => {
    const { deps, suppressSpy } = fakeDependencies();
    const outcome = await onMailFeedback(deps, bounce('Permanent', ['Pat@Example.com', ' pat@example.com ', '']));
    expect(outcome).toEqual({ suppressed: 1, ignored: 'none' });
    expect(suppressSpy).toHaveBeenCalledTimes(1);
  });

  it('is idempotent: the same feedback delivered again leaves the same state', async () => {
    const { deps, suppressed } = fakeDependencies();
    await onMailFeedback(deps, bounce('Permanent'));
    const first = new Map(suppressed);
    expect(await onMailFeedback(deps, bounce('Permanent'))).toEqual({ suppressed: 1, ignored: 'none' });
    expect(suppressed).toEqual(first);
    expect(await deps.store.isAddressSuppressed('pat@example.com')).toBe(true);
  });

  it('reports feedback without recipients as ignored', async () => {
    const { deps } = fakeDependencies();
    expect(await onMailFeedback(deps, bounce('Permanent', []))).toEqual({ suppressed: 0, ignored: 'no-recipients' });
  });

  it('stamps the suppression with the clock when the feedback has no usable time', async () => {
    const { deps, suppressed } = fakeDependencies();
    await onMailFeedback(deps, { ...bounce('Permanent'), at: 'not a time' });
    expect(suppressed.get('pat@example.com')?.at).toEqual(NOW);
  });

  it('logs kinds and counts, never an address', async () => {
    const { deps, log } = fakeDependencies();
    await onMailFeedback(deps, bounce('Permanent', ['pat@example.com', 'sam@example.org']));
    await onMailFeedback(deps, bounce('Transient'));
    await onMailFeedback(deps, { kind: 'complaint', recipients: ['pat@example.com'], at: NOW.toISOString() });
    expect(log.mock.calls).toEqual([
      ['addresses suppressed', { kind: 'bounce', bounceType: 'Permanent', recipients: 2, suppressed: 2 }],
      [
        'mail feedback ignored',
        { kind: 'bounce', bounceType: 'Transient', recipients: 1, ignored: 'transient-bounce' },
      ],
      ['addresses suppressed', { kind: 'complaint', recipients: 1, suppressed: 1 }],
    ]);
    expect(JSON.stringify(log.mock.calls)).not.toContain('@');
  });

  it('logs an unrecognised bounce type as such, not as the text it came with', async () => {
    const { deps, log } = fakeDependencies();
    await onMailFeedback(deps, bounce('pat@example.com'));
    expect(JSON.stringify(log.mock.calls)).not.toContain('@');
  });
});
