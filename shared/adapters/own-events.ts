import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { requireSetting, type RuntimeConfig } from '../config';
import type { EventPublisher } from '../domain/ports';

/**
 * CareLoop's own events go to the bus it listens to, under `careloop.*` sources that no rule of
 * its own matches (it never reacts to what it publishes). PutEvents answers 200 even when it
 * refused the entry: a refused entry is an error here, so the caller's retry publishes it.
 */
export function createBusPublisher(client: EventBridgeClient, eventBusName: string): EventPublisher {
  return {
    async publish(event) {
      const { FailedEntryCount, Entries } = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: eventBusName,
              Source: event.source,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
            },
          ],
        }),
      );
      if ((FailedEntryCount ?? 0) > 0) {
        const code = Entries?.[0]?.ErrorCode ?? 'UnknownError';
        throw new Error(`the bus refused ${event.detailType} ${event.detail.eventId} (${code})`);
      }
    },
  };
}

/** The deployed publisher: the stack's bus. */
export function busEventsFor(config: RuntimeConfig): EventPublisher {
  return createBusPublisher(new EventBridgeClient({}), requireSetting(config, 'eventBusName', 'the event publisher'));
}
