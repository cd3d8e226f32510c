import { describe, expect, it } from 'vitest';
import { resolveSettings, SettingsError } from '../../infra/settings';

/** A context getter backed by a plain object, as `-c key=value` or cdk.json would supply. */
const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

const errorOf = (values: Record<string, unknown>, env: Record<string, string> = {}) => {
  try {
    resolveSettings(context(values), env);
  } catch (error) {
    return error as SettingsError;
  }
  throw new Error('expected resolveSettings to throw');
};

describe('resolveSettings', () => {
  it('applies the documented defaults when no context is given', () => {
    expect(resolveSettings(context({}), {})).toEqual({
      stage: 'dev',
      busName: 'clinic-events',
      senderAddress: 'appointments@example.com',
      reminderOffsetsHours: [24],
      checkInDelayHours: 72,
      quietHours: '21:00-08:00',
      publicFunctionConcurrency: 10,
      retention: 1095,
      archiveRetentionDays: 35,
      tracing: 'passthrough',
      region: 'eu-central-1',
    });
  });

  it('takes the archive retention as a whole number of days, and names the key otherwise', () => {
    expect(resolveSettings(context({ archiveRetentionDays: '90' }), {}).archiveRetentionDays).toBe(90);
    expect(resolveSettings(context({ archiveRetentionDays: 7 }), {}).archiveRetentionDays).toBe(7);
    for (const bad of [0, 3651, 1.5, 'forever', 'off']) {
      expect(() => resolveSettings(context({ archiveRetentionDays: bad }), {}), String(bad)).toThrow(
        /context key "archiveRetentionDays": must be a whole number of days from 1 to 3650/,
      );
    }
  });

  it('keeps sessions, answers and the email log three years unless the context says how many days, or off', () => {
    expect(resolveSettings(context({}), {}).retention).toBe(3 * 365);
    expect(resolveSettings(context({ retention: '730' }), {}).retention).toBe(730);
    expect(resolveSettings(context({ retention: 400 }), {}).retention).toBe(400);
    expect(resolveSettings(context({ retention: ' off ' }), {}).retention).toBe('off');
    // `-c retention=` gives an empty string: not given.
    expect(resolveSettings(context({ retention: '' }), {}).retention).toBe(1095);
  });

  it('names the retention key for anything but a whole number of days or off', () => {
    for (const bad of [0, -30, 1.5, '1.5', '30d', 'forever', 'OFF', 'none', true, [365], 36_501]) {
      const error = errorOf({ retention: bad });
      expect(error.problems, String(bad)).toEqual([
        {
          key: 'retention',
          message: expect.stringMatching(/^must be a whole number of days from 1 to 36500, or off, got /),
        },
      ]);
      expect(error.message).toContain('context key "retention"');
    }
  });

  it('refuses a retention shorter than the archive reaches back, since a replay would email again', () => {
    expect(errorOf({ retention: 30 }).problems).toEqual([
      { key: 'retention', message: expect.stringContaining('must be at least archiveRetentionDays (35), or off') },
    ]);
    expect(errorOf({ retention: 90, archiveRetentionDays: 365 }).problems.map((p) => p.key)).toEqual(['retention']);
    expect(resolveSettings(context({ retention: 35 }), {}).retention).toBe(35);
    expect(resolveSettings(context({ retention: 7, archiveRetentionDays: 7 }), {}).retention).toBe(7);
    expect(resolveSettings(context({ retention: 'off', archiveRetentionDays: 3650 }), {}).retention).toBe('off');
  });

  it('takes the public function concurrency as a whole number or off, and names the key otherwise', () => {
    expect(resolveSettings(context({ publicFunctionConcurrency: '25' }), {}).publicFunctionConcurrency).toBe(25);
    expect(resolveSettings(context({ publicFunctionConcurrency: 40 }), {}).publicFunctionConcurrency).toBe(40);
    expect(resolveSettings(context({ publicFunctionConcurrency: 'off' }), {}).publicFunctionConcurrency).toBe('off');
    for (const bad of [0, -1, 2.5, '2.5', 'ten', 501, true]) {
      expect(() => resolveSettings(context({ publicFunctionConcurrency: bad }), {}), String(bad)).toThrow(
        /context key "publicFunctionConcurrency": must be a whole number from 1 to 500, or off/,
      );
    }
  });

  it('takes the tracing mode as active or passthrough, and names the key otherwise', () => {
    expect(resolveSettings(context({ tracing: 'passthrough' }), {}).tracing).toBe('passthrough');
    expect(resolveSettings(context({ tracing: ' active ' }), {}).tracing).toBe('active');
    // A rate cannot be given: Lambda applies no sampling rule of its own choosing (settings.ts TRACING_MODES).
    for (const bad of ['0.05', 0.05, 'off', 'Active', 'pass-through', true]) {
      expect(() => resolveSettings(context({ tracing: bad }), {}), String(bad)).toThrow(
        /context key "tracing": must be active \(.*\) or passthrough/,
      );
    }
  });

  it('accepts quiet hours as a local time range or off, and names the key when they are malformed', () => {
    expect(resolveSettings(context({ quietHours: '22:00-07:30' }), {}).quietHours).toBe('22:00-07:30');
    expect(resolveSettings(context({ quietHours: 'off' }), {}).quietHours).toBe('off');
    expect(() => resolveSettings(context({ quietHours: '9pm' }), {})).toThrow(/context key "quietHours"/);
  });

  it('takes region and account from the CDK environment when the context names none', () => {
    const settings = resolveSettings(context({}), {
      CDK_DEFAULT_REGION: 'us-west-2',
      CDK_DEFAULT_ACCOUNT: '123456789012',
    });
    expect(settings.region).toBe('us-west-2');
    expect(settings.account).toBe('123456789012');
  });

  it('prefers context over the CDK environment', () => {
    const settings = resolveSettings(context({ region: 'eu-west-1', account: '210987654321' }), {
      CDK_DEFAULT_REGION: 'us-west-2',
      CDK_DEFAULT_ACCOUNT: '123456789012',
    });
    expect(settings).toMatchObject({ region: 'eu-west-1', account: '210987654321' });
  });

  it.each([
    ['a comma list from -c', '24,2', [24, 2]],
    ['a JSON array string from -c', '[2, 48]', [48, 2]],
    ['an array from cdk.json', [24, 24, 0.5], [24, 0.5]],
    ['a single number', 12, [12]],
  ])('accepts reminderOffsetsHours as %s', (_label, value, expected) => {
    expect(resolveSettings(context({ reminderOffsetsHours: value }), {}).reminderOffsetsHours).toEqual(expected);
  });

  it('reads string numbers for checkInDelayHours (as -c passes them)', () => {
    expect(resolveSettings(context({ checkInDelayHours: '48' }), {}).checkInDelayHours).toBe(48);
  });

  it('keeps a sender domain and checks the address belongs to it', () => {
    const settings = resolveSettings(
      context({ senderDomain: 'Mail.Example.org', senderAddress: 'care@mail.example.org' }),
      {},
    );
    expect(settings.senderDomain).toBe('mail.example.org');
    expect(errorOf({ senderDomain: 'mail.example.org' }).message).toMatch(/"senderAddress".*senderDomain/);
  });

  it.each([
    ['senderAddress', 'not-an-email'],
    ['senderAddress', 'Front Desk <desk@example.com>'],
    ['senderAddress', 'desk@example.com\r\nBcc: x@evil.test'],
    ['stage', 'Prod'],
    ['stage', 'a-stage-name-longer-than-20'],
    ['stage', 'dev_1'],
    ['busName', 'default'],
    ['busName', 'has space'],
    ['reminderOffsetsHours', 'abc'],
    ['reminderOffsetsHours', '24,-1'],
    ['reminderOffsetsHours', []],
    ['reminderOffsetsHours', '[24'],
    ['reminderOffsetsHours', '0.01'],
    ['checkInDelayHours', 0],
    ['checkInDelayHours', 'three days'],
    ['region', 'Frankfurt'],
    ['account', '1234'],
    ['publishers', '[{"principal":"*","sources":["clinic.booking"]}]'],
    ['publishers', [{ principal: '111122223333', sources: ['clinic.billing'] }]],
    ['alarmEmail', 'ops team'],
    ['alarmEmail', 'Ops <ops@example.com>'],
  ])('rejects %s = %j with an error naming the context key', (key, value) => {
    const error = errorOf({ [key]: value });
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.problems.map((p) => p.key)).toEqual([key]);
    expect(error.message).toContain(`context key "${key}"`);
  });

  it('keeps an alarm email when given and leaves it out otherwise', () => {
    expect(resolveSettings(context({ alarmEmail: ' ops@riverside.example ' }), {}).alarmEmail).toBe(
      'ops@riverside.example',
    );
    expect(resolveSettings(context({ alarmEmail: '' }), {})).not.toHaveProperty('alarmEmail');
  });

  it('keeps the publishers allowed on the bus when given and leaves them out otherwise', () => {
    const publishers = [{ principal: 'arn:aws:iam::111122223333:role/booking-frontend', sources: ['clinic.booking'] }];
    expect(resolveSettings(context({ publishers: JSON.stringify(publishers) }), {}).publishers).toEqual(publishers);
    expect(resolveSettings(context({ publishers: [] }), {})).not.toHaveProperty('publishers');
  });

  it('reports every bad key at once', () => {
    const error = errorOf({ stage: 'PROD', senderAddress: 'nope', reminderOffsetsHours: 'x' });
    expect(error.problems.map((p) => p.key)).toEqual(['stage', 'senderAddress', 'reminderOffsetsHours']);
  });
});
