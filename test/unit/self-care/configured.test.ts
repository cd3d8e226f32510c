import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../infra/settings';
import { selfCareLibraryFromConfiguration } from '../../../shared/self-care/configured';
import { selfCareLibrary } from '../../../shared/self-care/library';

const example = readFileSync(new URL('../../../docs/self-care-overrides.example.json', import.meta.url), 'utf8');

describe("a clinic's self-care configuration", () => {
  it('is the built-in library when none is given', () => {
    expect(selfCareLibraryFromConfiguration(undefined)).toBe(selfCareLibrary);
    expect(selfCareLibraryFromConfiguration('')).toBe(selfCareLibrary);
  });

  it('overrides a built-in exercise field by id and keeps the rest of it', () => {
    const library = selfCareLibraryFromConfiguration(example);
    const chinTuck = library.findExercise('chin-tuck')!;
    expect(chinTuck.frequency).toBe('3 times a day: morning, lunchtime and evening');
    expect(chinTuck.steps).toEqual(selfCareLibrary.findExercise('chin-tuck')!.steps);
  });

  it('adds new exercises and technique guidance without code', () => {
    const library = selfCareLibraryFromConfiguration(example);
    expect(library.findExercise('wrist-flexor-stretch-wall')?.title).toBe('Wrist flexor stretch against a wall');
    expect(library.techniqueGuidance('cupping').title).toBe('After cupping');
    expect(selfCareLibrary.findExercise('wrist-flexor-stretch-wall')).toBeUndefined();
  });

  it('refuses an incomplete new exercise, naming it', () => {
    const broken = JSON.stringify({ exercises: [{ id: 'half-written', title: 'Half written' }] });
    expect(() => selfCareLibraryFromConfiguration(broken)).toThrow(/half-written/);
  });

  it('fails cdk synth with the context key named when the file is broken', () => {
    const directory = mkdtempSync(join(tmpdir(), 'careloop-self-care-'));
    const file = join(directory, 'overrides.json');
    writeFileSync(file, '{ "exercises": [ { "id": "x" ');
    expect(() => resolveSettings((key) => (key === 'selfCareFile' ? file : undefined), {})).toThrow(
      /context key "selfCareFile": the self-care overrides are not valid JSON/,
    );
    writeFileSync(file, example);
    expect(resolveSettings((key) => (key === 'selfCareFile' ? file : undefined), {}).selfCareOverrides).toBe(example);
  });
});
