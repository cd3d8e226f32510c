import { describe, expect, it, vi } from 'vitest';
import { parsePublishedEvent } from '../../../events/published';
import type { EmailIds } from '../../../shared/domain/email-tags';
import { onMailFeedback, type MailFeedback } from '../../../shared/domain/feedback';
import {
  ConcurrentUpdateError,
  type Dependencies,
  type OutboxEntry,
  type OwnEvent,
  type Store,
  type SuppressionReason,
} from '../../../shared/domain/ports';

const NOW = new Date('2027-03-01T12:00:00Z');

/** Only the suppression and outbox parts of the Store: the decision touches nothing else. */
function fakeDependencies() {
  const suppressed = new Map<string, { reason: SuppressionReason; at: Date }>();
  /** Outbox entries by event id, as the table keys them: written again, an entry is the same one. */
  const outbox = new Map<string, OwnEvent>();
  /** The writers' markers of the entries they wrote: they stay when the outbox function removes the entry. */
  const markers = new Set<string>();
  const normalise = (address: string) => address.trim().toLowerCase();
  const store: Partial<Store> = {
    async isAddressSuppressed(address) {
      return suppressed.has(normalise(address));
    },
    async suppressAddress(address, reason, at) {
      suppressed.set(normalise(address), { reason, at });
    },
    async saveOutboxEntryOnce({ event }: OutboxEntry, writer: string) {
      const marker = `${event.detail.clinicId}/${event.detailType}/${event.detail.eventId}/${writer}`;
      if (markers.has(marker)) return false;
      markers.add(marker);
      outbox.set(event.detail.eventId, event);
      return true;
    },
    // No patient here is erased: each is read and found as any patient.
    getPatient: async () => undefined,
  };
  const log = vi.fn<Dependencies['log']>();
  const deps = { store, clock: { now: () => NOW }, log } as unknown as Dependencies;
  /** What the outbox function does with what it published: the entries go, the markers stay. */
  const publishOutbox = () => {
    const published = [...outbox.values()];
    outbox.clear();
    return published;
  };
  return { deps, suppressed, outbox, publishOutbox, log, suppressSpy: vi.spyOn(store, 'suppressAddress') };
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
    expect(outcome).toEqual({ suppressed: 2, ignored: 'none', published: 'no-careloop-tags' });
    expect(suppressed.get('pat@example.com')).toEqual({ reason: 'bounce', at: new Date('2027-03-01T09:13:02.669Z') });
    expect(suppressed.get('sam@example.org')?.reason).toBe('bounce');
  });

  it.each([
    ['Transient', 'transient-bounce'],
    ['Undetermined', 'undetermined-bounce'],
    ['Sideways', 'unrecognised-bounce-type'],
  ])('suppresses nothing for a %s bounce', async (bounceType, ignored) => {
    const { deps, suppressed, suppressSpy } = fakeDependencies();
    expect(await onMailFeedback(deps, bounce(bounceType))).toEqual({
      suppressed: 0,
      ignored,
      published: 'no-careloop-tags',
    });
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
    expect(outcome).toEqual({ suppressed: 0, ignored: 'delivered', published: 'no-careloop-tags' });
    expect(suppressSpy).not.toHaveBeenCalled();
  });

  it('suppresses nothing for a bounce without a bounce type', async () => {
    const { deps, suppressed } = fakeDependencies();
    const outcome = await onMailFeedback(deps, {
      kind: 'bounce',
      recipients: ['pat@example.com'],
      at: NOW.toISOString(),
    });
    expect(outcome).toEqual({ suppressed: 0, ignored: 'unrecognised-bounce-type', published: 'no-careloop-tags' });
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
    expect(outcome).toEqual({ suppressed: 1, ignored: 'none', published: 'no-careloop-tags' });
    expect(suppressed.get('pat@example.com')).toEqual({
      reason: 'complaint',
      at: new Date('2027-03-01T10:19:58.000Z'),
    });
  });

  it('suppresses an address once however often the feedback repeats it, in any case or spacing', async () => {
    const { deps, suppressSpy } = fakeDependencies();
    const outcome = await onMailFeedback(deps, bounce('Permanent', ['Pat@Example.com', ' pat@example.com ', '']));
    expect(outcome).toEqual({ suppressed: 1, ignored: 'none', published: 'no-careloop-tags' });
    expect(suppressSpy).toHaveBeenCalledTimes(1);
  });

  it('is idempotent: the same feedback delivered again leaves the same state', async () => {
    const { deps, suppressed } = fakeDependencies();
    await onMailFeedback(deps, bounce('Permanent'));
    const first = new Map(suppressed);
    expect(await onMailFeedback(deps, bounce('Permanent'))).toEqual({
      suppressed: 1,
      ignored: 'none',
      published: 'no-careloop-tags',
    });
    expect(suppressed).toEqual(first);
    expect(await deps.store.isAddressSuppressed('pat@example.com')).toBe(true);
  });

  it('reports feedback without recipients as ignored', async () => {
    const { deps } = fakeDependencies();
    expect(await onMailFeedback(deps, bounce('Permanent', []))).toEqual({
      suppressed: 0,
      ignored: 'no-recipients',
      published: 'no-careloop-tags',
    });
  });

  it('stamps the suppression with the clock when the feedback has no usable time', async () => {
    const { deps, suppressed } = fakeDependencies();
    await onMailFeedback(deps, { ...bounce('Permanent'), at: 'not a time' });
    expect(suppressed.get('pat@example.com')?.at).toEqual(NOW);
  });

  it('logs kinds and counts, never an address, and that an email without CareLoop tags is reported on no further', async () => {
    const { deps, log } = fakeDependencies();
    await onMailFeedback(deps, bounce('Permanent', ['pat@example.com', 'sam@example.org']));
    await onMailFeedback(deps, bounce('Transient'));
    await onMailFeedback(deps, { kind: 'complaint', recipients: ['pat@example.com'], at: NOW.toISOString() });
    const notPublished = (kind: string) => ['mail feedback names no CareLoop email: nothing published', { kind }];
    expect(log.mock.calls).toEqual([
      ['addresses suppressed', { kind: 'bounce', bounceType: 'Permanent', recipients: 2, suppressed: 2 }],
      notPublished('bounce'),
      [
        'mail feedback ignored',
        { kind: 'bounce', bounceType: 'Transient', recipients: 1, ignored: 'transient-bounce' },
      ],
      notPublished('bounce'),
      ['addresses suppressed', { kind: 'complaint', recipients: 1, suppressed: 1 }],
      notPublished('complaint'),
    ]);
    expect(JSON.stringify(log.mock.calls)).not.toContain('@');
  });

  it('logs an unrecognised bounce type as such, not as the text it came with', async () => {
    const { deps, log } = fakeDependencies();
    await onMailFeedback(deps, bounce('pat@example.com'));
    expect(JSON.stringify(log.mock.calls)).not.toContain('@');
  });
});

