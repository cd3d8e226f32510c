import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLogger as Logger } from '../../../shared/adapters/logger';

const environment = { ...process.env };
afterEach(() => {
  for (const key of ['AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', '_X_AMZN_TRACE_ID'] as const) {
    if (environment[key] === undefined) delete process.env[key];
    else process.env[key] = environment[key];
  }
});

function capture() {
  const lines: { level: string; entry: Record<string, unknown> }[] = [];
  const logger = new Logger({
    serviceName: 'careloop',
    write: (line, level) => lines.push({ level, entry: JSON.parse(line) }),
  });
  return { logger, lines };
}

const context = (requestId: string) =>
  ({
    functionName: 'careloop-booking-created',
    memoryLimitInMB: '256',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-booking-created',
    awsRequestId: requestId,
  }) as Context;

describe('the JSON logger', () => {
  it('writes one JSON line per entry with the keys Powertools Logger writes', () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const { logger, lines } = capture();
    logger.addContext(context('req-1'));
    logger.info('event processed', { outcome: 'sent' });
    expect(lines).toEqual([
      {
        level: 'INFO',
        entry: {
          level: 'INFO',
          message: 'event processed',
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          service: 'careloop',
          cold_start: true,
          function_arn: 'arn:aws:lambda:eu-central-1:123456789012:function:careloop-booking-created',
          function_memory_size: '256',
          function_name: 'careloop-booking-created',
          function_request_id: 'req-1',
          xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
          outcome: 'sent',
        },
      },
    ]);
  });

  it('marks only the first invocation of the process as the cold start', () => {
    const { logger, lines } = capture();
    logger.addContext(context('req-1'));
    logger.info('first');
    logger.addContext(context('req-2'));
    logger.info('second');
    expect(lines.map(({ entry }) => [entry.function_request_id, entry.cold_start])).toEqual([
      ['req-1', true],
      ['req-2', false],
    ]);
  });

  it('keeps appended keys on every line until they are removed', () => {
    const { logger, lines } = capture();
    logger.appendKeys({ detailType: 'BookingCreated', eventId: 'evt-1' });
    logger.info('one');
    logger.removeKeys(['eventId']);
    logger.info('two');
    expect(lines.map(({ entry }) => [entry.detailType, entry.eventId])).toEqual([
      ['BookingCreated', 'evt-1'],
      ['BookingCreated', undefined],
    ]);
  });

  it('writes only entries at or above the configured level, read when logging', () => {
    const { logger, lines } = capture();
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    logger.info('dropped');
    logger.warn('kept');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    logger.warn('dropped too: Lambda’s own setting comes first');
    logger.error('kept too');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'SILENT';
    logger.error('silent');
    expect(lines.map(({ level, entry }) => [level, entry.message])).toEqual([
      ['WARN', 'kept'],
      ['ERROR', 'kept too'],
    ]);
  });

  it('reads Lambda’s own level names as Powertools does: FATAL is CRITICAL, TRACE lets DEBUG through, others fall through', () => {
    const { logger, lines } = capture();
    process.env.AWS_LAMBDA_LOG_LEVEL = 'FATAL';
    logger.error('dropped: below FATAL');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'TRACE';
    logger.debug('kept: TRACE is below DEBUG');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'VERBOSE';
    process.env.POWERTOOLS_LOG_LEVEL = '';
    process.env.LOG_LEVEL = 'WARN';
    logger.info('dropped: LOG_LEVEL, since the others name no level');
    logger.warn('kept too');
    expect(lines.map(({ entry }) => entry.message)).toEqual(['kept: TRACE is below DEBUG', 'kept too']);
  });

  it('writes an error as its name, message and stack, and never throws on what JSON cannot write', () => {
    const { logger, lines } = capture();
    logger.error('request failed', new TypeError('bad'));
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => logger.warn('odd field', { cycle })).not.toThrow();
    expect(lines[0]!.entry.error).toEqual({
      name: 'TypeError',
      message: 'bad',
      stack: expect.stringContaining('TypeError: bad'),
    });
    expect(lines[1]!.entry).toMatchObject({ level: 'WARN', message: 'odd field', unserializable: true });
  });
});
