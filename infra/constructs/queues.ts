import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge, REASONS } from '../nag';

/** How long a terminal queue keeps what it holds: two weeks for an operator to look. */
export const TERMINAL_QUEUE_RETENTION_DAYS = 14;

/**
 * A terminal queue: failed invocations, undeliverable events, refused events. Encrypted with the
 * stack's key, TLS only; nothing consumes it, so it needs no dead-letter queue of its own
 * (infra/operations.ts alarms on its first message).
 */
export function terminalQueue(
  scope: Construct,
  id: string,
  key: kms.IKey,
  { redriveTarget = false }: { redriveTarget?: boolean } = {},
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(TERMINAL_QUEUE_RETENTION_DAYS),
  });
  // AwsSolutions-SQS3 already accepts a queue that is another queue's dead-letter queue.
  if (!redriveTarget) acknowledge(queue, 'AwsSolutions-SQS3', REASONS.terminalQueue);
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', REASONS.terminalQueue);
  return queue;
}
