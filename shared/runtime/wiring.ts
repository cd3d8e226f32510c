import type { RuntimeConfig } from '../config';
import type { Dependencies, OptionalPort, SelfCareSource } from '../domain/ports';
import type { SelfCareLibrary } from '../self-care/library';

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

export const signedUnsubscribeLinks = (config: RuntimeConfig) =>
  loadedOnFirstCall(async () => (await import('../adapters/unsubscribe-links')).signedUnsubscribeLinksFor(config));

/**
 * The clinic's library: built on first use (the self-care data is a chunk of its own). Deployed
 * bundles have the clinic's file inlined here by esbuild; locally npm start sets it.
 */
export const configuredSelfCareLibrary = (): SelfCareSource => {
  let library: Promise<SelfCareLibrary> | undefined;
  return {
    load: () =>
      (library ??= import('../self-care/configured').then(({ selfCareLibraryFromConfiguration }) =>
        selfCareLibraryFromConfiguration(process.env.CARELOOP_SELF_CARE_OVERRIDES),
      )),
  };
};

/** What every function that sends email wires. */
export const emailWiring = { mailer: sesMailer } as const;

/** What a function that may send a follow-up or a check-in wires besides: the self-care library and the unsubscribe links. */
export const selfCareWiring = { library: configuredSelfCareLibrary, unsubscribeLinks: signedUnsubscribeLinks } as const;
