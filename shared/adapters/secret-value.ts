import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The current value of a secret that never changes while the stack runs (the key suppressed
 * addresses are keyed with): read once per container, and read again only after a failure.
 */
export function secretValueLoader(secretId: string, client = new SecretsManagerClient({})): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then(
      ({ SecretString }) => {
        if (!SecretString) throw new Error(`the secret ${secretId} has no string value`);
        return SecretString;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
