import type { RuntimeConfig } from '../config';
import type { Dependencies, OptionalPort } from '../domain/ports';

/**
 * The adapters of the optional ports, one factory each. A function names the ones its use
 * case needs (functions/<name>/handler.ts); esbuild leaves the rest, and their SDK clients,
 * out of its bundle. Each runs once per cold start, on the first invocation.
 *
 * Each adapter, with its SDK client, is imported on the port's first call, not with the
 * handler: the bundle keeps it in a chunk of its own (infra/bundling.ts), which Node compiles
 * only when the port is used. contact-preferences-updated sends email only when a follow-up was
 * waiting for the patient's address; without this, every one of its cold starts would compile
 * SES's client, Scheduler's and Secrets Manager's for nothing.
 */
export type Wiring<P extends OptionalPort> = { readonly [K in P]: (config: RuntimeConfig) => Dependencies[K] };

/** Asks a port loaded on demand to start loading now (see `loadedEarly`). */
export const START_LOADING = Symbol('start loading');

export interface LoadsOnDemand {
  [START_LOADING]?: () => void;
}

/**
 * A port whose every method returns a promise, loaded on its first call. A load that fails is
 * tried again on the next call rather than remembered.
 */
export function loadedOnFirstCall<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const port = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return new Proxy({} as T, {
    get(_target, property) {
      // Not a thenable: `await port` must give the port itself.
      if (property === 'then') return undefined;
      // A failure here is met again, and reported, at the first call.
      if (property === START_LOADING) return () => void port().catch(() => undefined);
      return async (...args: unknown[]) => {
        const adapter = await port();
        const method = Reflect.get(adapter, property) as (...parameters: unknown[]) => unknown;
        return method.apply(adapter, args);
      };
    },
  });
}

// Each import names our adapter module, which imports the SDK client statically: a dynamic import
// of the SDK package itself would keep every command of the service in the chunk.
export const sesMailer = (config: RuntimeConfig) =>
  loadedOnFirstCall(async () => (await import('../adapters/ses-mailer')).sesMailerFor(config));

export const schedulerJobs = (config: RuntimeConfig) =>
  loadedOnFirstCall(async () => (await import('../adapters/job-scheduler')).jobSchedulerFor(config));

export const busEvents = (config: RuntimeConfig) =>
  loadedOnFirstCall(async () => (await import('../adapters/own-events')).busEventsFor(config));

export const s3Exports = (config: RuntimeConfig) =>
  loadedOnFirstCall(async () => (await import('../adapters/s3-export-store')).s3ExportStoreFor(config));

export const signedUnsubscribeLinks = (config: RuntimeConfig) =>
  loadedOnFirstCall(async () => (await import('../adapters/unsubscribe-links')).signedUnsubscribeLinksFor(config));

/**
 * The same port, loaded as the invocation starts rather than at its first call: the chunk is
 * read and compiled while the first database calls wait on the network, which would otherwise
 * be idle time. For the ports a function's common path uses: booking-cancelled unschedules and
 * emails on every cancellation; contact-preferences-updated emails only when a follow-up waited.
 */
export const loadedEarly =
  <T extends object>(create: (config: RuntimeConfig) => T) =>
  (config: RuntimeConfig): T => {
    const port = create(config);
    (port as LoadsOnDemand)[START_LOADING]?.();
    return port;
  };
