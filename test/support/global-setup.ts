import type { TestProject } from 'vitest/node';
import { careLoopFunctions } from '../../functions/catalog';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { localBundles } from '../../infra/local/function-bundles';
import { freePort } from '../../infra/local/free-port';
import { startS3Local } from '../../infra/local/s3-local';
import { startSesLocal } from '../../infra/local/ses-local';
import { LOCAL_PROJECT_ROOT } from '../../infra/local/functions';
import { LOCAL_EXPORT_BUCKET } from '../../infra/local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
    /** The S3 endpoint (path-style), with the local export bucket; files make their own keys or buckets. */
    s3Endpoint: string;
  }
}

interface TestServices {
  endpoints: { dynamoEndpoint: string; sesEndpoint: string; s3Endpoint: string };
  stop(): Promise<void>;
}

async function startTestServices(): Promise<TestServices> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const [dynamo, s3] = await Promise.all([
    startDynamoDbLocal({ port: dynamoPort }),
    startS3Local({ port: 0, buckets: [LOCAL_EXPORT_BUCKET] }),
    // The functions' local bundles, once, while the JVM starts: on a fresh clone the e2e stacks
    // that start together would otherwise each build them all (their cache is per content). A
    // build that fails here fails again, with its error, in the tests whose stacks build it.
    localBundles(careLoopFunctions, LOCAL_PROJECT_ROOT).catch(() => undefined),
  ]);
  const ses = await startSesLocal({ port: sesPort });
  return {
    endpoints: { dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses.endpoint, s3Endpoint: s3.endpoint },
    stop: async () => {
      await Promise.all([dynamo.stop(), ses.stop(), s3.stop()]);
    },
  };
}

/**
 * Kept on the process, not the module: each project (shared, isolated) runs the global setup,
 * in the same process but possibly from its own copy of this module.
 */
const registry = globalThis as { careLoopTestServices?: { started: Promise<TestServices>; users: number } };

/**
 * One DynamoDB Local (a JVM, slow to start), one SES emulator and one S3 endpoint for the whole
 * run, whichever project's setup comes first; each test file makes its own table and its own
 * addresses, so files stay independent. They stop when the last project is done with them.
 */
export default async function setup(project: TestProject) {
  const shared = (registry.careLoopTestServices ??= { started: startTestServices(), users: 0 });
  shared.users++;
  const services = await shared.started;
  project.provide('dynamoEndpoint', services.endpoints.dynamoEndpoint);
  project.provide('sesEndpoint', services.endpoints.sesEndpoint);
  project.provide('s3Endpoint', services.endpoints.s3Endpoint);
  return async () => {
    if (--shared.users > 0) return;
    delete registry.careLoopTestServices;
    await services.stop();
  };
}

/** Tests import it from here, beside the rest of their set-up. */
export { freePort };
