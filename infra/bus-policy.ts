import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { eventCatalog, type EventSource } from '../events/catalog';
import { pathWithoutSections } from './constructs/section';

/**
 * Who may publish to the CareLoop bus: the `publishers` deploy setting. Each entry names one
 * principal and the contract sources it may send; the bus's resource policy lets exactly
 * those principals call `events:PutEvents`, each only with its own sources (the
 * `events:source` condition key, which EventBridge checks for every entry of a PutEvents call).
 *
 * With no publishers configured no statement is added: the bus has no resource policy and
 * identity-based IAM in the bus's account alone decides who may publish.
 */
export interface Publisher {
  /** An IAM role or user ARN, an account root ARN, or a 12-digit account id. */
  readonly principal: string;
  /** Contract sources this principal may publish, e.g. `clinic.booking`. */
  readonly sources: readonly EventSource[];
}

/**
 * A role of this stack that publishes to the stack's own bus (the deploy-time clinic seed). Its
 * own IAM policy allows it, so it needs no Allow here; it is left out of the Deny of each of its
 * sources, as a listed publisher is. Its ARN is a token, resolved by CloudFormation.
 */
export interface StackPublisher {
  readonly principalArn: string;
  readonly sources: readonly EventSource[];
}

/** Every source in the contract (events/catalog.ts), each once. */
export const CONTRACT_SOURCES: readonly EventSource[] = [
  ...new Set(Object.values(eventCatalog).map((definition) => definition.source)),
];

const ACCOUNT_ID = /^\d{12}$/;
// IAM names and paths: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const IAM_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|(?:role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;

const PRINCIPAL_RULE =
  'must be an IAM role or user ARN (arn:aws:iam::111122223333:role/booking-frontend), ' +
  'an account root ARN (arn:aws:iam::111122223333:root) or a 12-digit account id';

const show = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/** Two spellings of the same principal (an account id and its root ARN) compare equal. */
function principalKey(principal: string): string {
  if (ACCOUNT_ID.test(principal)) return `${principal}:root`;
  const match = IAM_ARN.exec(principal)!;
  return `${match[2]}:${match[3]}`;
}

/**
 * Validates the `publishers` context value: a JSON array (cdk.json) or its JSON text
 * (`-c publishers='[...]'`). Returns the publishers and, separately, every problem found,
 * each naming the entry and field (`publishers[1].sources: ...`), so the caller reports them
 * under the context key.
 */
export function parsePublishers(value: unknown): { publishers: Publisher[]; problems: string[] } {
  const problems: string[] = [];
  let items: unknown = value;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { publishers: [], problems };
  }
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      return {
        publishers: [],
        problems: ['must be a JSON array of {"principal": ..., "sources": [...]}, got text that is not JSON'],
      };
    }
  }
  if (!Array.isArray(items)) {
    return {
      publishers: [],
      problems: [`must be a JSON array of {"principal": ..., "sources": [...]}, got ${show(value)}`],
    };
  }

  const publishers: Publisher[] = [];
  const seen = new Map<string, number>();
  items.forEach((item: unknown, index) => {
    const at = `[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at}: must be an object {"principal": ..., "sources": [...]}, got ${show(item)}`);
      return;
    }
    const entry = item as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((key) => key !== 'principal' && key !== 'sources');
    if (unknown.length > 0) {
      problems.push(`${at}: unknown field ${unknown.map((key) => `"${key}"`).join(', ')} (only principal and sources)`);
    }

    const principal = typeof entry.principal === 'string' ? entry.principal.trim() : undefined;
    const principalOk = principal !== undefined && (ACCOUNT_ID.test(principal) || IAM_ARN.test(principal));
    if (!principalOk) problems.push(`${at}.principal: ${PRINCIPAL_RULE}, got ${show(entry.principal)}`);

    let sources: EventSource[] | undefined;
    if (!Array.isArray(entry.sources) || entry.sources.length === 0) {
      problems.push(
        `${at}.sources: must be a non-empty array of contract sources (${CONTRACT_SOURCES.join(', ')}), got ${show(entry.sources)}`,
      );
    } else {
      const invalid = entry.sources.filter(
        (source) => typeof source !== 'string' || !(CONTRACT_SOURCES as readonly string[]).includes(source),
      );
      if (invalid.length > 0) {
        problems.push(
          `${at}.sources: ${invalid.map(show).join(', ')} ${invalid.length === 1 ? 'is' : 'are'} not in the contract (${CONTRACT_SOURCES.join(', ')})`,
        );
      } else sources = [...new Set(entry.sources as EventSource[])];
    }

    if (principalOk) {
      const key = principalKey(principal);
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`${at}.principal: the same principal as [${first}]; list its sources in one entry`);
        return;
      }
      seen.set(key, index);
    }
    if (principalOk && sources) publishers.push({ principal, sources });
  });
  return { publishers: problems.length > 0 ? [] : publishers, problems };
}

