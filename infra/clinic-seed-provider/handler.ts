import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import type { ClinicProfileUpdatedInput } from '../../events/schemas';
import { createPublisher, type Publisher, type PublishResult } from '../../shared/adapters/event-publisher';
import { Logger } from '../../shared/adapters/logger';

/**
 * The provider of the deploy-time clinic seed (infra/constructs/clinic-seed.ts): CloudFormation
 * calls it for each clinic profile of `-c clinicsFile=…` when the profile is added or changed,
 * and it publishes that profile to the bus as a `ClinicProfileUpdated`. No part of the event
 * pipeline: it runs during a deployment only.
 *
 * Not an AwsCustomResource: that reports success whenever the SDK call returns, and PutEvents
 * returns normally when it refuses an entry (FailedEntryCount, the entry's ErrorCode), so a
 * profile that never reached the bus would leave a successful deployment; and its handler logs
 * every request, the profile included. Here a refused profile fails the deployment, saying why,
 * and the log has the clinic and event ids only.
 */

/** What the construct gives each custom resource (CloudFormation passes every value as text). */
export interface ClinicSeedProperties {
  readonly EventBusName: string;
  /** The validated ClinicProfileUpdated detail, as JSON text. */
  readonly Detail: string;
}

export interface ClinicSeedHandlerOptions {
  readonly publisherFor: (eventBusName: string) => Publisher;
  /** Where the answer goes: a PUT of JSON to the presigned S3 URL CloudFormation gave. */
  readonly respond?: (responseUrl: string, body: string) => Promise<void>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Pick<Logger, 'info' | 'error' | 'addContext'>;
}

/**
 * A role's new policy can take a few seconds to apply everywhere (IAM is eventually consistent),
 * and on a first deployment the seed publishes moments after its role's policy was created: an
 * entry refused for access is tried again for about half a minute before the deployment fails.
 */
export const ACCESS_RETRY = { attempts: 7, delayMs: 5000 } as const;

/** CloudFormation refuses an answer over 4 KB; the reason is what an operator reads, kept well inside it. */
const MAX_REASON_LENGTH = 1000;

export async function putResponse(responseUrl: string, body: string): Promise<void> {
  // An empty content type: the presigned URL was signed without one, as cfn-response sends it.
  const response = await fetch(responseUrl, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation's response URL answered ${response.status}`);
}

/** The physical id of a published profile: its clinic and eventId, which change with its content. */
export const seedPhysicalId = (detail: { clinicId: string; eventId: string }) => `${detail.clinicId}/${detail.eventId}`;

type Outcome = { status: 'SUCCESS' | 'FAILED'; physicalResourceId: string; reason?: string };

export function createClinicSeedHandler(options: ClinicSeedHandlerOptions) {
  const respond = options.respond ?? putResponse;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const logger = options.logger ?? new Logger({ serviceName: 'careloop' });

  async function publish(eventBusName: string, detail: ClinicProfileUpdatedInput): Promise<PublishResult> {
    const publisher = options.publisherFor(eventBusName);
    for (let attempt = 1; ; attempt++) {
      const [result] = await publisher.publish([{ detailType: 'ClinicProfileUpdated', detail }]);
      if (result!.status !== 'failed' || result!.errorCode !== 'AccessDeniedException') return result!;
      if (attempt >= ACCESS_RETRY.attempts) return result!;
      await sleep(ACCESS_RETRY.delayMs);
    }
  }

  async function handle(event: CloudFormationCustomResourceEvent<ClinicSeedProperties>): Promise<Outcome> {
    if (event.RequestType === 'Delete') {
      // A profile taken out of the file stays as the clinic has it: only a newer one replaces it.
      logger.info('clinic seed entry removed; the stored profile is kept', {
        physicalResourceId: event.PhysicalResourceId,
      });
      return { status: 'SUCCESS', physicalResourceId: event.PhysicalResourceId };
    }
    const previous = event.RequestType === 'Update' ? event.PhysicalResourceId : undefined;
    let detail: ClinicProfileUpdatedInput;
    try {
      detail = JSON.parse(event.ResourceProperties.Detail) as ClinicProfileUpdatedInput;
    } catch {
      return {
        status: 'FAILED',
        physicalResourceId: previous ?? event.LogicalResourceId,
        reason: 'the Detail property is not JSON',
      };
    }
    const ids = { clinicId: detail.clinicId, eventId: detail.eventId, requestType: event.RequestType };
    const physicalResourceId = seedPhysicalId(detail);
    const result = await publish(event.ResourceProperties.EventBusName, detail);
    if (result.status === 'published') {
      logger.info('clinic profile published', { ...ids, eventBridgeId: result.eventBridgeId });
      return { status: 'SUCCESS', physicalResourceId };
    }
    const why =
      result.status === 'invalid'
        ? `it breaks the contract: ${result.problems.join('; ')}`
        : `PutEvents refused it: ${result.errorCode}: ${result.errorMessage}`;
    logger.error('clinic profile not published', {
      ...ids,
      ...(result.status === 'failed' ? { errorCode: result.errorCode } : { problems: result.problems }),
    });
    return {
      status: 'FAILED',
      // A failed update keeps the id it had: CloudFormation rolls back to it.
      physicalResourceId: previous ?? physicalResourceId,
      reason: `ClinicProfileUpdated of clinic ${detail.clinicId} (eventId ${detail.eventId}) was not published: ${why}`,
    };
  }

  return async (event: CloudFormationCustomResourceEvent<ClinicSeedProperties>, context: Context): Promise<void> => {
    logger.addContext(context);
    let outcome: Outcome;
    try {
      outcome = await handle(event);
    } catch (error) {
      // Whatever went wrong, CloudFormation must hear of it, or it waits for the service timeout.
      const name = error instanceof Error ? error.name : 'Error';
      logger.error('clinic seed failed', { errorName: name, logicalResourceId: event.LogicalResourceId });
      outcome = {
        status: 'FAILED',
        physicalResourceId: event.RequestType === 'Create' ? event.LogicalResourceId : event.PhysicalResourceId,
        reason: `the clinic seed failed (${name}); see the log group of ${context.functionName}`,
      };
    }
    const response: CloudFormationCustomResourceResponse = {
      Status: outcome.status,
      ...(outcome.reason !== undefined && { Reason: outcome.reason.slice(0, MAX_REASON_LENGTH) }),
      PhysicalResourceId: outcome.physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    } as CloudFormationCustomResourceResponse;
    // If the answer cannot be delivered, throwing lets Lambda try the invocation again: publishing
    // the profile again is harmless, its eventId makes it a duplicate.
    await respond(event.ResponseURL, JSON.stringify(response));
  };
}

export const handler = createClinicSeedHandler({
  publisherFor: (() => {
    const client = new EventBridgeClient({});
    return (eventBusName: string) => createPublisher({ client, eventBusName });
  })(),
});
