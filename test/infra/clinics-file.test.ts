import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinicsFileError, derivedEventId, parseClinicEntries, readClinicsFile } from '../../infra/clinics-file';
import { PROJECT_ROOT } from '../../infra/careloop-stack';
import { resolveSettings, SettingsError } from '../../infra/settings';
import { exampleInput } from '../support/examples';

/**
 * The clinics file of `-c clinicsFile=…` and `npm run clinic -- --file`: read from the working
 * directory, every entry checked with the contract's ClinicProfileUpdated schema, each problem
 * naming the file, the entry and the field, never a value.
 */

const riverside = () => {
  const { eventId: _eventId, ...entry } = exampleInput('ClinicProfileUpdated');
  return entry;
};
const hillside = () => ({
  clinicId: 'hillside',
  occurredAt: '2027-02-01T09:00:00Z',
  profile: { name: 'Hillside Massage & Physio' },
});

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'careloop-clinics-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeFile(name: string, content: unknown): string {
  writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

/** The problems reading a file reports; fails the test when it reads cleanly. */
function problemsOf(read: () => unknown): readonly string[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ClinicsFileError);
    return (error as ClinicsFileError).problems;
  }
  throw new Error('expected the file to be refused');
}

describe('readClinicsFile', () => {
  it('reads an array of profiles, resolving a relative path from the working directory', () => {
    const file = writeFile('clinics.json', [riverside(), hillside()]);
    const profiles = readClinicsFile(file, {}, folder);
    expect(profiles.map((profile) => profile.clinicId)).toEqual(['riverside', 'hillside']);
    expect(profiles[0]!.profile).toEqual(exampleInput('ClinicProfileUpdated').profile);
    expect(readClinicsFile(join(folder, file))).toEqual(profiles);
  });

  it('gives an entry without eventId one derived from its content: the same for the same content', () => {
    const [first] = readClinicsFile(writeFile('a.json', [riverside()]), {}, folder);
    // Whitespace the contract trims, and the order of the keys, are not content.
    const { clinicId, occurredAt, profile } = riverside();
    const respaced = { profile: { ...profile, name: `  ${profile.name} ` }, occurredAt, clinicId };
    const [again] = readClinicsFile(writeFile('b.json', [respaced]), {}, folder);
    expect(first!.eventId).toMatch(/^clinic-profile-[0-9a-f]{32}$/);
    expect(again!.eventId).toBe(first!.eventId);

    const changed = { ...riverside(), profile: { ...riverside().profile, phone: '+1 555 0100 201' } };
    const later = { ...riverside(), occurredAt: '2027-02-02T09:00:00Z' };
    const [changedProfile, laterProfile] = parseClinicEntries([changed, { ...later, clinicId: 'other' }], 'x.json');
    expect(changedProfile!.eventId).not.toBe(first!.eventId);
    expect(laterProfile!.eventId).not.toBe(first!.eventId);
    expect(derivedEventId(first!)).toBe(first!.eventId);
  });

  it('keeps an eventId the entry gives', () => {
    const [profile] = parseClinicEntries([{ ...riverside(), eventId: 'evt-riverside-2027-02' }], 'clinics.json');
    expect(profile!.eventId).toBe('evt-riverside-2027-02');
  });

  it.each([
    [
      'an http booking page',
      [hillside(), { ...riverside(), profile: { ...riverside().profile, bookingUrl: 'http://riverside-pt.example' } }],
      'clinics.json[1].profile.bookingUrl: must be an https URL',
    ],
    [
      'a profile without a name',
      [{ ...riverside(), profile: { phone: '+1 555 0100 200' } }],
      'clinics.json[0].profile.name: is required',
    ],
    [
      'an entry without occurredAt',
      [hillside(), { clinicId: 'riverside', profile: riverside().profile }],
      'clinics.json[1].occurredAt: is required',
    ],
    [
      'an entry without a profile',
      [{ clinicId: 'riverside', occurredAt: '2027-02-01T09:00:00Z' }],
      'clinics.json[0].profile: is required',
    ],
    ['an entry that is not an object', [hillside(), 'riverside'], 'clinics.json[1]: must be an object'],
    ['a clinic id outside the contract', [{ ...hillside(), clinicId: 'Hill Side' }], 'clinics.json[0].clinicId:'],
    ['an object instead of an array', riverside(), 'clinics.json: must be a JSON array of clinic profiles'],
    ['an empty array', [], 'clinics.json: lists no clinic profile'],
    [
      'a misspelt field',
      [{ ...hillside(), occuredAt: '2027-02-01T09:00:00Z' }],
      'clinics.json[0]: unknown field "occuredAt"',
    ],
    [
      'a misspelt profile field',
      [{ ...hillside(), profile: { name: 'Hillside', bookingURL: 'https://hillside.example' } }],
      'clinics.json[0].profile: unknown field "bookingURL"',
    ],
    [
      'two profiles of one clinic',
      [hillside(), { ...hillside(), occurredAt: '2027-03-01T09:00:00Z' }],
      'clinics.json[1].clinicId: the same clinic as [0]',
    ],
    [
      'one eventId for two clinics',
      [
        { ...hillside(), eventId: 'evt-1' },
        { ...riverside(), eventId: 'evt-1' },
      ],
      'clinics.json[1].eventId: the same as [0]',
    ],
  ])('refuses %s, naming the file, the entry and the field', (_label, content, expected) => {
    const file = writeFile('clinics.json', content);
    const problems = problemsOf(() => readClinicsFile(file, {}, folder));
    expect(
      problems.some((problem) => problem.startsWith(expected)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('reports every problem of every entry at once', () => {
    const problems = problemsOf(() =>
      parseClinicEntries(
        [
          { clinicId: 'riverside', profile: { name: 'Riverside', website: 'ftp://x' } },
          { ...hillside(), profile: {} },
        ],
        'clinics.json',
      ),
    );
    expect(problems).toEqual([
      'clinics.json[0].occurredAt: is required',
      'clinics.json[0].profile.website: must be an https URL',
      'clinics.json[1].profile.name: is required',
    ]);
  });

  it('never repeats a value of the file in a problem', () => {
    const secretish = 'https://user:hunter2-secret@riverside-pt.example/book';
    const problems = problemsOf(() =>
      parseClinicEntries(
        [{ ...riverside(), profile: { ...riverside().profile, bookingUrl: secretish, staffAlertEmail: 'hunter2' } }],
        'clinics.json',
      ),
    );
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toMatch(/hunter2|riverside-pt/);
  });

  it('says plainly when the file is missing, a folder, or not JSON, without quoting it', () => {
    expect(problemsOf(() => readClinicsFile('missing.json', {}, folder))).toEqual([
      `missing.json: cannot be read: no such file (${join(folder, 'missing.json')})`,
    ]);
    mkdirSync(join(folder, 'a-folder'), { recursive: true });
    expect(problemsOf(() => readClinicsFile('a-folder', {}, folder))[0]).toMatch(
      /^a-folder: cannot be read: is a directory/,
    );
    const file = writeFile('broken.json', '[{"clinicId": "riverside", "staffAlertEmail": "hunter2@x.example",}]');
    const [problem] = problemsOf(() => readClinicsFile(file, {}, folder));
    expect(problem).toMatch(/^broken\.json: is not valid JSON/);
    expect(problem).not.toMatch(/hunter2|riverside/);
  });

  it('accepts a single entry only where asked to (a profile file for npm run clinic)', () => {
    expect(parseClinicEntries(hillside(), 'profile.json', { allowSingleEntry: true })).toHaveLength(1);
    expect(parseClinicEntries([hillside()], 'profile.json', { allowSingleEntry: true })).toHaveLength(1);
    expect(
      problemsOf(() => parseClinicEntries({ ...hillside(), profile: {} }, 'profile.json', { allowSingleEntry: true })),
    ).toEqual(['profile.json: profile.name: is required']);
  });
});

describe('the example clinics file (docs/clinics.example.json)', () => {
  it('is valid, and its riverside profile is the contract example', () => {
    const profiles = readClinicsFile(join(PROJECT_ROOT, 'docs', 'clinics.example.json'));
    expect(profiles.length).toBeGreaterThan(1);
    const example = profiles.find((profile) => profile.clinicId === 'riverside')!;
    const { eventId: _eventId, ...contract } = exampleInput('ClinicProfileUpdated');
    expect(example).toEqual({ ...contract, eventId: derivedEventId(contract) });
  });
});

describe('the clinicsFile setting', () => {
  const settingsWith = (clinicsFile: string | undefined) =>
    resolveSettings((key) => (key === 'clinicsFile' ? clinicsFile : undefined), {});

  it('reads the profiles, and leaves them out when no file is named', () => {
    const settings = settingsWith(join(PROJECT_ROOT, 'docs', 'clinics.example.json'));
    expect(settings.clinicProfiles?.map((profile) => profile.clinicId)).toEqual(['riverside', 'hillside']);
    expect(settingsWith(undefined)).not.toHaveProperty('clinicProfiles');
    expect(settingsWith('')).not.toHaveProperty('clinicProfiles');
  });

  it('stops the synth with every problem under the context key, naming file, entry and field', () => {
    const file = join(folder, 'bad-clinics.json');
    writeFileSync(
      file,
      JSON.stringify([hillside(), { ...riverside(), profile: { ...riverside().profile, bookingUrl: 'http://x' } }]),
    );
    let error: unknown;
    try {
      settingsWith(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([
      { key: 'clinicsFile', message: `${file}[1].profile.bookingUrl: must be an https URL` },
    ]);
    expect((error as SettingsError).message).toContain(
      `context key "clinicsFile": ${file}[1].profile.bookingUrl: must be an https URL`,
    );
  });
});
