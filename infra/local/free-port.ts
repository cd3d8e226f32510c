import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Where the system picks the local ports of outgoing connections: a port chosen from there (as
 * `listen(0)` chooses) can be taken by any connection opened before it is listened on, which a
 * busy test run opens by the thousand. Linux says where the range starts; elsewhere the IANA
 * range's start is assumed.
 */
function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > LOWEST + 1000 ? start : IANA_EPHEMERAL_START;
  } catch {
    return IANA_EPHEMERAL_START;
  }
}

const LOWEST = 10_000;
const IANA_EPHEMERAL_START = 49_152;

const listensOn = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A port nothing listens on right now, below the range outgoing connections take theirs from, so
 * that none takes it before it is listened on: tests and the benchmark run their own stacks beside
 * `npm start`, several at once.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
    if (await listensOn(port)) return port;
  }
  throw new Error(`no free port found between ${LOWEST} and ${below}`);
}
