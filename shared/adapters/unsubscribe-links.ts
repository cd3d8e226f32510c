import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV, requireSetting, type RuntimeConfig } from '../config';
import type { UnsubscribeLinks } from '../domain/ports';
import {
  signAnswerToken,
  signUnsubscribeToken,
  unsubscribeKeyId,
  unsubscribeTokenKeyId,
  verifyPatientToken,
} from '../unsubscribe/token';

/**
 * The signing keys as the secret holds them: `current` (stage AWSCURRENT) signs and verifies,
 * `previous` (AWSPREVIOUS, none until the secret's first rotation) only verifies, so the links
 * in emails sent before a rotation keep working until the next one.
 */
export interface SigningKeys {
  current: string;
  previous?: string | undefined;
}

/**
 * How long a container uses the keys it loaded before reading them again: how long a warm
 * function may go on signing with the key a rotation replaced (its links keep working, that
 * key being the previous one) and verifying with the key the rotation dropped. A few minutes
 * keeps that window short next to the time between two rotations, while a busy container
 * still reads the secret a few times an hour rather than on every invocation.
 */
export const KEY_CACHE_TTL_MS = 5 * 60_000;

/**
 * A link naming a key this container has not loaded was probably signed by a container that
 * read the secret after a rotation, so the keys are read again at once, unless they were read
 * this recently: a stream of links with made-up key ids must not become a stream of Secrets
 * Manager calls.
 */
export const UNKNOWN_KEY_REFRESH_MS = 60_000;

export interface UnsubscribeLinksOptions {
  /**
   * Where the unsubscribe endpoint is served: the function URL on AWS
   * (`https://xyz.lambda-url.eu-central-1.on.aws/`), plain http on the local stack. The
   * token is appended as the last path segment. Absent where links are only verified (the
   * endpoint itself, which cannot be given its own URL): asking it for a link then throws.
   */
  baseUrl?: string | undefined;
  /** The HMAC keys. Called on first use, after KEY_CACHE_TTL_MS, after a failure, and for an unknown key id. */
  loadKeys: () => Promise<SigningKeys>;
  /** Milliseconds since the epoch, for the keys' age; `Date.now` unless a test moves time itself. */
  now?: () => number;
}

interface LoadedKeys {
  /** Current first: what verifying tries first. */
  keys: readonly string[];
  current: string;
  ids: ReadonlySet<string>;
  /** When the load that read them started: they are at least this fresh. */
  loadedAt: number;
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
  const base = options.baseUrl === undefined ? undefined : normaliseBaseUrl(options.baseUrl);
  const now = options.now ?? Date.now;
  let loaded: LoadedKeys | undefined;
  let pending: Promise<LoadedKeys> | undefined;

  const load = () => {
    if (pending) return pending;
    const startedAt = now();
    const attempt = options.loadKeys().then(({ current, previous }): LoadedKeys => {
      if (!current) throw new Error('the unsubscribe signing key is empty');
      const keys = previous ? [current, previous] : [current];
      loaded = { keys, current, ids: new Set(keys.map(unsubscribeKeyId)), loadedAt: startedAt };
      return loaded;
    });
    pending = attempt;
    // Only a successful load is kept; after a failure the next call (the next invocation) tries again.
    const settled = () => {
      if (pending === attempt) pending = undefined;
    };
    attempt.then(settled, settled);
    return attempt;
  };
  /** The keys, read again when older than `maxAgeMs`; concurrent callers share one read. */
  const keysNoOlderThan = async (maxAgeMs: number) => (loaded && now() - loaded.loadedAt < maxAgeMs ? loaded : load());

  return {
    async urlFor(clinicId, patientId) {
      if (base === undefined) throw new Error(`${ENV.unsubscribeBaseUrl} is required to make unsubscribe links`);
      const { current } = await keysNoOlderThan(KEY_CACHE_TTL_MS);
      return `${base}${signUnsubscribeToken({ clinicId, patientId }, current)}`;
    },
    async answerUrlFor(subject) {
      if (base === undefined) throw new Error(`${ENV.unsubscribeBaseUrl} is required to make answer links`);
      const { current } = await keysNoOlderThan(KEY_CACHE_TTL_MS);
      return `${base}${signAnswerToken(subject, current)}`;
    },
    async verify(token) {
      let held = await keysNoOlderThan(KEY_CACHE_TTL_MS);
      const keyId = unsubscribeTokenKeyId(token);
      if (keyId !== undefined && !held.ids.has(keyId)) held = await keysNoOlderThan(UNKNOWN_KEY_REFRESH_MS);
      return verifyPatientToken(token, held.keys);
    },
  };
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/**
 * Reads the signing keys from Secrets Manager: the secret's string at AWSCURRENT and at
 * AWSPREVIOUS, as stored. A secret never rotated has no AWSPREVIOUS (ResourceNotFoundException):
 * that is the normal state, not a failure. Anything else failing fails the load, so a container
 * never goes on for a whole TTL without a previous key it should have.
 */
export function createSecretsManagerKeyLoader(
  client: SecretsManagerClient,
  secretId: string,
): () => Promise<SigningKeys> {
  const read = async (stage: string) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    if (!SecretString) throw new Error(`the unsubscribe signing secret has no string value at ${stage}`);
    return SecretString;
  };
  return async () => {
    const [current, previous] = await Promise.all([
      read(CURRENT),
      read(PREVIOUS).catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
        throw error;
      }),
    ]);
    return { current, previous };
  };
}

/** The deployed links: signed with the stack's secret, fetched on first use (most invocations send no follow-up). */
export function signedUnsubscribeLinksFor(config: RuntimeConfig): UnsubscribeLinks {
  const secretId = requireSetting(config, 'unsubscribeSecretId', 'the unsubscribe links');
  return createUnsubscribeLinks({
    baseUrl: config.unsubscribeBaseUrl,
    loadKeys: createSecretsManagerKeyLoader(new SecretsManagerClient({}), secretId),
  });
}
