import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { leaveIdleConnectionsToClients } from './idle-connections';

/**
 * Fault injection for the local stack: an HTTP proxy (node:http, no dependencies) that
 * sits between the handlers and one emulator (DynamoDB Local, the SES emulator or the
 * Scheduler emulator) and answers some requests itself, the way that AWS service answers
 * when it is throttling, failing or unreachable, so the AWS SDK and the handlers take the
 * same paths they take on AWS.
 *
 * Each request draws one number from a seeded PRNG (mulberry32): the same seed and the same
 * request order give the same faults. In that draw, in this order: throttle
 * (`throttleRate`), server error (`serverErrorRate`: 500 or 503), timeout (`timeoutRate`),
 * else the request is forwarded. Independently, `rateLimitPerSecond` is a token bucket
 * (capacity = one second's worth) that answers a throttle when it is empty (SES: 14/s).
 *
 * Throttles and server errors are answered BEFORE forwarding: the upstream never sees the
 * request, so a request with side effects (SendEmail, a conditional write) has none. This is
 * what AWS means by those answers, and what lets the handlers retry safely.
 *
 * A timeout holds the request and then resets the client's connection after `timeoutMs`
 * (default 2 s): the SDK sees a network error without an HTTP status ("connection reset").
 * It never leaves a socket hanging: the handlers' SES client has `maxAttempts: 1` and no
 * explicit request timeout, so a response that never ends would hang the handler. By
 * default the upstream never sees a timed-out request either ("before" mode).
 *
 * `timeoutMode: 'after'` (default off) forwards the request, lets the upstream act, and
 * only then resets the connection: "SES accepted the email but the answer was lost". It is
 * the one fault the design keeps AT MOST ONCE: the handler cannot tell whether SES sent,
 * so `sendOnce` keeps its claim and never sends that email again (operations see a claim
 * without a send). Do not expect such an email to be re-sent; expect it delivered once, or,
 * with "before" mode on SES, not at all.
 */

export type FaultService = 'dynamodb' | 'ses' | 'scheduler';

export interface FaultProxyOptions {
  /** Upstream base URL, e.g. `http://127.0.0.1:8000`. */
  target: string;
  seed: number;
  service: FaultService;
  throttleRate?: number;
  serverErrorRate?: number;
  timeoutRate?: number;
  /** Token bucket: at most this many requests a second (burst = the same number); throttles beyond. */
  rateLimitPerSecond?: number;
  /** How long a timed-out request is held before its connection is reset; default 2000 ms. */
  timeoutMs?: number;
  /** `before` (default): the upstream never sees a timed-out request. `after`: it acts, the answer is lost. */
  timeoutMode?: 'before' | 'after';
  /** Milliseconds, for the token bucket; default Date.now. */
  clock?: () => number;
  /** Port to listen on; 0 (default) for an ephemeral one. */
  port?: number;
  host?: string;
}

export interface FaultStats {
  service: FaultService;
  requests: number;
  forwarded: number;
  throttled: number;
  rateLimited: number;
  serverErrors: number;
  timeouts: number;
}

export interface FaultProxy {
  endpoint: string;
  port: number;
  stats(): FaultStats;
  close(): Promise<void>;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DYNAMO_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** A throttle as the service answers it; `draw` picks between equivalent answers. */
export function throttleAnswer(service: FaultService, draw: number): ErrorAnswer {
  if (service === 'dynamodb') {
    const type = draw < 0.5 ? 'ThrottlingException' : 'ProvisionedThroughputExceededException';
    const message =
      type === 'ThrottlingException'
        ? 'Rate of requests exceeds the allowed throughput.'
        : 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ __type: `${DYNAMO_PREFIX}${type}`, message }),
    };
  }
  if (service === 'ses') {
    return {
      status: 429,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
      body: JSON.stringify({ message: 'Maximum sending rate exceeded.' }),
    };
  }
  return {
    status: 429,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' },
    body: JSON.stringify({ message: 'Rate exceeded' }),
  };
}

