import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RuntimeConfig } from '../config';
import type { UnsubscribeLinks } from '../domain/ports';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../unsubscribe/token';

export interface UnsubscribeLinksOptions {
  /**
   * Where the unsubscribe endpoint is served: the function URL on AWS
   * (`https://xyz.lambda-url.eu-central-1.on.aws/`), plain http on the local stack. The
   * token is appended as the last path segment.
   */
  baseUrl: string;
  /** The HMAC key. Called once per cold start; called again only after it failed. */
  loadKey: () => Promise<string>;
}

/** `baseUrl` with exactly one trailing slash; refuses anything a token cannot simply be appended to. */
function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new TypeError('the unsubscribe base URL is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('the unsubscribe base URL must be http(s)');
  if (url.search || url.hash || url.username || url.password)
    throw new TypeError('the unsubscribe base URL must have no query, fragment or credentials');
  return url.href.replace(/\/+$/, '') + '/';
}

export function createUnsubscribeLinks(options: UnsubscribeLinksOptions): UnsubscribeLinks {
  const base = normaliseBaseUrl(options.baseUrl);
  let pending: Promise<string> | undefined;
  const key = () => {
    if (pending) return pending;
    const attempt = options.loadKey().then((value) => {
      if (!value) throw new Error('the unsubscribe signing key is empty');
      return value;
    });
    pending = attempt;
    // A failed load is forgotten, so the next call (the next invocation) tries again.
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
    return attempt;
  };
  return {
    async urlFor(clinicId, patientId) {
      return `${base}${signUnsubscribeToken({ clinicId, patientId }, await key())}`;
    },
    async verify(token) {
      return verifyUnsubscribeToken(token, await key());
    },
  };
}

/** Reads the signing key from Secrets Manager: the secret's string, as it is stored. */
export function createSecretsManagerKeyLoader(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  return async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('the unsubscribe signing secret has no string value');
    return SecretString;
  };
}

/** The deployed links: signed with the stack's secret, fetched on first use (most invocations send no follow-up). */
export function signedUnsubscribeLinksFor(
  config: Pick<RuntimeConfig, 'unsubscribeBaseUrl' | 'unsubscribeSecretId'>,
): UnsubscribeLinks {
  return createUnsubscribeLinks({
    baseUrl: config.unsubscribeBaseUrl,
    loadKey: createSecretsManagerKeyLoader(new SecretsManagerClient({}), config.unsubscribeSecretId),
  });
}
