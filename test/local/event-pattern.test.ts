import { describe, expect, it } from 'vitest';

import { eventCatalog, detailTypes, type DetailType } from '../../events/catalog';
import { careLoopFunctions } from '../../functions/catalog';
import { eventPatternOf, triggerOf } from '../../infra/function-plan';
import { matchesEventPattern, validateEventPattern, type EventPattern } from '../../infra/local/event-pattern';

/** The sample event of aws/event-ruler's README and AWS's content-filtering examples. */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail: { ...ec2Event.detail, ...detail } });

/** "Matching null values and empty strings in Amazon EventBridge event patterns". */
const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

/** "Arrays in Amazon EventBridge event patterns" and event-ruler's "JSON Array Matching". */
const employeesEvent = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};
const nestedEmployeesEvent = {
  employees: [
    [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
    [{ firstName: 'Peter', lastName: 'Jones' }],
  ],
};

const cloudwatchEvent = (fields: Record<string, unknown>) => ({ source: 'aws.cloudwatch', ...fields });

type Case = [name: string, pattern: EventPattern, event: object, matches: boolean];

const cases: Case[] = [
  // Event pattern syntax: AND across fields, OR within a leaf array, nesting must match.
  [
    'simple matching on detail-type, resources and one of two states',
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    },
    ec2Event,
    true,
  ],
  ['no state in the list matches', { detail: { state: ['initializing', 'terminated'] } }, ec2Event, false],
  [
    'source, detail-type and detail.state of the terminated example',
    {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    withDetail({ state: 'terminated' }),
    true,
  ],
  ['one of several sources (aws.ec2 or aws.fargate)', { source: ['aws.ec2', 'aws.fargate'] }, ec2Event, true],
  ['another source does not match', { source: ['aws.fargate', 'aws.s3'] }, ec2Event, false],
  ['a field named in the pattern must be in the event', { detail: { 'e-count': [5] } }, ec2Event, false],
  ['the nesting must be the same as the event', { state: ['running'] }, ec2Event, false],
  ['matching is case sensitive', { detail: { state: ['RUNNING'] } }, ec2Event, false],
  ['a nested pattern does not match a scalar', { detail: { state: { name: ['running'] } } }, ec2Event, false],
  // JSON types: no coercion between strings, numbers and booleans.
  ['number matches number', { detail: { 'c-count': [5] } }, ec2Event, true],
  ['a string does not match the number', { detail: { 'c-count': ['5'] } }, ec2Event, false],
  ['boolean true matches true', { detail: { flag: [true] } }, withDetail({ flag: true }), true],
  ['boolean true does not match the string "true"', { detail: { flag: [true] } }, withDetail({ flag: 'true' }), false],
  // Null values and empty strings.
  ['empty string matches empty string', { detail: { eventVersion: [''] } }, autoscalingEvent, true],
  ['null matches null', { detail: { responseElements: [null] } }, autoscalingEvent, true],
  ['empty string does not match null', { detail: { responseElements: [''] } }, autoscalingEvent, false],
  ['null does not match empty string', { detail: { eventVersion: [null] } }, autoscalingEvent, false],
  // Prefix.
  ['prefix on time', { time: [{ prefix: '2017-10-02' }] }, ec2Event, true],
  ['prefix that differs', { time: [{ prefix: '2017-10-03' }] }, ec2Event, false],
  ['prefix only matches strings', { detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event, false],
  [
    'prefix equals-ignore-case (EventB matches eventbridge)',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    withDetail({ service: 'eventbridge' }),
    true,
  ],
  [
    'prefix equals-ignore-case (EventB matches EVENTBRIDGE)',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    withDetail({ service: 'EVENTBRIDGE' }),
    true,
  ],
  [
    'prefix equals-ignore-case that differs',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    withDetail({ service: 'lambda' }),
    false,
  ],
  // Suffix.
  ['suffix on source', { source: [{ suffix: 'ec2' }] }, ec2Event, true],
  ['suffix .png', { detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.png' }), true],
  [
    'suffix .png on a .jpg',
    { detail: { FileName: [{ suffix: '.png' }] } },
    withDetail({ FileName: 'image.jpg' }),
    false,
  ],
  [
    'suffix is case sensitive',
    { detail: { FileName: [{ suffix: '.png' }] } },
    withDetail({ FileName: 'IMAGE.PNG' }),
    false,
  ],
  [
    'suffix equals-ignore-case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    withDetail({ FileName: 'IMAGE.PNG' }),
    true,
  ],
  // Equals-ignore-case.
  ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, ec2Event, true],
  ['equals-ignore-case is not a substring match', { source: [{ 'equals-ignore-case': 'EC2' }] }, ec2Event, false],
  // Wildcard.
  ['wildcard Simple*Service', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' }, true],
  ['wildcard * matches nothing too', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleService' }, true],
  ['wildcard that does not match', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueue' }, false],
  [
    'wildcard in an ARN',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
    true,
  ],
  [
    'wildcard in an ARN of another region',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' },
    false,
  ],
  ['wildcard crosses "/"', { FilePath: [{ wildcard: 'dir/*.png' }] }, { FilePath: 'dir/subdir/init.png' }, true],
  ['escaped star is a literal star', { name: [{ wildcard: 'a\\*b' }] }, { name: 'a*b' }, true],
  ['escaped star does not match other characters', { name: [{ wildcard: 'a\\*b' }] }, { name: 'axb' }, false],
  // Anything-but.
  ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event, true],
  [
    'anything-but the value itself',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    withDetail({ state: 'initializing' }),
    false,
  ],
  ['anything-but a number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2Event, true],
  [
    'anything-but the number itself',
    { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    withDetail({ 'x-limit': 123 }),
    false,
  ],
  [
    'anything-but a list of strings',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    ec2Event,
    true,
  ],
  [
    'anything-but a list of strings, value in the list',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    withDetail({ state: 'stopped' }),
    false,
  ],
  ['anything-but a list of numbers', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, ec2Event, true],
  [
    'anything-but a list of numbers, value in the list',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ 'x-limit': 200 }),
    false,
  ],
  ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2Event, true],
  [
    'anything-but prefix, value with the prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    withDetail({ state: 'initializing' }),
    false,
  ],
  [
    'anything-but suffix',
    { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    withDetail({ FileName: 'notes.txt' }),
    true,
  ],
  [
    'anything-but suffix, value with the suffix',
    { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    withDetail({ FileName: 'image.png' }),
    false,
  ],
  [
    'anything-but equals-ignore-case',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    withDetail({ state: 'INITIALIZING' }),
    false,
  ],
  [
    'anything-but equals-ignore-case list',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
    ec2Event,
    true,
  ],
  [
    'anything-but wildcard',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    withDetail({ FilePath: '/usr/bin/node' }),
    true,
  ],
  [
    'anything-but wildcard, value matching the wildcard',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    withDetail({ FilePath: '/usr/lib/node' }),
    false,
  ],
  ['anything-but needs the field', { detail: { status: [{ 'anything-but': 'initializing' }] } }, ec2Event, false],
  // Numeric.
  [
    'numeric ranges and equality (3.018e2 = 301.8)',
    {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    ec2Event,
    true,
  ],
  ['numeric upper bound excluded', { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } }, ec2Event, false],
  ['numeric lower bound excluded', { detail: { 'c-count': [{ numeric: ['>', 5] }] } }, ec2Event, false],
  ['numeric lower bound included', { detail: { 'c-count': [{ numeric: ['>=', 5] }] } }, ec2Event, true],
  [
    'numeric only matches JSON numbers',
    { detail: { 'c-count': [{ numeric: ['>', 0] }] } },
    withDetail({ 'c-count': '5' }),
    false,
  ],
  // IP addresses.
  ['cidr /24', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event, true],
  [
    'cidr /24 outside',
    { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    withDetail({ 'source-ip': '10.0.1.33' }),
    false,
  ],
  ['cidr IPv6', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:0:1::7' }, true],
  ['cidr IPv6 outside', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
  // Exists.
  ['exists true, present', { detail: { 'c-count': [{ exists: true }] } }, ec2Event, true],
  ['exists true, absent', { detail: { 'e-count': [{ exists: true }] } }, ec2Event, false],
  ['exists false, absent', { detail: { 'e-count': [{ exists: false }] } }, ec2Event, true],
  ['exists false, present', { detail: { 'c-count': [{ exists: false }] } }, ec2Event, false],
  [
    'exists false matches an object value (exists works on leaves only)',
    { detail: { 'c-count': [{ exists: false }] } },
    withDetail({ 'c-count': { c1: 100 } }),
    true,
  ],
  [
    'exists true does not match an object value',
    { detail: { 'c-count': [{ exists: true }] } },
    withDetail({ 'c-count': { c1: 100 } }),
    false,
  ],
  ['exists true matches a null value', { detail: { responseElements: [{ exists: true }] } }, autoscalingEvent, true],
  ['exists false when the parent is absent', { extra: { field: [{ exists: false }] } }, ec2Event, true],
  // Arrays in events.
  [
    'array intersection (the documented resources example)',
    {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    true,
  ],
  [
    'array with no common element',
    { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
    ec2Event,
    false,
  ],
  ['array filters apply to any element', { tags: [{ prefix: 'env:' }] }, { tags: ['team:a', 'env:prod'] }, true],
  ['objects in an array', { employees: { firstName: ['Anna'] } }, employeesEvent, true],
  [
    'fields of one array element match together',
    { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    employeesEvent,
    true,
  ],
  [
    'fields from different array elements do not match together',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    employeesEvent,
    false,
  ],
  ['multi-level arrays', { employees: { firstName: ['Peter'] } }, nestedEmployeesEvent, true],
  // $or.
  [
    '$or: source and (metricName or namespace), by metricName',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    cloudwatchEvent({ metricName: 'ReadLatency' }),
    true,
  ],
  [
    '$or: by namespace',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    cloudwatchEvent({ namespace: 'AWS/ES' }),
    true,
  ],
  [
    '$or: neither alternative',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    cloudwatchEvent({ metricName: 'WriteLatency', namespace: 'AWS/S3' }),
    false,
  ],
  [
    '$or: the other fields still must match',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
    { source: 'aws.ec2', metricName: 'CPUUtilization' },
    false,
  ],
  [
    '$or with an AND inside and a nested $or',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    },
    cloudwatchEvent({ metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }),
    true,
  ],
  [
    'nested $or fails when its AND partner fails',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
      ],
    },
    cloudwatchEvent({ metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 999 }),
    false,
  ],
  [
    'parallel $or at two levels',
    {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    true,
  ],
  // The complex example of the content-filtering page.
  [
    'complex example combining prefix, anything-but, numeric and cidr',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    ec2Event,
    true,
  ],
  [
    'complex example with one field out of range',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 3] }],
      },
    },
    ec2Event,
    false,
  ],
  // Exact values and filters mixed in one list.
  ['a leaf list mixing a value and a filter', { detail: { state: ['stopped', { prefix: 'run' }] } }, ec2Event, true],
];

describe('matchesEventPattern (examples from the AWS documentation and aws/event-ruler)', () => {
  it.each(cases)('%s', (_name, pattern, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('accepts every pattern of these examples as valid', () => {
    const invalid = cases
      .map(([name, pattern]) => ({ name, problems: validateEventPattern(pattern) }))
      .filter(({ problems }) => problems.length > 0);
    expect(invalid).toEqual([]);
  });
});

describe('validateEventPattern', () => {
  const invalid: Array<[name: string, pattern: unknown, mentions: string]> = [
    ['a value that is not in an array', { source: 'aws.ec2' }, 'source'],
    ['a nested value that is not in an array', { detail: { state: 'running' } }, 'detail.state'],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }, 'contains'],
    ['an empty array', { source: [] }, 'empty arrays'],
    ['an empty object', { detail: {} }, 'empty objects'],
    ['two operators in one expression', { source: [{ prefix: 'a', suffix: 'b' }] }, 'exactly one operator'],
    ['exists that is not a boolean', { detail: { x: [{ exists: 'yes' }] } }, 'exists'],
    ['prefix that is not a string', { time: [{ prefix: 2017 }] }, 'prefix'],
    ['numeric with a string bound', { detail: { x: [{ numeric: ['>', 'a'] }] } }, 'numeric'],
    ['numeric with bounds in the wrong order', { detail: { x: [{ numeric: ['<', 5, '>', 1] }] } }, 'lower bound'],
    ['numeric with an empty range', { detail: { x: [{ numeric: ['>', 5, '<', 1] }] } }, 'bottom must be less'],
    ['numeric "=" combined', { detail: { x: [{ numeric: ['=', 1, '<', 2] }] } }, '"="'],
    ['numeric with an unknown operator', { detail: { x: [{ numeric: ['!=', 1] }] } }, '!='],
    ['anything-but with a mixed list', { state: [{ 'anything-but': ['a', 1] }] }, 'anything-but'],
    ['anything-but with a boolean', { state: [{ 'anything-but': true }] }, 'anything-but'],
    ['anything-but with an unknown operator', { state: [{ 'anything-but': { contains: 'x' } }] }, 'contains'],
    ['consecutive wildcards', { source: [{ wildcard: 'a**b' }] }, 'consecutive'],
    ['a backslash escaping a letter', { source: [{ wildcard: 'a\\b' }] }, 'backslash'],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }, '$or'],
    ['a CIDR with too long a prefix', { ip: [{ cidr: '10.0.0.0/33' }] }, 'cidr'],
    ['a pattern that is not an object', ['source'], 'JSON object'],
  ];

  it.each(invalid)('reports %s', (_name, pattern, mentions) => {
    const problems = validateEventPattern(pattern);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(mentions);
  });

  it('reports every problem of a pattern, each with its path', () => {
    expect(validateEventPattern({ source: 'a', detail: { state: [{ nope: 1 }], x: [] } })).toEqual([
      expect.stringContaining('source'),
      expect.stringContaining('detail.state'),
      expect.stringContaining('detail.x'),
    ]);
  });
});

describe('the patterns the CDK stack deploys (eventPatternOf)', () => {
  const busRoutes = careLoopFunctions.filter((route) => triggerOf(route, 'bus'));

  const envelopeFor = (type: DetailType) => ({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': type,
    source: eventCatalog[type].source,
    account: '123456789012',
    time: '2026-03-28T12:00:00Z',
    region: 'eu-central-1',
    resources: [],
    detail: {},
  });

  it.each(busRoutes.map((route) => [route.name, route] as const))('%s: its pattern is valid', (_name, route) => {
    expect(validateEventPattern(eventPatternOf(route))).toEqual([]);
  });

  it.each(busRoutes.map((route) => [route.name, route] as const))(
    '%s: matches its own events and no other contract event',
    (_name, route) => {
      const pattern = eventPatternOf(route);
      for (const type of detailTypes) {
        expect({ type, matches: matchesEventPattern(pattern, envelopeFor(type)) }).toEqual({
          type,
          matches: triggerOf(route, 'bus')!.events.includes(type),
        });
      }
    },
  );

  it('does not match a known detail-type from another source', () => {
    const route = busRoutes.find((candidate) => triggerOf(candidate, 'bus')!.events.includes('BookingCreated'));
    expect(route).toBeDefined();
    const spoofed = { ...envelopeFor('BookingCreated'), source: 'clinic.care' };
    expect(matchesEventPattern(eventPatternOf(route!), spoofed)).toBe(false);
  });

  it('makes no bus pattern for a function the bus does not trigger, so it cannot be wired to the bus by mistake', () => {
    const others = careLoopFunctions.filter((route) => !triggerOf(route, 'bus'));
    expect(others.length).toBeGreaterThan(0);
    for (const route of others) expect(() => eventPatternOf(route)).toThrow(/is not triggered by the bus/);
  });
});
