import type { Server } from 'node:http';
import { leaveIdleConnectionsToClients } from './idle-connections';

/** The SES v2 emulator (aws-ses-v2-local), in process: its inbox at `/`, sent mail at `/store`. */
export async function startSesLocal(options: {
  port: number;
  host?: string;
}): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const module = (await import('aws-ses-v2-local')) as unknown as {
    default: { default?: (config: { port: number; host: string }) => Promise<Server> } & ((config: {
      port: number;
      host: string;
    }) => Promise<Server>);
  };
  const start = module.default.default ?? module.default;
  const host = options.host ?? '127.0.0.1';
  const server = leaveIdleConnectionsToClients(await start({ port: options.port, host }));
  return {
    endpoint: `http://${host}:${options.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  headers?: { name: string; value: string }[];
  at: number;
}

export async function readInbox(endpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`SES emulator answered ${response.status}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}
