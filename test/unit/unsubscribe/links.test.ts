import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createSecretsManagerKeyLoader, createUnsubscribeLinks } from '../../../shared/adapters/unsubscribe-links';
import { verifyUnsubscribeToken } from '../../../shared/unsubscribe/token';

const KEY = 'links-test-key-0123456789abcdef';

describe('unsubscribe links', () => {
  it.each([
    ['https://xyz.lambda-url.eu-central-1.on.aws/', 'https://xyz.lambda-url.eu-central-1.on.aws/'],
    ['https://xyz.lambda-url.eu-central-1.on.aws', 'https://xyz.lambda-url.eu-central-1.on.aws/'],
    ['http://127.0.0.1:4010/unsubscribe', 'http://127.0.0.1:4010/unsubscribe/'],
    ['http://127.0.0.1:4010/unsubscribe///', 'http://127.0.0.1:4010/unsubscribe/'],
  ])('appends the token to %s after exactly one slash', async (baseUrl, prefix) => {
    const links = createUnsubscribeLinks({ baseUrl, loadKey: async () => KEY });
    const url = await links.urlFor('riverside', 'pt-0042');
    expect(url.startsWith(prefix)).toBe(true);
    const token = url.slice(prefix.length);
    expect(token).not.toContain('/');
    expect(verifyUnsubscribeToken(token, KEY)).toEqual({ clinicId: 'riverside', patientId: 'pt-0042' });
    expect(new URL(url).href).toBe(url);
  });

  it('verifies its own tokens and nothing else', async () => {
    const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKey: async () => KEY });
    const token = (await links.urlFor('riverside', 'pt-0042')).split('/').pop()!;
    await expect(links.verify(token)).resolves.toEqual({ clinicId: 'riverside', patientId: 'pt-0042' });
    await expect(links.verify(token.slice(0, -2))).resolves.toBeUndefined();
    await expect(links.verify('')).resolves.toBeUndefined();
  });

  it('loads the key once', async () => {
    const loadKey = vi.fn(async () => KEY);
    const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKey });
    await Promise.all([links.urlFor('riverside', 'a'), links.urlFor('riverside', 'b'), links.verify('x.y')]);
    await links.urlFor('riverside', 'c');
    expect(loadKey).toHaveBeenCalledTimes(1);
  });

  it('loads the key again after a failed load', async () => {
    const loadKey = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error('throttled')).mockResolvedValue(KEY);
    const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKey });
    await expect(links.urlFor('riverside', 'pt-0042')).rejects.toThrow('throttled');
    await expect(links.urlFor('riverside', 'pt-0042')).resolves.toMatch(/^https:\/\/u\.example\//);
    expect(loadKey).toHaveBeenCalledTimes(2);
  });

  it('fails rather than treating every link as invalid when the key cannot be loaded', async () => {
    const links = createUnsubscribeLinks({ baseUrl: 'https://u.example/', loadKey: async () => '' });
    await expect(links.verify('x.y')).rejects.toThrow(/empty/);
  });

  it.each([
    'not a url',
    'ftp://u.example/',
    'https://u.example/?a=1',
    'https://u.example/#x',
    'https://me:pw@u.example/',
  ])('refuses the base URL %s', (baseUrl) => {
    expect(() => createUnsubscribeLinks({ baseUrl, loadKey: async () => KEY })).toThrow(TypeError);
  });
});

describe('Secrets Manager key loader', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  it('reads the secret string of the named secret', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'careloop/unsubscribe-key' }).resolves({ SecretString: KEY });
    const load = createSecretsManagerKeyLoader(new SecretsManagerClient({}), 'careloop/unsubscribe-key');
    await expect(load()).resolves.toBe(KEY);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('fails when the secret has no string value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const load = createSecretsManagerKeyLoader(new SecretsManagerClient({}), 'careloop/unsubscribe-key');
    await expect(load()).rejects.toThrow(/no string value/);
  });
});
