/**
 * Just enough of IAM's policy evaluation to ask a synthesized template "may this service
 * principal do this action here, in this request context?": CloudFormation's intrinsic
 * functions resolved for a stack with a concrete account and region, and the condition
 * operators CareLoop's policies use. A condition on a key the context does not carry fails,
 * as it does in IAM for every operator but the `...IfExists` ones, which the stack never uses.
 */

type Json = Record<string, any>;
export type Resources = Record<string, { Type: string; Properties?: Json }>;

export interface Environment {
  account: string;
  region: string;
  partition: string;
  stackName: string;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The ARN CloudFormation gives a resource, with its logical id standing in for a generated name. */
export function arnOf(resources: Resources, logicalId: string, env: Environment): string {
  const resource = resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  const { partition, region, account } = env;
  const properties = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::Events::Rule': {
      // A rule's ARN names its bus unless the rule is on the default bus.
      const name = properties.Name ? resolve(properties.Name, resources, env) : `${env.stackName}-${logicalId}`;
      const bus = properties.EventBusName === undefined ? 'default' : resolve(properties.EventBusName, resources, env);
      const busName = bus.startsWith('arn:') ? bus.split('/').pop()! : bus;
      return `arn:${partition}:events:${region}:${account}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`;
    }
    case 'AWS::Events::EventBus':
      return `arn:${partition}:events:${region}:${account}:event-bus/${resolve(properties.Name, resources, env)}`;
    case 'AWS::SQS::Queue':
      return `arn:${partition}:sqs:${region}:${account}:${env.stackName}-${logicalId}`;
    case 'AWS::KMS::Key':
      return `arn:${partition}:kms:${region}:${account}:key/${logicalId}`;
    case 'AWS::IAM::Role':
      return `arn:${partition}:iam::${account}:role/${env.stackName}-${logicalId}`;
    case 'AWS::S3::Bucket':
      return `arn:${partition}:s3:::${bucketNameOf(resources, logicalId, env)}`;
    case 'AWS::Lambda::Function':
      return `arn:${partition}:lambda:${region}:${account}:function:${resolve(properties.FunctionName ?? logicalId, resources, env)}`;
    default:
      return `arn:${partition}:cloudformation-stand-in:${region}:${account}:${logicalId}`;
  }
}

/** A bucket's name: its own when the template gives one, else a stand-in for CloudFormation's generated one. */
function bucketNameOf(resources: Resources, logicalId: string, env: Environment): string {
  const name = resources[logicalId]?.Properties?.BucketName;
  return name === undefined ? `${env.stackName}-${logicalId}`.toLowerCase() : resolve(name, resources, env);
}

/** A template value with Ref, Fn::GetAtt (Arn) and Fn::Join resolved. */
export function resolve(value: unknown, resources: Resources, env: Environment): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  const object = value as Json;
  if ('Ref' in object) {
    const ref = object.Ref as string;
    if (ref === 'AWS::Partition') return env.partition;
    if (ref === 'AWS::AccountId') return env.account;
    if (ref === 'AWS::Region') return env.region;
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    const resource = resources[ref];
    if (resource?.Type === 'AWS::Events::EventBus') return resolve(resource.Properties!.Name, resources, env);
    if (resource?.Type === 'AWS::S3::Bucket') return bucketNameOf(resources, ref, env);
    if (resource?.Type === 'AWS::SQS::Queue') {
      return `https://sqs.${env.region}.amazonaws.com/${env.account}/${env.stackName}-${ref}`;
    }
    return ref;
  }
  if ('Fn::GetAtt' in object) {
    const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
    if (attribute !== 'Arn') throw new Error(`cannot resolve ${logicalId}.${attribute}`);
    return arnOf(resources, logicalId, env);
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(part, resources, env)).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** ArnLike compares an ARN's six parts one by one, each with wildcards. */
function arnLike(pattern: string, value: string): boolean {
  const patternParts = pattern.split(':');
  const valueParts = value.split(':');
  if (patternParts.length < 6 || valueParts.length < 6) return false;
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const [p, v] = [head(patternParts), head(valueParts)];
  return p.every((part, index) => globMatches(part, v[index]!));
}

const OPERATORS: Record<string, (expected: string, actual: string) => boolean> = {
  StringEquals: (expected, actual) => expected === actual,
  StringLike: globMatches,
  ArnEquals: (expected, actual) => expected === actual,
  ArnLike: arnLike,
  Bool: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
};

/** Negated operators hold when the value matches none of the given ones. */
const NEGATED: Record<string, string> = { ArnNotLike: 'ArnLike', StringNotEquals: 'StringEquals' };

/** Whether every condition of the statement holds for the request context. */
export function conditionsHold(
  statement: Statement,
  context: Record<string, string>,
  resources: Resources,
  env: Environment,
): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const negated = NEGATED[operator];
    const compare = OPERATORS[negated ?? operator];
    if (!compare) throw new Error(`condition operator ${operator} is not evaluated here`);
    for (const [key, expected] of Object.entries(keys)) {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = [expected].flat().map((value) => resolve(value, resources, env));
      const matches = values.some((value) => compare(value, actual));
      if (negated ? matches : !matches) return false;
    }
  }
  return true;
}

const listOf = (value: unknown) => [value ?? []].flat() as unknown[];

