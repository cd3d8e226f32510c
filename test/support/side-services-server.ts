import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { createSideServices, type LocalSecret } from '../../infra/local/side-services';

/**
 * The local side services (infra/local/side-services.ts) on a port of their own, with a
 * Secrets Manager client pointed at them: what the handlers reach on the local stack. Records
 * the X-Amz-Target of every request, so a test can count the calls the code made.
 */
export async function serveSideServices(secrets: Record<string, LocalSecret>) {
  const side = createSideServices({ onRejectedEvent: () => {}, secrets });
  const targets: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      targets.push(target);
      if (!side.handle(target, Buffer.concat(chunks).toString('utf8'), res)) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    targets,
    secretsManager: () =>
      new SecretsManagerClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
