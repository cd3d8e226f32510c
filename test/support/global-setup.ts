import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { freePort } from '../../infra/local/free-port';
import { startSesLocal } from '../../infra/local/ses-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

/**
 * One DynamoDB Local (a JVM, slow to start) and one SES emulator for the whole run;
 * each test file makes its own table and its own addresses, so files stay independent.
 */
export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const dynamo = await startDynamoDbLocal({ port: dynamoPort });
  const ses = await startSesLocal({ port: sesPort });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}

/** Tests import it from here, beside the rest of their set-up. */
export { freePort };
