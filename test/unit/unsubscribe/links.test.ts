import { createHmac } from 'node:crypto';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSecretsManagerKeyLoader,
  createUnsubscribeLinks,
  KEY_CACHE_TTL_MS,
  UNKNOWN_KEY_REFRESH_MS,
  type SigningKeys,
} from '../../../shared/adapters/unsubscribe-links';
import { signUnsubscribeToken, unsubscribeKeyId, verifyUnsubscribeToken } from '../../../shared/unsubscribe/token';

const KEY = 'links-test-key-0123456789abcdef';
const [K0, K1, K2] = ['key-from-two-rotations-ago', 'key-before-the-rotation', 'key-after-the-rotation'];
const subject = { clinicId: 'riverside', patientId: 'pt-0042' };
/** What verifying an unsubscribe link says it was signed for. */
const unsubscribing = { purpose: 'unsubscribe', ...subject };

const tokenOf = (url: string) => url.split('/').pop()!;
const keyIdOf = (url: string) => tokenOf(url).split('.')[0];
/** A token as links were signed before they named their key. */
const legacyToken = (key: string) => {
  const part = Buffer.from(JSON.stringify({ v: 1, c: 'riverside', p: 'pt-0042' })).toString('base64url');
  return `${part}.${createHmac('sha256', key).update(part).digest('base64url')}`;
};

/** Secrets Manager as a container sees it, with a clock the test moves. */
function setup(initial: SigningKeys) {
  let keys = initial;
  let now = 1_000_000;
  const loadKeys = vi.fn(async () => keys);
  const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKeys, now: () => now });
  return {
    links,
    loadKeys,
    /** What `aws secretsmanager put-secret-value` does: the new key current, the one it replaces previous. */
    rotate: (key: string) => void (keys = { current: key, previous: keys.current }),
    advance: (ms: number) => void (now += ms),
  };
}

