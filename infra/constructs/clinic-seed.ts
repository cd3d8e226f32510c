import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import { EVENT_SOURCES } from '../../events/detail-types';
import type { ClinicProfileUpdated } from '../../events/schemas';
import { FUNCTION_RUNTIME_ENVIRONMENT } from '../bundling';
import type { StackPublisher } from '../bus-policy';
import type { ClinicSeedProperties } from '../clinic-seed-provider/handler';
import { acknowledge, REASONS } from '../nag';
import { FUNCTION_DEFAULTS, functionCode } from './careloop-function';
import { StackSection } from './section';

/** The provider's handler, from the project root. */
export const CLINIC_SEED_HANDLER = 'infra/clinic-seed-provider/handler.ts';

/** The one source the seed publishes, and so the only one its role may send. */
const SEED_SOURCE = EVENT_SOURCES.ClinicProfileUpdated;

export interface ClinicSeedProps {
  readonly prefix: string;
  readonly key: kms.IKey;
  readonly projectRoot: string;
  readonly profiles: readonly ClinicProfileUpdated[];
}

export interface ClinicSeedPublishing {
  /** Whatever must exist before a profile is published: the functions and rules that store it. */
  readonly after: readonly IDependable[];
  /**
   * The functions the bus hands a ClinicProfileUpdated to. A change to this list publishes every
   * profile again, so a profile published before any function could store it reaches the one an
   * upgrade adds; to a function that already has it, it is a duplicate.
   */
  readonly consumers: readonly string[];
}

/**
 * The clinic profiles of `-c clinicsFile=…`, published to the bus at deploy time (docs/DEPLOY.md,
 * "Clinic profiles at deploy time"): one custom resource per clinic, whose provider function
 * publishes that clinic's `ClinicProfileUpdated` when the resource is created or its profile
 * changes. An unchanged profile is not published again; a profile taken out of the file is left
 * as the clinic has it. The handler stores a profile only if it is newer (by `occurredAt`) than
 * the one stored, so the seed never overwrites what the clinic admin app published later.
 *
 * Built in two steps: the role first, so the bus policy (Messaging) can name it among those who
 * may send `clinic.admin`; the publishing once the bus and the functions exist.
 */
export class ClinicSeed extends StackSection {
  /** The seed's role, as the bus policy lets it publish: `clinic.admin` and nothing else. */
  readonly publisher: StackPublisher;
  readonly role: iam.Role;
  readonly fn: lambda.Function;
  /** One per clinic, by clinicId. */
  readonly resources = new Map<string, CustomResource>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ClinicSeedProps,
  ) {
    super(scope, id);
    const functionName = `${props.prefix}-clinic-seed`;
    const logGroup = new logs.LogGroup(this, 'ClinicSeedLogs', {
      retention: FUNCTION_DEFAULTS.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Its own role, writing to its own log group only (AWSLambdaBasicExecutionRole would allow
    // every log group in the account).
    this.role = new iam.Role(this, 'ClinicSeedRole', {
      description: `Execution role of ${functionName}: publishes the deploy-time clinic profiles`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(this.role);
    acknowledge(this.role, 'HIPAA.Security-IAMNoInlinePolicy', REASONS.roleOwnPolicy);
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', REASONS.xrayOnAnyResource);
    this.publisher = { principalArn: this.role.roleArn, sources: [SEED_SOURCE] };

    this.fn = new lambda.Function(this, 'ClinicSeedFunction', {
      functionName,
      description: 'CareLoop: publishes the clinic profiles of clinicsFile during a deployment',
      code: functionCode(props.projectRoot, CLINIC_SEED_HANDLER, undefined),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: FUNCTION_DEFAULTS.memorySize,
      // Room for the retries while a new role's policy takes effect (ACCESS_RETRY in the handler).
      timeout: Duration.minutes(2),
      role: this.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: FUNCTION_RUNTIME_ENVIRONMENT,
    });
    acknowledge(this.fn, 'HIPAA.Security-LambdaInsideVPC', REASONS.clinicSeedNoVpc);
    acknowledge(this.fn, 'HIPAA.Security-LambdaConcurrency', REASONS.clinicSeedConcurrency);
    acknowledge(this.fn, 'HIPAA.Security-LambdaDLQ', REASONS.clinicSeedNoDlq);
    acknowledge(this.fn, 'Serverless-LambdaDLQ', REASONS.clinicSeedNoDlq);
  }

  /** Lets the role publish the seed's source to `bus`, and publishes each profile there. */
  publishTo(bus: events.IEventBus, publishing: ClinicSeedPublishing): void {
    // Only PutEvents, only on this bus, only with the seed's source (EventBridge checks
    // events:source for every entry of a call).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishClinicProfiles',
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': SEED_SOURCE } },
      }),
    );
    // Not a section: its id stays in the resources' paths, which makes their logical ids unique
    // for clinic ids that differ only in hyphens (`river-side`, `riverside`).
    const profiles = new Construct(this, 'ClinicProfiles');
    for (const profile of this.props.profiles) {
      const properties: ClinicSeedProperties & { Consumers: string } = {
        EventBusName: bus.eventBusName,
        Detail: JSON.stringify(profile),
        Consumers: [...publishing.consumers].sort().join(','),
      };
      // By clinic: a changed profile updates its resource (and is published), an unchanged one
      // is left alone, one taken out of the file is deleted (and nothing is published).
      const resource = new CustomResource(profiles, profile.clinicId, {
        serviceToken: this.fn.functionArn,
        resourceType: 'Custom::CareLoopClinicProfile',
        properties,
        // A provider that never answers would hold the deployment for CloudFormation's hour.
        serviceTimeout: Duration.minutes(5),
      });
      resource.node.addDependency(this.role, ...publishing.after);
      this.resources.set(profile.clinicId, resource);
    }
  }
}