const EMAIL: EmailIds = {
  clinicId: 'riverside',
  patientId: 'pt-0042',
  bookingId: 'bk-20270303-0001',
  kind: 'reminder',
};
const MESSAGE_ID = '0100018e5a1b2c3d-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8-000000';

/** Feedback on a CareLoop email, as the function builds it from a record whose tags name the email. */
const onEmail = (feedback: MailFeedback): MailFeedback => ({ ...feedback, messageId: MESSAGE_ID, email: EMAIL });

describe('onMailFeedback reports what SES said of a CareLoop email', () => {
  const reported = (event: OwnEvent | undefined) => {
    // As a consumer reads it, with the published contract's own parser.
    const parsed = parsePublishedEvent(event!.source, event!.detailType, event!.detail);
    return { source: parsed.source, detailType: parsed.detailType, detail: parsed.detail };
  };
  /** The outbox holds one event, about the email, as the contract has it. */
  const expectOneReport = (
    outbox: Map<string, OwnEvent>,
    detailType: string,
    occurredAt: string,
    fields: Record<string, string> = {},
  ) =>
    expect([...outbox.values()].map(reported)).toEqual([
      {
        source: 'careloop.email',
        detailType,
        detail: {
          eventId: expect.stringMatching(/^email-[a-z]+-[0-9a-f]{32}$/),
          occurredAt,
          clinicId: 'riverside',
          patientId: 'pt-0042',
          bookingId: 'bk-20270303-0001',
          kind: 'reminder',
          messageId: MESSAGE_ID,
          ...fields,
        },
      },
    ]);

  it('a delivery as EmailDelivered, at the time SES delivered it, suppressing nothing', async () => {
    const { deps, outbox, suppressed } = fakeDependencies();
    const outcome = await onMailFeedback(
      deps,
      onEmail({ kind: 'delivery', recipients: ['pat@example.com'], at: '2027-03-01T09:13:01.558Z' }),
    );
    expect(outcome).toEqual({ suppressed: 0, ignored: 'delivered', published: 'EmailDelivered' });
    expect(suppressed.size).toBe(0);
    expectOneReport(outbox, 'EmailDelivered', '2027-03-01T09:13:01.558Z');
  });

  it.each([
    ['Permanent', 'permanent', 1],
    ['Transient', 'transient', 0],
    ['Undetermined', 'transient', 0],
    ['Sideways', 'transient', 0],
  ])(
    'a %s bounce as EmailBounced (%s), with the suppression a bounce calls for',
    async (sesType, bounceType, count) => {
      const { deps, outbox, suppressed } = fakeDependencies();
      const outcome = await onMailFeedback(deps, onEmail({ ...bounce(sesType), feedbackId: 'feedback-1' }));
      expect(outcome).toMatchObject({ suppressed: count, published: 'EmailBounced' });
      expect(suppressed.size).toBe(count);
      expectOneReport(outbox, 'EmailBounced', '2027-03-01T09:13:02.669Z', { bounceType });
    },
  );

  it('a complaint as EmailComplained, with the address suppressed', async () => {
    const { deps, outbox, suppressed } = fakeDependencies();
    const outcome = await onMailFeedback(
      deps,
      onEmail({ kind: 'complaint', recipients: ['pat@example.com'], at: '2027-03-01T10:19:58Z', feedbackId: 'f-2' }),
    );
    expect(outcome).toEqual({ suppressed: 1, ignored: 'none', published: 'EmailComplained' });
    expect(suppressed.has('pat@example.com')).toBe(true);
    // SES's time as the contract writes an instant.
    expectOneReport(outbox, 'EmailComplained', '2027-03-01T10:19:58.000Z');
  });

  it('names no booking for an email about none, and never an address', async () => {
    const { deps, outbox } = fakeDependencies();
    const { bookingId: _none, ...planEmail } = EMAIL;
    await onMailFeedback(deps, {
      ...onEmail(bounce('Permanent')),
      email: { ...planEmail, kind: 'plan-nudge' },
    });
    const [event] = [...outbox.values()];
    expect(reported(event).detail).not.toHaveProperty('bookingId');
    expect(JSON.stringify(event)).not.toContain('@');
  });

  it('writes one entry for a record delivered twice, and one per record of the same email', async () => {
    const { deps, outbox } = fakeDependencies();
    const bounced = onEmail({ ...bounce('Transient'), feedbackId: 'feedback-1' });
    await onMailFeedback(deps, bounced);
    expect(await onMailFeedback(deps, bounced)).toMatchObject({ published: 'already-reported' });
    expect(outbox.size).toBe(1);
    // SES bounced it again later: another record, another event.
    await onMailFeedback(deps, { ...bounced, feedbackId: 'feedback-2', at: '2027-03-01T21:13:02.669Z' });
    expect(outbox.size).toBe(2);
    // A delivery has no id of its own: its time tells one from another.
    const delivered = onEmail({ kind: 'delivery', recipients: [], at: '2027-03-01T09:13:01.558Z' });
    await onMailFeedback(deps, delivered);
    await onMailFeedback(deps, delivered);
    expect(outbox.size).toBe(3);
  });

  it('writes no entry for a record delivered again after its report was published, and still suppresses', async () => {
    const { deps, outbox, publishOutbox, suppressed, log } = fakeDependencies();
    const complained = onEmail({ kind: 'complaint', recipients: ['pat@example.com'], at: NOW.toISOString() });
    await onMailFeedback(deps, { ...complained, feedbackId: 'f-1' });
    expect(publishOutbox()).toHaveLength(1);
    suppressed.clear();

    expect(await onMailFeedback(deps, { ...complained, feedbackId: 'f-1' })).toEqual({
      suppressed: 1,
      ignored: 'none',
      published: 'already-reported',
    });
    expect(outbox.size).toBe(0);
    expect(suppressed.has('pat@example.com')).toBe(true);
    expect(log).toHaveBeenLastCalledWith('mail feedback already reported', {
      detailType: 'EmailComplained',
      eventId: expect.stringMatching(/^email-complained-[0-9a-f]{32}$/),
    });
  });

  it('writes the entry again when another invocation writing it at the same moment gave way', async () => {
    const { deps, outbox } = fakeDependencies();
    const save = deps.store.saveOutboxEntryOnce.bind(deps.store);
    let conflicts = 1;
    deps.store.saveOutboxEntryOnce = async (...args) => {
      if (conflicts-- > 0) throw new ConcurrentUpdateError('transaction conflict');
      return save(...args);
    };
    expect(await onMailFeedback(deps, onEmail(bounce('Permanent')))).toMatchObject({ published: 'EmailBounced' });
    expect(outbox.size).toBe(1);
  });

  it('publishes nothing without a message id the contract takes, and says so', async () => {
    const { deps, outbox, log } = fakeDependencies();
    const outcome = await onMailFeedback(deps, { ...onEmail(bounce('Permanent')), messageId: 'not an id' });
    expect(outcome).toEqual({ suppressed: 1, ignored: 'none', published: 'no-message-id' });
    expect(outbox.size).toBe(0);
    expect(log).toHaveBeenCalledWith('mail feedback has no usable message id: nothing published', { kind: 'bounce' });
  });

  it('has the address suppressed before the report is written: a failed write throws, for the retry', async () => {
    const { deps, suppressed } = fakeDependencies();
    deps.store.saveOutboxEntryOnce = async () => {
      throw new Error('throttled');
    };
    await expect(onMailFeedback(deps, onEmail(bounce('Permanent')))).rejects.toThrow('throttled');
    expect(suppressed.has('pat@example.com')).toBe(true);
  });

  it('logs the report by its ids and kind', async () => {
    const { deps, log, outbox } = fakeDependencies();
    await onMailFeedback(deps, onEmail({ kind: 'delivery', recipients: ['pat@example.com'], at: NOW.toISOString() }));
    expect(log).toHaveBeenLastCalledWith('mail feedback published', {
      detailType: 'EmailDelivered',
      eventId: [...outbox.keys()][0],
      emailKind: 'reminder',
      bookingId: 'bk-20270303-0001',
    });
  });
});