function principalOf(principal: string): iam.IPrincipal {
  return ACCOUNT_ID.test(principal) ? new iam.AccountPrincipal(principal) : new iam.ArnPrincipal(principal);
}

/**
 * The statement id of a publisher's policy. CloudFormation uses it as the physical id of the
 * AWS::Events::EventBusPolicy, which must be unique in the account and region across stacks
 * (aws/aws-cdk#29627): derived from the bus's construct path (which includes the stack, so the
 * stage) and the principal, so two stages in one account never collide and reordering the
 * list changes nothing. EventBridge allows 1-64 characters of [A-Za-z0-9_-].
 */
export function publisherStatementId(bus: events.EventBus, principal: string): string {
  return `careloop-publisher-${publisherHash(bus, principal)}`;
}

const publisherHash = (bus: events.EventBus, principal: string) =>
  shortHash(`${busPath(bus)}\n${principalKey(principal)}`);

/** Of the deny for one source: from the bus's path and the source, so each stage has its own. */
const sourceHash = (bus: events.EventBus, source: string) => shortHash(`${busPath(bus)}\nsource:${source}`);

/**
 * The bus's construct path as it was before the stack was split into sections: statement ids
 * are physical ids, and a new one replaces the policy.
 */
const busPath = (bus: events.EventBus) => [Stack.of(bus).node.path, ...pathWithoutSections(bus)].join('/');

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 20);

/**
 * The patterns of `aws:PrincipalArn` that stand for a publisher: a role or user is its own ARN
 * (a session of a role carries the role's ARN there); an account, by its id or root ARN, is any
 * principal of that account, as a resource policy naming an account means.
 */
function principalArnPatterns(principal: string): string[] {
  if (ACCOUNT_ID.test(principal)) return [`arn:*:iam::${principal}:*`];
  const match = IAM_ARN.exec(principal)!;
  return match[3] === 'root' ? [`arn:${match[1]}:iam::${match[2]}:*`] : [principal];
}

/**
 * Adds the publishers' statements to the bus's resource policy.
 *
 * - One Allow per publisher: `events:PutEvents` on this bus to that principal, when
 *   `events:source` is one of its sources. `StringEquals`, not `ForAllValues:StringEquals`: the
 *   latter is also true when the key is absent. That is what lets another account publish.
 * - One Deny per contract source: `events:PutEvents` with that source, by any principal but the
 *   publishers listed for it. An Allow alone does not keep out a principal of this account
 *   whose own IAM policy allows `events:PutEvents`: it could send `clinic.patients` and redirect
 *   a patient's email. A source no publisher lists is denied to everyone but the stack's own
 *   publishers of it (`stackPublishers`: the clinic seed, for `clinic.admin`).
 *
 * Returns the policies (one AWS::Events::EventBusPolicy each, created one after the other:
 * EventBridge rewrites the bus's single policy document for each). Construct ids, like
 * statement ids, come from the principal or the source, not the position: reordering the list
 * replaces nothing (a replacement would create the new copy, then delete the old one's
 * statement). No publishers, no policy.
 */
export function applyPublisherPolicy(
  bus: events.EventBus,
  publishers: readonly Publisher[],
  stackPublishers: readonly StackPublisher[] = [],
): events.EventBusPolicy[] {
  const policies: events.EventBusPolicy[] = [];
  const chain = (policy: events.EventBusPolicy) => {
    const previous = policies.at(-1);
    if (previous) policy.node.addDependency(previous);
    policies.push(policy);
  };
  for (const publisher of publishers) {
    const statementId = publisherStatementId(bus, publisher.principal);
    const statement = new iam.PolicyStatement({
      sid: statementId,
      effect: iam.Effect.ALLOW,
      principals: [principalOf(publisher.principal)],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': [...publisher.sources] } },
    });
    chain(
      new events.EventBusPolicy(bus, `Publisher-${publisherHash(bus, publisher.principal)}`, {
        eventBus: bus,
        statementId,
        statement: statement.toStatementJson(),
      }),
    );
  }
  if (publishers.length === 0) return policies;
  for (const source of CONTRACT_SOURCES) {
    const allowed = [
      ...publishers
        .filter((publisher) => publisher.sources.includes(source))
        .flatMap((publisher) => principalArnPatterns(publisher.principal)),
      ...stackPublishers
        .filter((publisher) => publisher.sources.includes(source))
        .map((publisher) => publisher.principalArn),
    ];
    const hash = sourceHash(bus, source);
    const statement = new iam.PolicyStatement({
      sid: `careloop-only-publishers-${hash}`,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: {
        StringEquals: { 'events:source': source },
        ...(allowed.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': allowed } } : {}),
      },
    });
    chain(
      new events.EventBusPolicy(bus, `OnlyPublishers-${hash}`, {
        eventBus: bus,
        statementId: `careloop-only-publishers-${hash}`,
        statement: statement.toStatementJson(),
      }),
    );
  }
  return policies;
}
