import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalStackOnFreePorts, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';

/**
 * The local stack as `npm start` runs it, on the suite's one DynamoDB Local with a table of its
 * own, rather than a JVM of its own: a JVM's start and first requests cost more CPU than most
 * stack tests, and the suite is bound by its two cores. test/e2e/local-stack.test.ts and the
 * benchmark still start stacks with their own DynamoDB Local, as `npm start` does.
 */
export function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStackOnFreePorts({
    dynamodb: { endpoint: inject('dynamoEndpoint'), tableName: `stack-${randomUUID().slice(0, 8)}` },
    ...options,
  });
}
