import type { Server } from 'node:http';

/**
 * Leaves closing an idle keep-alive connection to the client. Node's HTTP server closes one
 * after five seconds idle; a client that takes that connection from its pool as it closes sends
 * a request the server never reads, and gets a reset (the AWS SDK names it `TimeoutError`).
 * Most calls are retried, but SendEmail makes one attempt (a retry after no answer could send a
 * second copy), so the email is never sent: under load, a burst or a test lost one now and then.
 * AWS's endpoints keep idle connections far longer than a pause between two events; so do the
 * emulators, which close them all when they stop.
 */
export function leaveIdleConnectionsToClients<S extends Server>(server: S): S {
  server.keepAliveTimeout = 0;
  return server;
}
