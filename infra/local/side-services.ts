import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The two small AWS APIs the handlers call besides DynamoDB, SES and Scheduler, answered
 * locally so the handlers' code is the same as on AWS: SQS SendMessage (the rejected-events
 * queue, kept as dead letters) and Secrets Manager GetSecretValue (the unsubscribe signing key).
 */

export interface RejectedEventRecord {
  source: unknown;
  detailType: unknown;
  detail: unknown;
  error: string;
  at: string;
}

export interface SideServices {
  /** Answers an awsJson request when its X-Amz-Target is one of ours; false otherwise. */
  handle(target: string, body: string, res: ServerResponse): boolean;
}

function reply(res: ServerResponse, status: number, contentType: string, body: unknown, errorType?: string) {
  res.writeHead(status, { 'content-type': contentType, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  res.end(JSON.stringify(body));
}

export function createSideServices(options: {
  onRejectedEvent: (record: RejectedEventRecord) => void;
  secrets: Record<string, string>;
}): SideServices {
  return {
    handle(target, body, res) {
      if (target === 'AmazonSQS.SendMessage') {
        const { MessageBody } = JSON.parse(body) as { MessageBody: string };
        options.onRejectedEvent(JSON.parse(MessageBody) as RejectedEventRecord);
        // The SDK checks this digest of the body it sent.
        const md5 = createHash('md5').update(MessageBody).digest('hex');
        reply(res, 200, 'application/x-amz-json-1.0', { MessageId: randomUUID(), MD5OfMessageBody: md5 });
        return true;
      }
      if (target === 'secretsmanager.GetSecretValue') {
        const { SecretId } = JSON.parse(body) as { SecretId: string };
        const secret = options.secrets[SecretId];
        if (secret === undefined) {
          reply(
            res,
            400,
            'application/x-amz-json-1.1',
            { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
            'ResourceNotFoundException',
          );
          return true;
        }
        reply(res, 200, 'application/x-amz-json-1.1', {
          ARN: `arn:aws:secretsmanager:eu-central-1:000000000000:secret:${SecretId}`,
          Name: SecretId,
          SecretString: secret,
          VersionId: 'local',
          CreatedDate: 0,
        });
        return true;
      }
      return false;
    },
  };
}