/** A 500 or a 503, as the service answers it. */
export function serverErrorAnswer(service: FaultService, draw: number): ErrorAnswer {
  const unavailable = draw >= 0.5;
  const status = unavailable ? 503 : 500;
  if (service === 'dynamodb') {
    const type = unavailable ? 'ServiceUnavailable' : 'InternalServerError';
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({
        __type: `${DYNAMO_PREFIX}${type}`,
        message: unavailable ? 'Service unavailable' : 'Internal server error',
      }),
    };
  }
  const type = unavailable ? 'ServiceUnavailableException' : 'InternalServerException';
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify({ message: unavailable ? 'Service Unavailable' : 'Internal server error' }),
  };
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

function checkRate(name: string, value: number | undefined) {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be between 0 and 1, got ${String(value)}`);
  }
}

export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const throttleRate = options.throttleRate ?? 0;
  const serverErrorRate = options.serverErrorRate ?? 0;
  const timeoutRate = options.timeoutRate ?? 0;
  checkRate('throttleRate', throttleRate);
  checkRate('serverErrorRate', serverErrorRate);
  checkRate('timeoutRate', timeoutRate);
  if (throttleRate + serverErrorRate + timeoutRate > 1) throw new RangeError('the fault rates add up to more than 1');
  const rateLimit = options.rateLimitPerSecond;
  if (rateLimit !== undefined && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
    throw new RangeError(`rateLimitPerSecond must be a positive number, got ${String(rateLimit)}`);
  }
  const timeoutMs = options.timeoutMs ?? 2000;
  const timeoutMode = options.timeoutMode ?? 'before';
  const clock = options.clock ?? Date.now;
  const random = seededRandom(options.seed);
  const upstream = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const counts: FaultStats = {
    service: options.service,
    requests: 0,
    forwarded: 0,
    throttled: 0,
    rateLimited: 0,
    serverErrors: 0,
    timeouts: 0,
  };
  let tokens = rateLimit ?? 0;
  let refilledAt = clock();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeToken = () => {
    if (rateLimit === undefined) return true;
    const now = clock();
    tokens = Math.min(rateLimit, tokens + ((now - refilledAt) / 1000) * rateLimit);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const answer = (res: ServerResponse, { status, headers, body }: ErrorAnswer) => {
    res.writeHead(status, { ...headers, 'x-amzn-requestid': `fault-${counts.requests}` });
    res.end(body);
  };

  const reset = (req: IncomingMessage) => {
    const socket = req.socket as Socket & { resetAndDestroy?: () => Socket };
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  };

  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, loseAnswer: boolean) => {
    const outgoing = httpRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (incoming) => {
        if (loseAnswer) {
          // The upstream has acted; its answer never reaches the client.
          incoming.resume();
          incoming.on('end', () => later(timeoutMs, () => reset(req)));
          return;
        }
        res.writeHead(incoming.statusCode ?? 502, incoming.headers);
        incoming.pipe(res);
      },
    );
    outgoing.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fault proxy: upstream unreachable: ${error.message}` }));
      } else res.destroy();
    });
    outgoing.end(body);
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        counts.requests++;
        // One draw per request, plus one to pick between equivalent answers: the sequence
        // depends only on the seed and the order of requests.
        const draw = random();
        const pick = random();
        if (!takeToken()) {
          counts.rateLimited++;
          return answer(res, throttleAnswer(options.service, pick));
        }
        if (draw < throttleRate) {
          counts.throttled++;
          return answer(res, throttleAnswer(options.service, pick));
        }
        if (draw < throttleRate + serverErrorRate) {
          counts.serverErrors++;
          return answer(res, serverErrorAnswer(options.service, pick));
        }
        if (draw < throttleRate + serverErrorRate + timeoutRate) {
          counts.timeouts++;
          if (timeoutMode === 'after') return forward(req, res, body, true);
          return later(timeoutMs, () => reset(req));
        }
        counts.forwarded++;
        forward(req, res, body, false);
      })
      .catch(() => res.destroy());
  });
  leaveIdleConnectionsToClients(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stats: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Configuration: CARELOOP_FAULTS=seed=42,throttle=0.05,error=0.02,timeout=0.01,ses-rate=14

export interface FaultRates {
  throttleRate: number;
  serverErrorRate: number;
  timeoutRate: number;
}

export interface LocalFaultOptions extends FaultRates {
  seed: number;
  /** SES's sending-rate token bucket (requests a second); none when absent. */
  sesRatePerSecond?: number;
  timeoutMs?: number;
  /** See FaultProxyOptions.timeoutMode; applies to SES only (the one at-most-once case). */
  sesTimeoutMode?: 'before' | 'after';
  /** Per-service overrides of the rates, e.g. `ses-timeout=0`. */
  services?: Partial<Record<FaultService, Partial<FaultRates>>>;
}

const RATE_KEYS: Record<string, keyof FaultRates> = {
  throttle: 'throttleRate',
  error: 'serverErrorRate',
  timeout: 'timeoutRate',
};

/**
 * Parses `seed=42,throttle=0.05,error=0.02,timeout=0.01,ses-rate=14`. Also accepted:
 * `timeout-ms=2000`, `ses-timeout-mode=after`, and per-service rates such as
 * `dynamodb-throttle=0.1` or `ses-timeout=0`.
 */
export function parseFaults(text: string): LocalFaultOptions {
  const faults: LocalFaultOptions = { seed: 1, throttleRate: 0, serverErrorRate: 0, timeoutRate: 0 };
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [key = '', raw = ''] = part.split('=').map((item) => item.trim());
    const number = Number(raw);
    const needNumber = () => {
      if (raw === '' || !Number.isFinite(number)) throw new Error(`CARELOOP_FAULTS: ${key} must be a number`);
      return number;
    };
    const perService = /^(dynamodb|ses|scheduler)-(throttle|error|timeout)$/.exec(key);
    if (key === 'seed') faults.seed = needNumber();
    else if (key in RATE_KEYS) faults[RATE_KEYS[key]!] = needNumber();
    else if (key === 'ses-rate') faults.sesRatePerSecond = needNumber();
    else if (key === 'timeout-ms') faults.timeoutMs = needNumber();
    else if (key === 'ses-timeout-mode') {
      if (raw !== 'before' && raw !== 'after')
        throw new Error('CARELOOP_FAULTS: ses-timeout-mode must be before or after');
      faults.sesTimeoutMode = raw;
    } else if (perService) {
      const service = perService[1] as FaultService;
      faults.services ??= {};
      faults.services[service] = { ...faults.services[service], [RATE_KEYS[perService[2]!]!]: needNumber() };
    } else {
      throw new Error(
        `CARELOOP_FAULTS: unknown setting "${key}" (seed, throttle, error, timeout, ses-rate, timeout-ms, ses-timeout-mode, <service>-<fault>)`,
      );
    }
  }
  return faults;
}

/** One proxy per service, each with its own seed derived from the one given. */
export async function startFaultProxies(
  faults: LocalFaultOptions,
  targets: Record<FaultService, string>,
  host = '127.0.0.1',
): Promise<Record<FaultService, FaultProxy>> {
  const services: FaultService[] = ['dynamodb', 'ses', 'scheduler'];
  const proxies = await Promise.all(
    services.map((service, index) =>
      createFaultProxy({
        target: targets[service],
        seed: faults.seed * 31 + index,
        service,
        host,
        throttleRate: faults.services?.[service]?.throttleRate ?? faults.throttleRate,
        serverErrorRate: faults.services?.[service]?.serverErrorRate ?? faults.serverErrorRate,
        timeoutRate: faults.services?.[service]?.timeoutRate ?? faults.timeoutRate,
        rateLimitPerSecond: service === 'ses' ? faults.sesRatePerSecond : undefined,
        timeoutMs: faults.timeoutMs,
        timeoutMode: service === 'ses' ? faults.sesTimeoutMode : 'before',
      }),
    ),
  );
  return { dynamodb: proxies[0]!, ses: proxies[1]!, scheduler: proxies[2]! };
}
