import { describe, expect, it } from 'vitest';
import { jobSchedulerFor } from '../../../shared/adapters/job-scheduler';
import { sesMailerFor } from '../../../shared/adapters/ses-mailer';
import { signedUnsubscribeLinksFor } from '../../../shared/adapters/unsubscribe-links';
import { loadRuntimeConfig } from '../../../shared/config';

const complete = {
  TABLE_NAME: 'careloop-table',
  SENDER_ADDRESS: 'appointments@clinic.example',
  SCHEDULE_GROUP_NAME: 'careloop',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  DUE_JOBS_QUEUE_ARN: 'arn:aws:sqs:eu-central-1:123456789012:due-jobs',
  REJECTED_EVENTS_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/rejected',
  UNSUBSCRIBE_BASE_URL: 'https://abc.lambda-url.eu-central-1.on.aws/',
  UNSUBSCRIBE_SECRET_ID: 'careloop/unsubscribe',
  ADDRESS_KEY_SECRET_ID: 'careloop/address-key',
};

describe('runtime configuration', () => {
  it('reads the variables, with the defaults for reminders, check-ins, quiet hours and retention', () => {
    expect(loadRuntimeConfig(complete)).toEqual({
      tableName: 'careloop-table',
      senderAddress: 'appointments@clinic.example',
      sesConfigurationSet: undefined,
      scheduleGroupName: 'careloop',
      schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      schedulerDeadLetterArn: undefined,
      dueJobsQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:due-jobs',
      reminderOffsetsMinutes: [1440],
      checkInDelayMinutes: 4320,
      rejectedEventsQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/rejected',
      quietHours: { startMinutes: 1260, endMinutes: 480 },
      retention: 1095,
      unsubscribeBaseUrl: 'https://abc.lambda-url.eu-central-1.on.aws/',
      unsubscribeSecretId: 'careloop/unsubscribe',
      addressKeySecretId: 'careloop/address-key',
    });
  });

  it('orders reminder offsets largest first, each once; quiet hours may be off', () => {
    const config = loadRuntimeConfig({
      ...complete,
      REMINDER_OFFSETS_MINUTES: '60,1440,60',
      CHECK_IN_DELAY_MINUTES: '90',
      QUIET_HOURS: 'off',
      SES_CONFIGURATION_SET: 'careloop',
    });
    expect(config.reminderOffsetsMinutes).toEqual([1440, 60]);
    expect(config.checkInDelayMinutes).toBe(90);
    expect(config.quietHours).toBeUndefined();
    expect(config.sesConfigurationSet).toBe('careloop');
  });

  it('names every variable that is missing or wrong, in one error', () => {
    const { TABLE_NAME: _table, ...withoutTable } = complete;
    expect(() =>
      loadRuntimeConfig({
        ...withoutTable,
        SENDER_ADDRESS: '',
        REMINDER_OFFSETS_MINUTES: '0,60',
        CHECK_IN_DELAY_MINUTES: '1.5',
        QUIET_HOURS: '25:00-08:00',
        UNSUBSCRIBE_BASE_URL: 'ftp://clinic.example/',
      }),
    ).toThrow(
      'CareLoop configuration is incomplete: TABLE_NAME: is required; ' +
        'REMINDER_OFFSETS_MINUTES: must be a comma-separated list of whole minutes, each above 0; ' +
        'CHECK_IN_DELAY_MINUTES: must be a whole number of minutes above 0; ' +
        'QUIET_HOURS: quiet hours must use times from 00:00 to 23:59, not "25:00-08:00"; ' +
        'UNSUBSCRIBE_BASE_URL: must be an http(s) URL',
    );
  });

  it('reads S3_FORCE_PATH_STYLE as the local stack sets it, leaves it unset as a deployment does, and refuses a typo', () => {
    expect(loadRuntimeConfig({ ...complete, S3_FORCE_PATH_STYLE: 'true' }).s3ForcePathStyle).toBe(true);
    expect(loadRuntimeConfig({ ...complete, S3_FORCE_PATH_STYLE: 'false' }).s3ForcePathStyle).toBe(false);
    expect(loadRuntimeConfig(complete).s3ForcePathStyle).toBeUndefined();
    expect(() => loadRuntimeConfig({ ...complete, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(
      'S3_FORCE_PATH_STYLE: must be true or false',
    );
  });

  it('reads the retention as days or off, and names RETENTION_DAYS when it is neither', () => {
    expect(loadRuntimeConfig({ ...complete, RETENTION_DAYS: '30' }).retention).toBe(30);
    expect(loadRuntimeConfig({ ...complete, RETENTION_DAYS: 'off' }).retention).toBe('off');
    expect(loadRuntimeConfig({ ...complete, RETENTION_DAYS: '' }).retention).toBe(1095);
    for (const bad of ['0', '-1', '2.5', 'forever', '36501']) {
      expect(() => loadRuntimeConfig({ ...complete, RETENTION_DAYS: bad }), bad).toThrow(
        'CareLoop configuration is incomplete: RETENTION_DAYS: must be a whole number of days from 1 to 36500, or off',
      );
    }
  });

  it('refuses a sender address too short to be one, and a URL that is not one', () => {
    expect(() => loadRuntimeConfig({ ...complete, SENDER_ADDRESS: 'ab', UNSUBSCRIBE_BASE_URL: 'not a url' })).toThrow(
      'SENDER_ADDRESS: must be at least 3 characters; UNSUBSCRIBE_BASE_URL: must be an http(s) URL',
    );
  });
});

describe('each part asks for its own settings', () => {
  const onlyTable = loadRuntimeConfig({ TABLE_NAME: 'careloop-table' });

  it('reads a function given only its table', () => {
    expect(onlyTable.tableName).toBe('careloop-table');
    expect(onlyTable.senderAddress).toBeUndefined();
  });

  it.each([
    ['the mailer', () => sesMailerFor(onlyTable), 'SENDER_ADDRESS is required by the mailer'],
    ['the scheduler', () => jobSchedulerFor(onlyTable), 'SCHEDULE_GROUP_NAME is required by the scheduler'],
    [
      'the unsubscribe links',
      () => signedUnsubscribeLinksFor(onlyTable),
      'UNSUBSCRIBE_SECRET_ID is required by the unsubscribe links',
    ],
  ])('%s names the variable it misses', (_part, build, message) => {
    expect(build).toThrow(`CareLoop configuration is incomplete: ${message}`);
  });

  it('lets a function that only verifies links (the public one) go without their base URL', async () => {
    const links = signedUnsubscribeLinksFor({ ...onlyTable, unsubscribeSecretId: 'careloop/unsubscribe' });
    await expect(links.urlFor('riverside', 'pt-1')).rejects.toThrow('UNSUBSCRIBE_BASE_URL is required');
  });
});