describe('unsubscribe links', () => {
  it.each([
    ['https://xyz.lambda-url.eu-central-1.on.aws/', 'https://xyz.lambda-url.eu-central-1.on.aws/'],
    ['https://xyz.lambda-url.eu-central-1.on.aws', 'https://xyz.lambda-url.eu-central-1.on.aws/'],
    ['http://127.0.0.1:4010/unsubscribe', 'http://127.0.0.1:4010/unsubscribe/'],
    ['http://127.0.0.1:4010/unsubscribe///', 'http://127.0.0.1:4010/unsubscribe/'],
  ])('appends the token to %s after exactly one slash', async (baseUrl, prefix) => {
    const links = createUnsubscribeLinks({ baseUrl, loadKeys: async () => ({ current: KEY }) });
    const url = await links.urlFor('riverside', 'pt-0042');
    expect(url.startsWith(prefix)).toBe(true);
    const token = url.slice(prefix.length);
    expect(token).not.toContain('/');
    expect(verifyUnsubscribeToken(token, KEY)).toEqual(subject);
    expect(new URL(url).href).toBe(url);
  });

  it('verifies its own tokens and nothing else', async () => {
    const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKeys: async () => ({ current: KEY }) });
    const token = tokenOf(await links.urlFor('riverside', 'pt-0042'));
    await expect(links.verify(token)).resolves.toEqual(unsubscribing);
    await expect(links.verify(token.slice(0, -2))).resolves.toBeUndefined();
    await expect(links.verify('')).resolves.toBeUndefined();
  });

  it('signs with the current key only, naming it', async () => {
    const { links } = setup({ current: K2, previous: K1 });
    const url = await links.urlFor('riverside', 'pt-0042');
    expect(keyIdOf(url)).toBe(unsubscribeKeyId(K2));
    expect(verifyUnsubscribeToken(tokenOf(url), [K2])).toEqual(subject);
  });

  it('verifies links signed with the current or the previous key, not older ones', async () => {
    const { links } = setup({ current: K2, previous: K1 });
    await expect(links.verify(signUnsubscribeToken(subject, K2))).resolves.toEqual(unsubscribing);
    await expect(links.verify(signUnsubscribeToken(subject, K1))).resolves.toEqual(unsubscribing);
    await expect(links.verify(signUnsubscribeToken(subject, K0))).resolves.toBeUndefined();
  });

  it('verifies links issued before tokens named their key, with the current or the previous key', async () => {
    const { links } = setup({ current: K2, previous: K1 });
    await expect(links.verify(legacyToken(K1))).resolves.toEqual(unsubscribing);
    await expect(links.verify(legacyToken(K2))).resolves.toEqual(unsubscribing);
    await expect(links.verify(legacyToken(K0))).resolves.toBeUndefined();
  });

  it('works with a secret never rotated (no previous key)', async () => {
    const { links } = setup({ current: K1 });
    await expect(links.verify(tokenOf(await links.urlFor('riverside', 'pt-0042')))).resolves.toEqual(unsubscribing);
    await expect(links.verify(legacyToken(K1))).resolves.toEqual(unsubscribing);
  });

  describe('the keys it holds', () => {
    it('are loaded once while fresh, by concurrent first calls together', async () => {
      const { links, loadKeys, advance } = setup({ current: K1 });
      await Promise.all([links.urlFor('riverside', 'a'), links.urlFor('riverside', 'b'), links.verify('x.y')]);
      advance(KEY_CACHE_TTL_MS - 1);
      await links.urlFor('riverside', 'c');
      await links.verify(signUnsubscribeToken(subject, K1));
      expect(loadKeys).toHaveBeenCalledTimes(1);
    });

    it('are loaded again once older than the TTL, so a rotation reaches a warm container', async () => {
      const { links, loadKeys, rotate, advance } = setup({ current: K1 });
      const before = await links.urlFor('riverside', 'pt-0042');
      rotate(K2);
      expect(keyIdOf(await links.urlFor('riverside', 'pt-0042'))).toBe(unsubscribeKeyId(K1));

      advance(KEY_CACHE_TTL_MS);
      const after = await links.urlFor('riverside', 'pt-0042');

      expect(loadKeys).toHaveBeenCalledTimes(2);
      expect(keyIdOf(after)).toBe(unsubscribeKeyId(K2));
      await expect(links.verify(tokenOf(before))).resolves.toEqual(unsubscribing);
      await expect(links.verify(tokenOf(after))).resolves.toEqual(unsubscribing);
    });

    it('share one reload among the calls that find them expired', async () => {
      const { links, loadKeys, advance } = setup({ current: K1 });
      await links.urlFor('riverside', 'a');
      advance(KEY_CACHE_TTL_MS);
      await Promise.all([links.urlFor('riverside', 'b'), links.verify('x.y'), links.urlFor('riverside', 'c')]);
      expect(loadKeys).toHaveBeenCalledTimes(2);
    });

    it('stop verifying a key two rotations old once reloaded', async () => {
      const { links, rotate, advance } = setup({ current: K0 });
      const oldest = tokenOf(await links.urlFor('riverside', 'pt-0042'));
      rotate(K1);
      rotate(K2);
      advance(KEY_CACHE_TTL_MS);
      await expect(links.verify(oldest)).resolves.toBeUndefined();
    });

    it('are reloaded at once for a link of a key rotated in after they were loaded', async () => {
      const { links, loadKeys, rotate, advance } = setup({ current: K1 });
      await links.urlFor('riverside', 'a');
      advance(UNKNOWN_KEY_REFRESH_MS);
      rotate(K2);
      // Signed by a container that read the secret after the rotation.
      await expect(links.verify(signUnsubscribeToken(subject, K2))).resolves.toEqual(unsubscribing);
      expect(loadKeys).toHaveBeenCalledTimes(2);
      expect(keyIdOf(await links.urlFor('riverside', 'b'))).toBe(unsubscribeKeyId(K2));
    });

    it('are reloaded for unknown key ids at most once per interval, whatever arrives', async () => {
      const { links, loadKeys, advance } = setup({ current: K2, previous: K1 });
      await links.urlFor('riverside', 'a');
      advance(UNKNOWN_KEY_REFRESH_MS);
      const forged = (i: number) => signUnsubscribeToken(subject, `forged-key-${i}`);

      const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => links.verify(forged(i))));
      for (let i = 5; i < 10; i++) answers.push(await links.verify(forged(i)));
      expect(answers.every((answer) => answer === undefined)).toBe(true);
      expect(loadKeys).toHaveBeenCalledTimes(2);

      advance(UNKNOWN_KEY_REFRESH_MS - 1);
      await links.verify(forged(10));
      expect(loadKeys).toHaveBeenCalledTimes(2);
      advance(1);
      await links.verify(forged(11));
      expect(loadKeys).toHaveBeenCalledTimes(3);
    });

    it('are not reloaded for links of known keys, old links or malformed tokens', async () => {
      const { links, loadKeys, advance } = setup({ current: K2, previous: K1 });
      await links.urlFor('riverside', 'a');
      advance(UNKNOWN_KEY_REFRESH_MS);
      await links.verify(signUnsubscribeToken(subject, K1));
      await links.verify(signUnsubscribeToken(subject, K2).slice(0, -1) + 'A');
      await links.verify(legacyToken(K0));
      await links.verify('not a token');
      expect(loadKeys).toHaveBeenCalledTimes(1);
    });

    it('are loaded again after a failed load', async () => {
      const loadKeys = vi
        .fn<() => Promise<SigningKeys>>()
        .mockRejectedValueOnce(new Error('throttled'))
        .mockResolvedValue({ current: KEY });
      const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKeys });
      await expect(links.urlFor('riverside', 'pt-0042')).rejects.toThrow('throttled');
      await expect(links.urlFor('riverside', 'pt-0042')).resolves.toMatch(/^https:\/\/u\.example\//);
      expect(loadKeys).toHaveBeenCalledTimes(2);
    });

    it('are loaded again after a failed reload, the failure not kept', async () => {
      const { links, loadKeys, advance } = setup({ current: K1 });
      await links.urlFor('riverside', 'a');
      advance(KEY_CACHE_TTL_MS);
      loadKeys.mockRejectedValueOnce(new Error('throttled'));
      await expect(links.urlFor('riverside', 'b')).rejects.toThrow('throttled');
      await expect(links.urlFor('riverside', 'c')).resolves.toMatch(/^https:\/\/u\.example\//);
      expect(loadKeys).toHaveBeenCalledTimes(3);
    });
  });

  it('fails rather than treating every link as invalid when the key cannot be loaded', async () => {
    const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKeys: async () => ({ current: '' }) });
    await expect(links.verify('x.y')).rejects.toThrow(/empty/);
  });

  it.each([
    'not a url',
    'ftp://u.example/',
    'https://u.example/?a=1',
    'https://u.example/#x',
    'https://me:pw@u.example/',
  ])('refuses the base URL %s', (baseUrl) => {
    expect(() => createUnsubscribeLinks({ baseUrl, loadKeys: async () => ({ current: KEY }) })).toThrow(TypeError);
  });
});

describe('Secrets Manager key loader', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  afterAll(() => secrets.restore());
  const SECRET_ID = 'careloop/unsubscribe-key';
  const load = () => createSecretsManagerKeyLoader(new SecretsManagerClient({}), SECRET_ID)();
  const noPrevious = new ResourceNotFoundException({
    message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    $metadata: {},
  });

  it('reads the current and the previous version of the named secret', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: K2 });
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: K1 });
    await expect(load()).resolves.toEqual({ current: K2, previous: K1 });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('takes a secret never rotated as it is: no previous key', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: K1 });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(noPrevious);
    await expect(load()).resolves.toEqual({ current: K1, previous: undefined });
  });

  it('fails when the previous version cannot be read for another reason', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: K1 });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(new Error('ThrottlingException'));
    await expect(load()).rejects.toThrow('ThrottlingException');
  });

  it('fails when the secret does not exist', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }),
      );
    await expect(load()).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('fails when the secret has no string value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    await expect(load()).rejects.toThrow(/no string value/);
  });
});
