import type { DeliveryEnd, EventBridgeEnvelope } from '../eventbridge-emulator';

/**
 * What the bus did with each event it accepted, kept for the local console: the functions it went
 * to and how each delivery ended. `GET /_local/events` keeps answering from the stack's own list,
 * whose shape the contract fixes; this one may grow with what the console needs.
 */

export interface EndedDelivery {
  /** The function's name (its route). */
  target: string;
  attempts: number;
  /** The handler's answer, when it answered. */
  result?: unknown;
  /** The last error, when every attempt failed. */
  error?: string;
}

export interface ActivityEvent {
  /** Its place in the order the bus accepted events: the console's tie-break and "newest". */
  seq: number;
  /** EventBridge's id of the event. */
  id: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** The event's time as its functions see it (the stack's clock to the second, unless the producer gave one). */
  at: string;
  /** When the bus took it, on the stack's clock to the millisecond: the order of what happened within a second. */
  receivedAt: string;
  /** The functions the bus delivers it to; none when no rule matches. */
  targets: readonly string[];
  deliveries: EndedDelivery[];
}

export interface Activity {
  accepted(envelope: EventBridgeEnvelope, targets: readonly string[]): void;
  delivered(end: DeliveryEnd): void;
  events(): readonly ActivityEvent[];
}

export function createActivity(clock: { now(): Date }): Activity {
  const events: ActivityEvent[] = [];
  const byId = new Map<string, ActivityEvent>();
  return {
    accepted(envelope, targets) {
      const event: ActivityEvent = {
        seq: events.length,
        id: envelope.id,
        source: envelope.source,
        detailType: envelope['detail-type'],
        detail: envelope.detail,
        at: envelope.time,
        receivedAt: clock.now().toISOString(),
        targets: [...targets],
        deliveries: [],
      };
      events.push(event);
      byId.set(event.id, event);
    },
    delivered(end) {
      const { target, attempts } = end;
      byId
        .get(end.envelope.id)
        ?.deliveries.push(
          'error' in end ? { target, attempts, error: end.error } : { target, attempts, result: end.result },
        );
    },
    events: () => events,
  };
}
