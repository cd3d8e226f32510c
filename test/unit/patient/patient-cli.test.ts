import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePatientArgs, runPatient, type PatientArgs, type PatientIo } from '../../../scripts/patient';

/**
 * `npm run patient`: its arguments, and on AWS (the SDK mocked here) what it publishes and how it
 * waits, by reading the record the answer event reports. test/e2e/patient-cli.test.ts runs it on
 * the local stack.
 */

const eventBridge = mockClient(EventBridgeClient);
const dynamodb = mockClient(DynamoDBClient);
// The SDK clients are patched for the whole worker: put them back for the files that run after.
afterAll(() => {
  eventBridge.restore();
  dynamodb.restore();
});

const BASE: PatientArgs = { bus: 'clinic-events', timeoutSeconds: 60, yes: false, help: false };

describe('parsePatientArgs', () => {
  it('reads what to do, for whom, and where, with defaults from the environment', () => {
    expect(
      parsePatientArgs(
        ['export', '--clinic', 'riverside', '--patient', 'pt-0042', '--table', 'careloop-prod-table'],
        {},
      ),
    ).toEqual({ ...BASE, action: 'export', clinic: 'riverside', patient: 'pt-0042', table: 'careloop-prod-table' });
    expect(
      parsePatientArgs(['--clinic', 'riverside', 'erase', '--patient', 'pt-0042', '--local', '--yes'], {
        CARELOOP_EVENTS_PORT: '4999',
        CARELOOP_BUS_NAME: 'b',
      }),
    ).toEqual({
      ...BASE,
      action: 'erase',
      clinic: 'riverside',
      patient: 'pt-0042',
      local: 'http://127.0.0.1:4999',
      bus: 'b',
      yes: true,
    });
    expect(
      parsePatientArgs(
        ['export', '--local', 'http://127.0.0.1:5000/', '--clinic', 'riverside', '--patient', 'pt-0042'].concat([
          '--request',
          'dsr-2027-0042',
          '--bus',
          'other',
          '--timeout',
          '2.5',
        ]),
        {},
      ),
    ).toEqual({
      ...BASE,
      action: 'export',
      clinic: 'riverside',
      patient: 'pt-0042',
      request: 'dsr-2027-0042',
      local: 'http://127.0.0.1:5000',
      bus: 'other',
      timeoutSeconds: 2.5,
    });
  });

  it('reads the ids as the contract does: trimmed', () => {
    expect(
      parsePatientArgs(['erase', '--clinic', ' riverside ', '--patient', 'pt-0042 ', '--request', ' r-1'], {}),
    ).toMatchObject({ clinic: 'riverside', patient: 'pt-0042', request: 'r-1' });
  });

  it('names the flag whose value is missing or wrong', () => {
    expect(() => parsePatientArgs(['export', '--clinic'], {})).toThrow('--clinic needs a value');
    expect(() => parsePatientArgs(['export', '--patient', '--clinic', 'riverside'], {})).toThrow(
      '--patient needs a value',
    );
    expect(() => parsePatientArgs(['export', '--request'], {})).toThrow('--request needs a value');
    expect(() => parsePatientArgs(['export', '--table'], {})).toThrow('--table needs a value');
    expect(() => parsePatientArgs(['export', '--bus', '--yes'], {})).toThrow('--bus needs a value');
    expect(() => parsePatientArgs(['export', '--timeout'], {})).toThrow('--timeout needs a value');
    expect(() => parsePatientArgs(['export', '--timeout', '0'], {})).toThrow(
      '--timeout must be a number of seconds above 0',
    );
    expect(() => parsePatientArgs(['export', '--timeout', 'soon'], {})).toThrow(
      '--timeout must be a number of seconds above 0',
    );
  });

  it('refuses an id the contract refuses, naming the field and its flag', () => {
    const ids = ['--clinic', 'riverside', '--patient', 'pt-0042'];
    expect(() => parsePatientArgs(['export', '--clinic', 'Riverside Clinic', '--patient', 'pt-0042'], {})).toThrow(
      'refused by the contract: --clinic: clinicId: must be 1-64 characters of a-z 0-9 -',
    );
    expect(() => parsePatientArgs(['erase', '--clinic', 'riverside', '--patient', 'pt/0042'], {})).toThrow(
      '--patient: patientId: must be 1-128 characters of A-Z a-z 0-9 . _ : -',
    );
    expect(() => parsePatientArgs(['erase', '--clinic', 'riverside', '--patient', '  '], {})).toThrow(
      '--patient: patientId: must be 1-128',
    );
    expect(() => parsePatientArgs(['export', ...ids, '--request', 'x'.repeat(129)], {})).toThrow(
      '--request: requestId: must be 1-128',
    );
  });

  it('refuses what it does not know, both actions at once, and a table for the local stack', () => {
    expect(() => parsePatientArgs(['delete', '--clinic', 'riverside'], {})).toThrow('unknown argument delete');
    expect(() => parsePatientArgs(['export', '--everything'], {})).toThrow('unknown argument --everything');
    expect(() => parsePatientArgs(['export', 'erase'], {})).toThrow('say one of export or erase, not both');
    expect(() => parsePatientArgs(['export', '--local', '--table', 't'], {})).toThrow(
      '--table is for AWS: with --local the answer is read from the local stack',
    );
  });
});

