import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';

/**
 * A key CareLoop's functions read and nobody ever sees: 64 random characters Secrets Manager
 * generates, encrypted with the stack's key, kept when the stack is deleted. Not rotated by a
 * Lambda on a timer; `rotation` says why, for cdk-nag's rotation findings.
 */
export function generatedKeySecret(
  scope: Construct,
  id: string,
  props: { description: string; key: kms.IKey; rotation: string },
): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: props.description,
    encryptionKey: props.key,
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(secret, 'AwsSolutions-SMG4', props.rotation);
  acknowledge(secret, 'HIPAA.Security-SecretsManagerRotationEnabled', props.rotation);
  return secret;
}
