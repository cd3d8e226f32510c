import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createJobScheduler, createSesMailer } from '../adapters/aws';
import { createSecretsManagerKeyLoader, createUnsubscribeLinks } from '../adapters/unsubscribe-links';
import type { RuntimeConfig } from '../config';
import type { Dependencies, OptionalPort } from '../domain/ports';
import { selfCareLibraryFromConfiguration } from '../self-care/configured';

/**
 * The adapters of the optional ports, one factory each. A function names the ones its use
 * case needs (functions/<name>/handler.ts); esbuild leaves the rest, and their SDK clients,
 * out of its bundle. Each runs once per cold start, on the first invocation.
 */
export type Wiring<P extends OptionalPort> = { readonly [K in P]: (config: RuntimeConfig) => Dependencies[K] };

/**
 * An SDK client built on its first call rather than at wiring: a use case that needs the port
 * only sometimes (contact-preferences-updated sends email only when a follow-up was waiting)
 * does not build the client, about 1 ms each, on a cold start that never calls it.
 */
export function builtOnFirstUse<C extends object>(create: () => C): C {
  let client: C | undefined;
  return new Proxy({} as C, {
    get(_target, property) {
      client ??= create();
      const value: unknown = Reflect.get(client, property, client);
      return typeof value === 'function' ? value.bind(client) : value;
    },
  });
}

export const sesMailer = (config: RuntimeConfig) =>
  createSesMailer(
    builtOnFirstUse(() => new SESv2Client({ maxAttempts: 1 })),
    {
      from: config.senderAddress,
      configurationSet: config.sesConfigurationSet,
    },
  );

export const schedulerJobs = (config: RuntimeConfig) =>
  createJobScheduler(
    builtOnFirstUse(() => new SchedulerClient({})),
    {
      groupName: config.scheduleGroupName,
      roleArn: config.schedulerRoleArn,
      deadLetterArn: config.schedulerDeadLetterArn,
      queueArn: config.dueJobsQueueArn,
    },
  );

export const signedUnsubscribeLinks = (config: RuntimeConfig) =>
  createUnsubscribeLinks({
    baseUrl: config.unsubscribeBaseUrl,
    // Fetched on first use only: most invocations send no follow-up and need no key.
    loadKey: createSecretsManagerKeyLoader(
      builtOnFirstUse(() => new SecretsManagerClient({})),
      config.unsubscribeSecretId,
    ),
  });

// Deployed bundles have the clinic's file inlined here by esbuild; locally npm start sets it.
export const configuredSelfCareLibrary = () =>
  selfCareLibraryFromConfiguration(process.env.CARELOOP_SELF_CARE_OVERRIDES);

/** What every function that sends email wires: the mailer and the library its templates read. */
export const emailWiring = { mailer: sesMailer, library: configuredSelfCareLibrary } as const;