function actionMatches(statement: Statement, action: string): boolean {
  return listOf(statement.Action).some((pattern) => globMatches(String(pattern).toLowerCase(), action.toLowerCase()));
}

function principalMatches(
  statement: Statement,
  principal: { service?: string; arn?: string },
  resources: Resources,
  env: Environment,
): boolean {
  const given = statement.Principal;
  if (given === '*') return true;
  if (typeof given !== 'object' || given === null) return false;
  const { Service, AWS } = given as { Service?: unknown; AWS?: unknown };
  // {"AWS": "*"} is every principal, as "*" is (CDK writes the TLS-only Deny so).
  if (listOf(AWS).includes('*')) return true;
  if (principal.service && listOf(Service).includes(principal.service)) return true;
  return principal.arn !== undefined && listOf(AWS).some((value) => resolve(value, resources, env) === principal.arn);
}

export interface Request {
  principal: { service?: string; arn?: string };
  action: string;
  /** The resource the action is on, as an ARN; a key policy's `*` means the key itself. */
  resource?: string;
  context: Record<string, string>;
}

/**
 * What a resource policy (a key policy, a queue policy) answers to a request: allowed when a
 * statement allows it and none denies it.
 */
export function resourcePolicyAllows(
  statements: readonly Statement[],
  request: Request,
  resources: Resources,
  env: Environment,
): boolean {
  const applies = (statement: Statement) =>
    principalMatches(statement, request.principal, resources, env) &&
    actionMatches(statement, request.action) &&
    (request.resource === undefined ||
      listOf(statement.Resource).some(
        (resource) => resource === '*' || globMatches(resolve(resource, resources, env), request.resource!),
      )) &&
    conditionsHold(statement, request.context, resources, env);
  const relevant = statements.filter(applies);
  return relevant.some((s) => s.Effect === 'Allow') && !relevant.some((s) => s.Effect === 'Deny');
}

/** Whether an identity policy's statements allow the action on the resource, in the request context given. */
export function identityAllows(
  statements: readonly Statement[],
  action: string,
  resource: string,
  resources: Resources,
  env: Environment,
  context: Record<string, string> = {},
): boolean {
  const applies = (statement: Statement) =>
    actionMatches(statement, action) &&
    listOf(statement.Resource).some((value) => globMatches(resolve(value, resources, env), resource)) &&
    conditionsHold(statement, context, resources, env);
  const relevant = statements.filter(applies);
  return relevant.some((s) => s.Effect === 'Allow') && !relevant.some((s) => s.Effect === 'Deny');
}

/** A principal's request to a resource, as an ARN, with the principal's own (identity) statements. */
export interface PrincipalRequest extends Request {
  readonly resource: string;
  readonly identity: readonly Statement[];
}

/** What the statements that apply to the request say: an explicit Deny wins, then any Allow. */
function decision(
  statements: readonly Statement[],
  request: Request & { resource: string },
  resources: Resources,
  env: Environment,
  { checkPrincipal }: { checkPrincipal: boolean },
): 'deny' | 'allow' | 'none' {
  const applies = (statement: Statement) =>
    (!checkPrincipal || principalMatches(statement, request.principal, resources, env)) &&
    actionMatches(statement, request.action) &&
    listOf(statement.Resource).some(
      (resource) => resource === '*' || globMatches(resolve(resource, resources, env), request.resource),
    ) &&
    conditionsHold(statement, request.context, resources, env);
  const relevant = statements.filter(applies);
  if (relevant.some((s) => s.Effect === 'Deny')) return 'deny';
  return relevant.some((s) => s.Effect === 'Allow') ? 'allow' : 'none';
}

/**
 * What IAM answers a principal of the resource's own account (an S3 bucket, an SQS queue): allowed
 * when its identity policy or the resource policy allows, and neither denies. Not for a KMS key,
 * whose key policy must allow (see {@link keyAllows}).
 */
export function sameAccountAllows(
  resourcePolicy: readonly Statement[],
  request: PrincipalRequest,
  resources: Resources,
  env: Environment,
): boolean {
  const byResource = decision(resourcePolicy, request, resources, env, { checkPrincipal: true });
  const byIdentity = decision(request.identity, request, resources, env, { checkPrincipal: false });
  if (byResource === 'deny' || byIdentity === 'deny') return false;
  return byResource === 'allow' || byIdentity === 'allow';
}

/**
 * What KMS answers a principal of the key's account: the key policy allows it by name, or lets IAM
 * policies decide (its statement for the account's root) and the principal's own policy allows;
 * an explicit Deny in either refuses.
 */
export function keyAllows(
  keyPolicy: readonly Statement[],
  request: PrincipalRequest,
  resources: Resources,
  env: Environment,
): boolean {
  const byKey = decision(keyPolicy, request, resources, env, { checkPrincipal: true });
  const byIdentity = decision(request.identity, request, resources, env, { checkPrincipal: false });
  if (byKey === 'deny' || byIdentity === 'deny') return false;
  if (byKey === 'allow') return true;
  const root = { principal: { arn: `arn:${env.partition}:iam::${env.account}:root` } };
  return decision(keyPolicy, { ...request, ...root }, resources, env, { checkPrincipal: true }) === 'allow'
    ? byIdentity === 'allow'
    : false;
}
