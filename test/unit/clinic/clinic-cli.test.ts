import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseClinicArgs, runClinic, type ClinicArgs } from '../../../scripts/clinic';
import { exampleInput } from '../../support/examples';

/**
 * `npm run clinic`: its arguments, and what it does when a profile is refused before or by
 * EventBridge (against the SDK mocked here; test/e2e/clinic-cli.test.ts runs it on the local stack).
 */

const eventBridge = mockClient(EventBridgeClient);
// The SDK clients are patched for the whole worker: put them back for the files that run after.
afterAll(() => {
  eventBridge.restore();
});
const folder = mkdtempSync(join(tmpdir(), 'careloop-clinic-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const profileFile = (content: unknown) => {
  const file = join(folder, `profile-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
};

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { print: (line: string) => void out.push(line), error: (line: string) => void err.push(line) },
  };
}

const args = (overrides: Partial<ClinicArgs>): ClinicArgs => ({ bus: 'clinic-events', help: false, ...overrides });

describe('parseClinicArgs', () => {
  it('reads the file, the local stack and the bus, with defaults from the environment', () => {
    expect(parseClinicArgs(['--file', 'profile.json'], {})).toEqual({
      file: 'profile.json',
      bus: 'clinic-events',
      help: false,
    });
    expect(
      parseClinicArgs(['--file', 'p.json', '--local'], { CARELOOP_EVENTS_PORT: '4999', CARELOOP_BUS_NAME: 'b' }),
    ).toEqual({ file: 'p.json', local: 'http://127.0.0.1:4999', bus: 'b', help: false });
    expect(parseClinicArgs(['--local', 'http://127.0.0.1:5000/', '--file', 'p.json', '--bus', 'other'], {})).toEqual({
      file: 'p.json',
      local: 'http://127.0.0.1:5000',
      bus: 'other',
      help: false,
    });
  });

  it('refuses what it does not know, and a flag without its value', () => {
    expect(() => parseClinicArgs(['--file'], {})).toThrow('--file needs a value');
    expect(() => parseClinicArgs(['--file', 'p.json', '--bus'], {})).toThrow('--bus needs a value');
    expect(() => parseClinicArgs(['--profile', 'p.json'], {})).toThrow('unknown argument --profile');
  });
});

describe('runClinic', () => {
  beforeEach(() => eventBridge.reset());
  const client = () => new EventBridgeClient({ region: 'eu-central-1' });

  it('publishes nothing from a file that breaks the contract, naming the field, and fails', async () => {
    const file = profileFile({ ...exampleInput('ClinicProfileUpdated'), profile: { name: 'R', website: 'http://x' } });
    const { io, err, out } = capture();
    expect(await runClinic(args({ file }), { ...io, client: client() })).toBe(false);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `Nothing was published: ${file} has 1 problem(s):`,
      `  ${file}: profile.website: must be an https URL`,
    ]);
  });

  it('fails when EventBridge refuses the entry (FailedEntryCount above 0), saying so for that clinic', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed to send clinic.admin' }],
    });
    const detail = exampleInput('ClinicProfileUpdated');
    const { io, err } = capture();
    expect(await runClinic(args({ file: profileFile(detail) }), { ...io, client: client() })).toBe(false);
    expect(err).toEqual([
      `  NOT published clinic riverside ("Riverside Physical Therapy"), eventId ${detail.eventId}: ` +
        'AccessDeniedException: not allowed to send clinic.admin',
    ]);
  });

  it('prints the clinic, its name and the eventId of what it published, and nothing else of the profile', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
    const detail = exampleInput('ClinicProfileUpdated');
    const { io, out, err } = capture();
    expect(await runClinic(args({ file: profileFile([detail]) }), { ...io, client: client() })).toBe(true);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'Publishing 1 clinic profile(s) to bus clinic-events in AWS (eu-central-1):',
      `  published clinic riverside ("Riverside Physical Therapy"), eventId ${detail.eventId} → EventBridge id eb-1`,
    ]);
    const { name: _name, ...rest } = detail.profile;
    for (const value of Object.values(rest)) expect(out.join('\n')).not.toContain(value);
  });

  it('says so when no local stack answers, and publishes nothing', async () => {
    const { io, err } = capture();
    const file = profileFile(exampleInput('ClinicProfileUpdated'));
    expect(await runClinic(args({ file, local: 'http://127.0.0.1:9' }), { ...io, client: client() })).toBe(false);
    expect(err).toEqual([
      'No local stack answers at http://127.0.0.1:9. Start it first with `npm start` in another shell.',
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
