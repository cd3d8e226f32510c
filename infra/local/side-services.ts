import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The two small AWS APIs the handlers call besides DynamoDB, SES and Scheduler, answered
 * locally so the handlers' code is the same as on AWS: SQS SendMessage (the rejected-events
 * queue, kept as dead letters) and Secrets Manager GetSecretValue (the unsubscribe signing key,
 * by version stage). Secrets Manager PutSecretValue is answered too, so a key rotation can be
 * rehearsed locally the way DEPLOY.md does it on AWS.
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

/**
 * A secret's value, or its values before and after a rotation: `current` is what
 * `AWSCURRENT` answers, `previous` what `AWSPREVIOUS` answers (a secret never rotated has none).
 */
export type LocalSecret = string | { current: string; previous?: string | undefined };

interface SecretVersion {
  versionId: string;
  value: string;
  createdDate: number;
}

interface StoredSecret {
  current: SecretVersion;
  previous: SecretVersion | undefined;
}

const JSON_1_1 = 'application/x-amz-json-1.1';
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

const versionWithId = (secret: StoredSecret, versionId: string | undefined) =>
  versionId === undefined
    ? undefined
    : [secret.current, secret.previous].find((known) => known !== undefined && known.versionId === versionId);

const version = (value: string, versionId: string = randomUUID()): SecretVersion => ({
  versionId,
  value,
  createdDate: Date.now() / 1000,
});

export function createSideServices(options: {
  onRejectedEvent: (record: RejectedEventRecord) => void;
  secrets: Record<string, LocalSecret>;
}): SideServices {
  const secrets = new Map<string, StoredSecret>();
  for (const [id, secret] of Object.entries(options.secrets)) {
    const { current, previous } = typeof secret === 'string' ? { current: secret, previous: undefined } : secret;
    secrets.set(id, { current: version(current), previous: previous === undefined ? undefined : version(previous) });
  }
  const arnOf = (id: string) => `arn:aws:secretsmanager:eu-central-1:000000000000:secret:${id}`;
  const notFound = (res: ServerResponse, message: string) =>
    reply(res, 400, JSON_1_1, { __type: 'ResourceNotFoundException', message }, 'ResourceNotFoundException');
  const secretNotFound = (res: ServerResponse) => notFound(res, "Secrets Manager can't find the specified secret.");

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
        const { SecretId, VersionId, VersionStage } = JSON.parse(body) as {
          SecretId: string;
          VersionId?: string;
          VersionStage?: string;
        };
        const secret = secrets.get(SecretId);
        if (!secret) {
          secretNotFound(res);
          return true;
        }
        const stage = VersionStage ?? (VersionId === undefined ? CURRENT : undefined);
        const byStage = stage === CURRENT ? secret.current : stage === PREVIOUS ? secret.previous : undefined;
        const found = VersionId === undefined ? byStage : versionWithId(secret, VersionId);
        // What AWS answers for a stage no version carries, e.g. AWSPREVIOUS before the first rotation.
        if (!found || (stage !== undefined && found !== byStage)) {
          notFound(
            res,
            stage === undefined
              ? "Secrets Manager can't find the specified secret value for VersionId"
              : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
          );
          return true;
        }
        reply(res, 200, JSON_1_1, {
          ARN: arnOf(SecretId),
          Name: SecretId,
          SecretString: found.value,
          VersionId: found.versionId,
          VersionStages: [found === secret.current ? CURRENT : PREVIOUS],
          CreatedDate: found.createdDate,
        });
        return true;
      }
      if (target === 'secretsmanager.PutSecretValue') {
        const { SecretId, SecretString, ClientRequestToken } = JSON.parse(body) as {
          SecretId: string;
          SecretString?: string;
          ClientRequestToken?: string;
        };
        const secret = secrets.get(SecretId);
        if (!secret) {
          secretNotFound(res);
          return true;
        }
        if (typeof SecretString !== 'string' || !SecretString) {
          const message = 'You must provide either SecretString or SecretBinary.';
          reply(res, 400, JSON_1_1, { __type: 'InvalidParameterException', message }, 'InvalidParameterException');
          return true;
        }
        // The SDK sends a token with each call and the same one on its retries: a repeat changes nothing.
        let stored = versionWithId(secret, ClientRequestToken);
        if (stored && stored.value !== SecretString) {
          const message = 'A resource with the ID you requested already exists.';
          reply(res, 400, JSON_1_1, { __type: 'ResourceExistsException', message }, 'ResourceExistsException');
          return true;
        }
        if (!stored) {
          // As on AWS: the new value becomes AWSCURRENT, the one it replaces AWSPREVIOUS.
          stored = version(SecretString, ClientRequestToken);
          secrets.set(SecretId, { current: stored, previous: secret.current });
        }
        reply(res, 200, JSON_1_1, {
          ARN: arnOf(SecretId),
          Name: SecretId,
          VersionId: stored.versionId,
          VersionStages: [stored === secrets.get(SecretId)?.current ? CURRENT : PREVIOUS],
        });
        return true;
      }
      return false;
    },
  };
}
