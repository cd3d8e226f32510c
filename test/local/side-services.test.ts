import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSideServices } from '../support/side-services-server';

/** Secrets Manager as the local stack answers it, through the SDK the handlers use. */
let served: Awaited<ReturnType<typeof serveSideServices>>;
let client: SecretsManagerClient;

beforeAll(async () => {
  served = await serveSideServices({
    'never-rotated': 'only-value',
    'rotated-once': { current: 'new-value', previous: 'old-value' },
    rehearsal: 'first-value',
  });
  client = served.secretsManager();
});

afterAll(async () => {
  client?.destroy();
  await served?.close();
});

const read = (SecretId: string, VersionStage?: string, VersionId?: string) =>
  client.send(new GetSecretValueCommand({ SecretId, VersionStage, VersionId }));

describe('local Secrets Manager', () => {
  it('answers AWSCURRENT by default, and by name', async () => {
    const byDefault = await read('never-rotated');
    const byName = await read('never-rotated', 'AWSCURRENT');
    expect(byDefault).toMatchObject({ SecretString: 'only-value', VersionStages: ['AWSCURRENT'] });
    expect(byName.SecretString).toBe('only-value');
    expect(byName.VersionId).toBe(byDefault.VersionId);
  });

  it('answers AWSPREVIOUS of a secret never rotated as AWS does: ResourceNotFoundException', async () => {
    await expect(read('never-rotated', 'AWSPREVIOUS')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(read('never-rotated', 'AWSPENDING')).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers a configured previous value, each value with a version id of its own', async () => {
    const current = await read('rotated-once', 'AWSCURRENT');
    const previous = await read('rotated-once', 'AWSPREVIOUS');
    expect(current).toMatchObject({ SecretString: 'new-value', VersionStages: ['AWSCURRENT'] });
    expect(previous).toMatchObject({ SecretString: 'old-value', VersionStages: ['AWSPREVIOUS'] });
    expect(current.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(previous.VersionId).not.toBe(current.VersionId);
    await expect(read('rotated-once', undefined, previous.VersionId)).resolves.toMatchObject({
      SecretString: 'old-value',
    });
    await expect(read('rotated-once', 'AWSCURRENT', previous.VersionId)).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('rotates on PutSecretValue: the new value is AWSCURRENT, the one it replaced AWSPREVIOUS', async () => {
    const first = await read('rehearsal');
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'rehearsal', SecretString: 'second-value' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    await expect(read('rehearsal')).resolves.toMatchObject({ SecretString: 'second-value', VersionId: put.VersionId });
    await expect(read('rehearsal', 'AWSPREVIOUS')).resolves.toMatchObject({
      SecretString: 'first-value',
      VersionId: first.VersionId,
    });

    await client.send(new PutSecretValueCommand({ SecretId: 'rehearsal', SecretString: 'third-value' }));
    await expect(read('rehearsal', 'AWSPREVIOUS')).resolves.toMatchObject({ SecretString: 'second-value' });
  });

  it('changes nothing when a PutSecretValue is repeated with its token (an SDK retry)', async () => {
    const token = '6c2b4f0e-1a7d-4c55-9d0e-3f1b2a4c5d6e';
    await client.send(
      new PutSecretValueCommand({ SecretId: 'never-rotated', SecretString: 'v2', ClientRequestToken: token }),
    );
    await client.send(
      new PutSecretValueCommand({ SecretId: 'never-rotated', SecretString: 'v2', ClientRequestToken: token }),
    );
    await expect(read('never-rotated', 'AWSPREVIOUS')).resolves.toMatchObject({ SecretString: 'only-value' });
    await expect(read('never-rotated')).resolves.toMatchObject({ SecretString: 'v2', VersionId: token });
  });

  it('answers an unknown secret with ResourceNotFoundException', async () => {
    await expect(read('no-such-secret')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new PutSecretValueCommand({ SecretId: 'no-such-secret', SecretString: 'x' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
