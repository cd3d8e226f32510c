import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { applyPublisherPolicy, type Publisher, type StackPublisher } from '../bus-policy';
import { terminalQueue } from './queues';
import { StackSection } from './section';

/**
 * The name of a rule on the account's default bus. Its ARN is `rule/<name>`, with no bus in it,
 * so the key policy that lets EventBridge write the rule's dead-letter queue matches it by this
 * stage's prefix.
 */
export const defaultBusRuleName = (prefix: string, name: string) => `${prefix}-${name}`;

export interface MessagingProps {
  readonly prefix: string;
  readonly busName: string;
  readonly publishers: readonly Publisher[];
  /** Roles of this stack that publish to the bus (the clinic seed): the publishers' Deny leaves them out. */
  readonly stackPublishers?: readonly StackPublisher[];
  readonly archiveRetentionDays: number;
  readonly key: kms.Key;
}

/**
 * How events reach CareLoop: the bus front ends publish to (with who may publish what), its
 * archive for replay, and the queue where events that break the contract are kept.
 */
export class Messaging extends StackSection {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly rejectedEventsQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Rule-target dead-letter queues are encrypted with the key: EventBridge writes to them, for
    // the rules on the CareLoop bus (`rule/<bus>/<name>`) and for those on the account's default
    // bus, where SES publishes mail feedback: their ARNs have no bus segment (`rule/<name>`), so
    // they are named with the stage's prefix (see defaultBusRuleName) and matched by it.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeRuleDeadLetterQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'aws:SourceArn': [`${props.busName}/*`, `${defaultBusRuleName(props.prefix, '*')}`].map((resourceName) =>
              stack.formatArn({ service: 'events', resource: 'rule', resourceName }),
            ),
          },
        },
      }),
    );

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'CareLoop clinic events (booking, care, patients)',
    });
    applyPublisherPolicy(this.bus, props.publishers, props.stackPublishers);
    // Not bus.archive(): in aws-cdk-lib 2.276 that helper drops kmsKey.
    this.archive = new events.Archive(this, 'BusArchive', {
      sourceEventBus: this.bus,
      description: `Every event on ${props.busName}, for replay`,
      // An empty prefix matches every source: the archive keeps all events on the bus.
      eventPattern: { source: events.Match.prefix('') },
      retention: Duration.days(props.archiveRetentionDays),
      kmsKey: props.key,
    });
    this.rejectedEventsQueue = terminalQueue(this, 'RejectedEventsQueue', props.key);
  }
}
