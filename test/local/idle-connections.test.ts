import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../infra/local/fault-proxy';
import { freePort } from '../../infra/local/free-port';
import { startS3Local, type S3Local } from '../../infra/local/s3-local';
import { startSesLocal } from '../../infra/local/ses-local';

/**
 * The emulators leave an idle keep-alive connection open for the client to close
 * (infra/local/idle-connections.ts). Node's default closes it after five seconds, and a SendEmail
 * sent on it as it closed was lost: the SDK saw a reset and, SendEmail making one attempt, the
 * email was never sent.
 */

let ses: Awaited<ReturnType<typeof startSesLocal>>;
let s3: S3Local;
let proxy: FaultProxy;

beforeAll(async () => {
  ses = await startSesLocal({ port: await freePort() });
  s3 = await startS3Local({ port: 0, buckets: [] });
  proxy = await createFaultProxy({ target: ses.endpoint, service: 'ses', seed: 1 });
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([ses?.stop(), s3?.stop()]);
});

/** One keep-alive request on a raw socket; resolves once the answer has arrived, with the socket still open. */
async function idleAfterOneRequest(endpoint: string): Promise<{ socket: Socket; closed: Promise<number> }> {
  const { hostname, port, pathname } = new URL(endpoint);
  const socket = connect(Number(port), hostname);
  let answered: () => void = () => undefined;
  const answer = new Promise<void>((resolve) => (answered = resolve));
  socket.on('data', (chunk: Buffer) => {
    if (chunk.toString('latin1').startsWith('HTTP/1.1 ')) answered();
  });
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.write(
    `GET ${pathname === '/' ? '/store' : pathname} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`,
  );
  await answer;
  return { socket, closed };
}

describe('idle keep-alive connections to the emulators', () => {
  it('stay open past the five seconds after which Node would close them: the client closes them', async () => {
    const endpoints = { ses: ses.endpoint, s3: s3.endpoint, 'fault proxy': proxy.endpoint };
    const connections = await Promise.all(Object.values(endpoints).map(idleAfterOneRequest));
    const idleSince = Date.now();
    const stillOpen = Symbol('still open');
    const outcomes = await Promise.all(
      connections.map(({ closed }) =>
        Promise.race([closed, new Promise<symbol>((resolve) => setTimeout(() => resolve(stillOpen), 7_000))]),
      ),
    );
    const closedEarly = Object.keys(endpoints).filter((_, i) => outcomes[i] !== stillOpen);
    expect(
      closedEarly,
      `closed after ${outcomes.map((at) => (typeof at === 'number' ? at - idleSince : '-'))} ms idle`,
    ).toEqual([]);
    for (const { socket } of connections) socket.destroy();
  }, 15_000);
});
