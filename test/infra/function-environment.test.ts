import { describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';
import { secretsOf } from '../../functions/descriptor';
import { functionEnvironment, reportsRejectedInput, type DeploymentValues } from '../../infra/function-plan';
import { jobSchedulerFor } from '../../shared/adapters/job-scheduler';
import { busEventsFor } from '../../shared/adapters/own-events';
import { s3ExportStoreFor } from '../../shared/adapters/s3-export-store';
import { sesMailerFor } from '../../shared/adapters/ses-mailer';
import { signedUnsubscribeLinksFor } from '../../shared/adapters/unsubscribe-links';
import { localFunctionEnvironment } from '../../infra/local/functions';
import { ENV, loadRuntimeConfig, requireSetting, type RuntimeConfig } from '../../shared/config';
import { DEFAULT_RETENTION_DAYS } from '../../shared/retention';
import type { OptionalPort } from '../../shared/domain/ports';

/**
 * Each function is given the variables of the parts it wires (infra/function-plan.ts), and each
 * part asks for its own when it is built. Building every part a function's descriptor wires, from
 * exactly the environment the stack gives it, proves none is missing: a function the stack gave
 * too little would fail on its first invocation (as the public function once did, given no
 * UNSUBSCRIBE_BASE_URL while its configuration required one).
 */
const values: DeploymentValues = {
  tableName: 'careloop-dev-table',
  senderAddress: 'appointments@clinic.example',
  sesConfigurationSet: 'careloop-dev',
  scheduleGroupName: 'careloop-dev',
  schedulerRoleArn: 'arn:aws:iam::111122223333:role/scheduler',
  schedulerDeadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:scheduler-dlq',
  dueJobsQueueArn: 'arn:aws:sqs:eu-central-1:111122223333:due-jobs',
  reminderOffsetsMinutes: '1440',
  checkInDelayMinutes: '4320',
  quietHours: '21:00-08:00',
  // Not the default, so a function reading the default instead would show.
  retentionDays: '730',
  rejectedEventsQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/111122223333/rejected',
  unsubscribeBaseUrl: 'https://abc.lambda-url.eu-central-1.on.aws/',
  unsubscribeSecretId: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:signing',
  addressKeySecretId: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:address',
  eventBusName: 'clinic-events',
  exportBucketName: 'careloop-dev-exportbucket',
  exportKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  runtime: { POWERTOOLS_SERVICE_NAME: 'careloop', LOG_LEVEL: 'INFO' },
};

/** What building each optional port reads: the adapter factories the wiring loads on first use. */
const PORT_BUILDERS: Record<OptionalPort, (config: RuntimeConfig) => unknown> = {
  mailer: sesMailerFor,
  scheduler: jobSchedulerFor,
  unsubscribeLinks: signedUnsubscribeLinksFor,
  library: () => undefined,
  events: busEventsFor,
  exports: s3ExportStoreFor,
};

const localEndpoints = {
  dynamodb: 'http://127.0.0.1:8000',
  ses: 'http://127.0.0.1:8005',
  scheduler: 'http://127.0.0.1:4011',
  s3: 'http://127.0.0.1:4012',
  sideServices: 'http://127.0.0.1:4010',
  unsubscribe: 'http://127.0.0.1:4010/unsubscribe/',
};
const localSettings = {
  prefix: 'careloop-local',
  tableName: 'careloop-local-table',
  scheduleGroupName: 'careloop-local',
  senderAddress: 'appointments@careloop.local',
  eventBusName: 'clinic-events',
  exportBucketName: 'careloop-local-exports',
};

describe('the environment each function is given', () => {
  it.each(careLoopFunctions.map((descriptor) => [descriptor.name, descriptor] as const))(
    '%s holds every setting the parts it wires read',
    async (_name, descriptor) => {
      const config = loadRuntimeConfig(functionEnvironment(descriptor, values));
      expect(config.retention, 'writes with the retention of the deployment').toBe(730);
      for (const port of descriptor.ports) {
        expect(() => PORT_BUILDERS[port](config), `${descriptor.name} ${port}`).not.toThrow();
      }
      if (descriptor.ports.includes('unsubscribeLinks') && descriptor.trigger.kind !== 'public-url') {
        expect(config.unsubscribeBaseUrl, 'makes links, so knows where they point').toBe(values.unsubscribeBaseUrl);
      }
      if (reportsRejectedInput(descriptor)) {
        expect(requireSetting(config, 'rejectedEventsQueueUrl', 'the sink')).toBe(values.rejectedEventsQueueUrl);
      }
      if (secretsOf(descriptor).includes('suppressedAddressKey')) {
        expect(requireSetting(config, 'addressKeySecretId', 'the store')).toBe(values.addressKeySecretId);
      }
    },
  );

  it("gives the local stack's functions the retention by the same derivation: a deployment's default unless told", () => {
    for (const descriptor of careLoopFunctions) {
      expect(loadRuntimeConfig(localFunctionEnvironment(descriptor, localEndpoints, localSettings)).retention).toBe(
        DEFAULT_RETENTION_DAYS,
      );
      const off = localFunctionEnvironment(descriptor, localEndpoints, { ...localSettings, retention: 'off' });
      expect(off[ENV.retention], descriptor.name).toBe('off');
    }
  });

  it('gives the export bucket and its key to a function that wires the exports port, and to no other', () => {
    const [someFunction] = careLoopFunctions;
    const exporter = { ...someFunction!, ports: [...someFunction!.ports, 'exports' as const] };
    const config = loadRuntimeConfig(functionEnvironment(exporter, values));
    expect(() => PORT_BUILDERS.exports(config)).not.toThrow();
    expect([config.exportBucketName, config.exportKeyArn]).toEqual([values.exportBucketName, values.exportKeyArn]);
    for (const descriptor of careLoopFunctions.filter((candidate) => !candidate.ports.includes('exports'))) {
      const environment = functionEnvironment(descriptor, values);
      expect(environment, descriptor.name).not.toHaveProperty(ENV.exportBucketName);
      expect(environment, descriptor.name).not.toHaveProperty(ENV.exportKeyArn);
    }
  });

  it('leaves out what a function does not use: the public function knows no scheduler, sender or queue', () => {
    const [publicFunction] = careLoopFunctions.filter((descriptor) => descriptor.trigger.kind === 'public-url');
    expect(Object.keys(functionEnvironment(publicFunction!, values)).sort()).toEqual([
      'LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'RETENTION_DAYS',
      'TABLE_NAME',
      'UNSUBSCRIBE_SECRET_ID',
    ]);
  });
});
