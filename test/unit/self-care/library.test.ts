import { describe, expect, it } from 'vitest';
import {
  areaGuidance,
  createSelfCareLibrary,
  findExercise,
  localizeExercise,
  selfCareLibrary,
  techniqueGuidance,
  validateSelfCareLibrary,
} from '../../../shared/self-care/library';

const TECHNIQUES = ['deep-tissue', 'myofascial-release', 'trigger-point', 'swedish', 'sports', 'stretching'];
const AREAS = [
  'neck',
  'shoulders',
  'upper-back',
  'lower-back',
  'hips',
  'glutes',
  'hamstrings',
  'calves',
  'forearms',
  'jaw',
];

describe('built-in self-care library', () => {
  it('has at least 25 exercises, including chin-tuck and doorway-chest-stretch', () => {
    expect(Object.keys(selfCareLibrary.exercises).length).toBeGreaterThanOrEqual(25);
    expect(findExercise('chin-tuck')?.title).toBeTruthy();
    expect(findExercise('doorway-chest-stretch')?.title).toBeTruthy();
  });

  it('gives every exercise a title, steps, a dose, a frequency and when to stop', () => {
    for (const exercise of Object.values(selfCareLibrary.exercises)) {
      expect(exercise.title.trim(), exercise.id).not.toBe('');
      expect(exercise.purpose.trim(), exercise.id).not.toBe('');
      expect(exercise.steps.length, exercise.id).toBeGreaterThan(0);
      for (const step of exercise.steps) expect(step.trim(), exercise.id).not.toBe('');
      expect(exercise.dose.trim(), exercise.id).not.toBe('');
      expect(exercise.frequency.trim(), exercise.id).not.toBe('');
      expect(exercise.stopIf.length, exercise.id).toBeGreaterThan(0);
      expect(exercise.id).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('tells the patient to stop on sharp pain, numbness, tingling or dizziness in every exercise', () => {
    for (const exercise of Object.values(selfCareLibrary.exercises)) {
      const stopIf = exercise.stopIf.join(' ').toLowerCase();
      expect(stopIf, exercise.id).toMatch(/dizz/);
      expect(stopIf, exercise.id).toMatch(/sharp/);
      expect(stopIf, exercise.id).toMatch(/numbness/);
      expect(stopIf, exercise.id).toMatch(/tingling/);
    }
  });

  it('refers only to exercises that exist, and reports no other problem', () => {
    const referenced = [...Object.values(selfCareLibrary.techniques), ...Object.values(selfCareLibrary.areas)].flatMap(
      (guidance) => guidance.suggestedExercises,
    );
    expect(referenced.length).toBeGreaterThan(0);
    for (const id of referenced) expect(findExercise(id), id).toBeDefined();
    expect(validateSelfCareLibrary(selfCareLibrary)).toEqual([]);
  });

  it('has guidance for every technique and focus area of the contract', () => {
    for (const code of TECHNIQUES) expect(techniqueGuidance(code).code).toBe(code);
    for (const code of AREAS) expect(areaGuidance(code).code).toBe(code);
  });

  it('explains post-treatment soreness, hydration, heat and cold after deep tissue work', () => {
    const text = techniqueGuidance('deep-tissue').points.join(' ');
    expect(text).toMatch(/24–48 hours/);
    expect(text).toMatch(/hydrated/);
    expect(text).toMatch(/heat pack/);
    expect(text).toMatch(/ice pack/);
  });

  it('falls back to general guidance for unknown technique and area codes', () => {
    expect(techniqueGuidance('hot-stones').code).toBe('general');
    expect(areaGuidance('elbow').code).toBe('general');
    expect(areaGuidance('constructor').code).toBe('general');
    expect(findExercise('no-such-exercise')).toBeUndefined();
    expect(findExercise('toString')).toBeUndefined();
  });

  it('localises an exercise that has a translation and keeps English otherwise', () => {
    const chinTuck = findExercise('chin-tuck')!;
    expect(localizeExercise(chinTuck, 'de')).toMatchObject({
      lang: 'de',
      dose: '5 Sekunden halten; 10-mal wiederholen',
    });
    expect(localizeExercise(findExercise('bridge')!, 'de')).toMatchObject({ lang: 'de', title: 'Brücke' });
    const clinicOwn = createSelfCareLibrary({
      exercises: [
        {
          id: 'towel-squeeze',
          title: 'Towel squeeze',
          purpose: 'Grip strength.',
          steps: ['Roll a towel.', 'Squeeze it gently.'],
          dose: '10 times',
          frequency: 'Twice a day',
          stopIf: ['sharp pain'],
          areas: ['forearms'],
        },
      ],
    }).findExercise('towel-squeeze')!;
    expect(localizeExercise(clinicOwn, 'de')).toMatchObject({ lang: 'en', title: 'Towel squeeze' });
  });
});

describe('clinic overrides', () => {
  it('merges an override into the built-in entry by id, keeping the fields it does not set', () => {
    const library = createSelfCareLibrary({ exercises: [{ id: 'chin-tuck', frequency: 'Every hour at work' }] });
    expect(library.findExercise('chin-tuck')).toMatchObject({ frequency: 'Every hour at work', title: 'Chin tuck' });
    expect(findExercise('chin-tuck')?.frequency).not.toBe('Every hour at work');
  });

  it('drops a translation of a field the override rewrote, so no stale translation is shown', () => {
    const library = createSelfCareLibrary({ exercises: [{ id: 'chin-tuck', dose: 'Hold 3 seconds; 5 times' }] });
    const german = localizeExercise(library.findExercise('chin-tuck')!, 'de');
    expect(german.dose).toBe('Hold 3 seconds; 5 times');
    expect(german.title).toBe('Kinn zurückschieben (Chin Tuck)');
  });

  it('adds new exercises and guidance', () => {
    const library = createSelfCareLibrary({
      exercises: [
        {
          id: 'towel-squeeze',
          title: 'Towel squeeze',
          purpose: 'Grip strength.',
          steps: ['Roll a towel.', 'Squeeze it gently.'],
          dose: '10 times',
          frequency: 'Twice a day',
          stopIf: ['sharp pain'],
          areas: ['forearms'],
        },
      ],
      techniques: [
        { code: 'cupping', title: 'After cupping', points: ['Marks fade within a week.'], suggestedExercises: [] },
      ],
    });
    expect(library.findExercise('towel-squeeze')?.title).toBe('Towel squeeze');
    expect(library.techniqueGuidance('cupping').title).toBe('After cupping');
    expect(validateSelfCareLibrary(library)).toEqual([]);
  });

  it('rejects a new exercise that is incomplete', () => {
    expect(() => createSelfCareLibrary({ exercises: [{ id: 'half-done', title: 'Half done' }] })).toThrow(
      /half-done.*steps/,
    );
  });

  it('reports guidance that suggests an exercise the library does not have', () => {
    const library = createSelfCareLibrary({
      areas: [{ code: 'neck', suggestedExercises: ['chin-tuck', 'missing-one'] }],
    });
    expect(validateSelfCareLibrary(library)).toEqual(['area "neck" suggests unknown exercise "missing-one"']);
  });
});
