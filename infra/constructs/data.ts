import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../shared/table-definition';
import { acknowledge, REASONS } from '../nag';
import { StackSection } from './section';

/**
 * Where patient data is kept: the customer-managed key that encrypts everything at rest, the
 * table, and its backups. All retained when the stack is deleted (docs/DEPLOY.md).
 */
export class DataStore extends StackSection {
  readonly key: kms.Key;
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/careloop-${props.stage}`,
      description: `CareLoop ${props.stage}: table, queues, logs and event archive`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts log groups with the key only if its key policy lets it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: string },
      sortKey: { name: tableDefinition.sortKey, type: string },
      globalSecondaryIndexes: tableDefinition.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: index.sortKey, type: string },
      })),
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      dynamoStream: dynamodb.StreamViewType[tableDefinition.streamViewType],
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Besides PITR: a daily AWS Backup copy kept 35 days in a vault encrypted with the CMK (the
    // HIPAA contingency-plan control; AWS Config's dynamodb-in-backup-plan checks it).
    // Directly in the stack: the vault's generated name comes from its construct path, and a new
    // name would replace the vault, leaving its recovery points behind in the old one.
    const backupVault = new backup.BackupVault(stack, 'BackupVault', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const backupSelection = backup.BackupPlan.daily35DayRetention(this, 'BackupPlan', backupVault).addSelection(
      'Table',
      { resources: [backup.BackupResource.fromArn(this.table.tableArn)] },
    );
    acknowledge(
      backupSelection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      REASONS.backupServiceRole,
    );
  }
}