describe('runPatient on AWS', () => {
  beforeEach(() => {
    eventBridge.reset();
    dynamodb.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  });

  /** A clock that only moves when the command sleeps, so the waiting takes no time here. */
  function harness(answers: string[] = []) {
    let now = Date.parse('2027-04-10T11:00:00Z');
    const out: string[] = [];
    const err: string[] = [];
    const questions: string[] = [];
    const io: PatientIo = {
      print: (line) => void out.push(line),
      error: (line) => void err.push(line),
      ask: async (question) => {
        questions.push(question);
        return answers.shift() ?? '';
      },
      client: new EventBridgeClient({ region: 'eu-central-1' }),
      dynamodb: new DynamoDBClient({ region: 'eu-central-1' }),
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    return { io, out, err, questions };
  }

  const request = { clinic: 'riverside', patient: 'pt-0042', table: 'careloop-prod-table' };
  const exportItem = {
    pk: 'C#riverside#P#pt-0042',
    sk: 'EXPORT#dsr-2027-0042',
    version: 1,
    data: {
      clinicId: 'riverside',
      patientId: 'pt-0042',
      requestId: 'dsr-2027-0042',
      bucket: 'careloop-prod-exports',
      key: 'exports/riverside/pt-0042/dsr-2027-0042.json',
      exportedAt: '2027-04-10T11:00:03.000Z',
      expiresAt: '2027-04-17T11:00:03.000Z',
    },
  };
  const sentEntries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries);

  it('publishes the export request, reads its record until it is there, and prints where the export is', async () => {
    dynamodb
      .on(GetItemCommand)
      .resolvesOnce({})
      .resolvesOnce({})
      .resolves({ Item: marshall(exportItem) });
    const { io, out, err } = harness();
    expect(await runPatient({ ...BASE, action: 'export', ...request, request: 'dsr-2027-0042' }, io)).toBe(true);
    expect(err).toEqual([]);

    const [entry] = sentEntries();
    expect(entry).toMatchObject({ Source: 'clinic.patients', DetailType: 'PatientDataExportRequested' });
    expect(JSON.parse(entry!.Detail!)).toEqual({
      eventId: expect.stringMatching(/^evt-/),
      occurredAt: '2027-04-10T11:00:00.000Z',
      clinicId: 'riverside',
      patientId: 'pt-0042',
      requestId: 'dsr-2027-0042',
    });

    const reads = dynamodb.commandCalls(GetItemCommand);
    expect(reads).toHaveLength(3);
    for (const read of reads) {
      expect(read.args[0].input).toEqual({
        TableName: 'careloop-prod-table',
        Key: marshall({ pk: 'C#riverside#P#pt-0042', sk: 'EXPORT#dsr-2027-0042' }),
        ConsistentRead: true,
      });
    }
    expect(out).toEqual([
      expect.stringMatching(
        /^Published PatientDataExportRequested for clinic riverside, patient pt-0042, request dsr-2027-0042 \(eventId evt-.+\) to bus clinic-events in AWS \(eu-central-1\)\.$/,
      ),
      'Waiting up to 60 s for PatientDataExportReady...',
      'Export ready: bucket careloop-prod-exports, key exports/riverside/pt-0042/dsr-2027-0042.json, ' +
        'until 2027-04-17T11:00:03.000Z (then the bucket deletes it).',
      'Read it as one of the exportReaders (docs/DEPLOY.md, "Patient data exports"): ' +
        'aws s3 cp s3://careloop-prod-exports/exports/riverside/pt-0042/dsr-2027-0042.json ./export.json',
    ]);
  });

  it('makes a request id when none is given, and prints it so the request can be repeated', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: marshall(exportItem) });
    const { io, out } = harness();
    expect(await runPatient({ ...BASE, action: 'export', ...request }, io)).toBe(true);
    const { requestId } = JSON.parse(sentEntries()[0]!.Detail!) as { requestId: string };
    expect(requestId).toMatch(/^dsr-2027-04-10-[0-9a-f]{8}$/);
    expect(out[1]).toBe(`To ask after this request again, repeat it with --request ${requestId}: it does nothing new.`);
    expect(dynamodb.commandCalls(GetItemCommand)[0]!.args[0].input.Key).toEqual(
      marshall({ pk: 'C#riverside#P#pt-0042', sk: `EXPORT#${requestId}` }),
    );
  });

  it('waits for the erasure of this request on the profile, not for the profile or an earlier erasure', async () => {
    const profile = (erasure?: object) =>
      marshall({
        pk: 'C#riverside#P#pt-0042',
        sk: 'PROFILE',
        version: 3,
        data: { clinicId: 'riverside', patientId: 'pt-0042', ...(erasure && { erasure }) },
      });
    dynamodb
      .on(GetItemCommand)
      .resolvesOnce({ Item: profile() })
      .resolvesOnce({ Item: profile({ erasedAt: '2027-01-01T00:00:00.000Z', requestId: 'dsr-earlier' }) })
      .resolves({ Item: profile({ erasedAt: '2027-04-10T11:00:02.000Z', requestId: 'dsr-2027-0043' }) });
    const { io, out, err } = harness();
    expect(await runPatient({ ...BASE, action: 'erase', ...request, request: 'dsr-2027-0043', yes: true }, io)).toBe(
      true,
    );
    expect(err).toEqual([]);
    expect(sentEntries()).toEqual([expect.objectContaining({ DetailType: 'PatientErasureRequested' })]);
    const reads = dynamodb.commandCalls(GetItemCommand);
    expect(reads).toHaveLength(3);
    expect(reads[0]!.args[0].input.Key).toEqual(marshall({ pk: 'C#riverside#P#pt-0042', sk: 'PROFILE' }));
    expect(out.at(-1)).toBe('Erased at 2027-04-10T11:00:02.000Z.');
  });

  it('asks before erasing, and publishes nothing unless the answer is yes', async () => {
    const { io, err, questions } = harness(['no']);
    expect(await runPatient({ ...BASE, action: 'erase', ...request, request: 'dsr-2027-0043' }, io)).toBe(false);
    expect(questions).toEqual([
      'Erase clinic riverside, patient pt-0042, request dsr-2027-0043? ' +
        'Everything CareLoop holds about the patient is deleted, for good. Type yes to erase: ',
    ]);
    expect(err).toEqual(['Not erased: nothing was published.']);
    expect(sentEntries()).toEqual([]);

    dynamodb.on(GetItemCommand).resolves({
      Item: marshall({
        pk: 'C#riverside#P#pt-0042',
        sk: 'PROFILE',
        data: { erasure: { erasedAt: '2027-04-10T11:00:02.000Z', requestId: 'dsr-2027-0043' } },
      }),
    });
    const confirmed = harness([' YES ']);
    expect(await runPatient({ ...BASE, action: 'erase', ...request, request: 'dsr-2027-0043' }, confirmed.io)).toBe(
      true,
    );
    expect(sentEntries()).toHaveLength(1);
  });

  it('publishes nothing without the table to wait on', async () => {
    const { io, err } = harness();
    expect(await runPatient({ ...BASE, action: 'export', clinic: 'riverside', patient: 'pt-0042' }, io)).toBe(false);
    expect(err).toEqual([expect.stringMatching(/^Nothing was published: .*--table <name>/)]);
    expect(sentEntries()).toEqual([]);
  });

  it('fails when EventBridge refuses the request, and waits for nothing', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed to send clinic.patients' }],
    });
    const { io, err } = harness();
    expect(await runPatient({ ...BASE, action: 'export', ...request, request: 'dsr-2027-0042' }, io)).toBe(false);
    expect(err).toEqual([
      'NOT published PatientDataExportRequested for clinic riverside, patient pt-0042, request dsr-2027-0042: ' +
        'AccessDeniedException: not allowed to send clinic.patients',
    ]);
    expect(dynamodb.commandCalls(GetItemCommand)).toEqual([]);
  });

  it('gives up at the timeout, saying the request was published and where to look', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    const { io, err } = harness();
    expect(
      await runPatient({ ...BASE, action: 'export', ...request, request: 'dsr-2027-0042', timeoutSeconds: 5 }, io),
    ).toBe(false);
    const { eventId } = JSON.parse(sentEntries()[0]!.Detail!) as { eventId: string };
    // A look at the start, one a second, and a last one at the deadline.
    expect(dynamodb.commandCalls(GetItemCommand)).toHaveLength(6);
    expect(err.join('\n')).toContain(
      `No PatientDataExportReady for request dsr-2027-0042 within 5 s. The request was published (eventId ${eventId})`,
    );
    expect(err.join('\n')).toContain('docs/OPERATIONS.md');
    expect(err.join('\n')).toContain('careloop-<stage>-queue-PatientDataExportRequestedFailureQueue');
    expect(err.join('\n')).toContain('rejected-events queue');
    expect(err.join('\n')).toContain('npm run redrive');
    expect(err.at(-1)).toBe(
      'Then run this again with --request dsr-2027-0042: a request already done does nothing new.',
    );
  });

  it('says so when no local stack answers, and publishes nothing', async () => {
    const { io, err } = harness();
    const args = { ...BASE, action: 'export' as const, clinic: 'riverside', patient: 'pt-0042' };
    expect(await runPatient({ ...args, local: 'http://127.0.0.1:9' }, io)).toBe(false);
    expect(err).toEqual([
      'No local stack answers at http://127.0.0.1:9. Start it first with `npm start` in another shell.',
    ]);
    expect(sentEntries()).toEqual([]);
  });
});
