import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface RejectedEvent {
  source: unknown;
  detailType: unknown;
  /** As published: an object, or the raw text when it was not JSON. */
  detail: unknown;
  /** Names the failing fields, never their values. */
  error: string;
  at: string;
}

export interface RejectedEventSink {
  reject(event: RejectedEvent): Promise<void>;
}

/** Events that can never succeed go straight to a queue an operator watches, instead of being retried. */
export function createSqsRejectedEventSink(client: SQSClient, queueUrl: string): RejectedEventSink {
  return {
    async reject(event) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
    },
  };
}

/** The deployed sink: its own SQS client, built when the first refused event arrives (see runtime.ts). */
export const createRejectedEventSink = (queueUrl: string) => createSqsRejectedEventSink(new SQSClient({}), queueUrl);
