import type { CfnElement } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * A named part of the CareLoop stack (data, messaging, scheduling, …) that a reader finds in the
 * construct tree and the code, but that leaves its resources' logical ids as they were before
 * the stack was split into parts (CareLoopStack.allocateLogicalId leaves sections out of the
 * path). A new logical id is a new resource to CloudFormation: the table, the key, the queues
 * and every named resource would be replaced, or fail to be.
 */
export class StackSection extends Construct {}

/** The ids of the path from the stack to an element, with every section left out. */
export function pathWithoutSections(element: IConstruct): string[] {
  const scopes = element.node.scopes;
  const stackIndex = scopes.findIndex((scope) => (scope as { stackName?: unknown }).stackName !== undefined);
  return scopes
    .slice(stackIndex + 1)
    .filter((scope) => !(scope instanceof StackSection))
    .map((scope) => scope.node.id);
}

/**
 * What Stack.allocateLogicalId reads of an element (its scopes and its stack), with the sections
 * taken out of the scopes, so CDK's own algorithm names it as it did before the sections.
 */
export function withoutSections(element: CfnElement): CfnElement {
  const scopes = element.node.scopes.filter((scope) => !(scope instanceof StackSection));
  return { node: { scopes }, stack: element.stack } as unknown as CfnElement;
}
