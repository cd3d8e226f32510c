import { describe, expect, it } from 'vitest';
import { builtInExercises } from '../../../shared/self-care/exercises';
import { builtInAreas, builtInRedFlags, builtInTechniques } from '../../../shared/self-care/guidance';
import {
  localizeExercise,
  localizeGuidance,
  localizeRedFlags,
  type Exercise,
  type Guidance,
} from '../../../shared/self-care/library';

/**
 * Every built-in entry must read fully in German: a German patient should never get an
 * email that switches to English halfway through an exercise. "Complete" means every text
 * field the English has, with as many steps / points / reasons to stop, none empty, and
 * the same numbers (durations, repetitions, hours) in the same place.
 */

const EXERCISE_KEYS = ['title', 'purpose', 'steps', 'dose', 'frequency', 'stopIf'] as const;
const GUIDANCE_KEYS = ['title', 'points'] as const;

/** The numbers in a text, in order ("20–30 seconds; 3 times" → ["20", "30", "3"]). */
function numbers(text: string): string[] {
  return text.match(/\d+/g) ?? [];
}

/** Problems with one entry's German text, compared field by field with its English. */
function gaps(english: Record<string, unknown>, german: Record<string, unknown> | undefined, keys: readonly string[]) {
  if (!german) return ['no German translation'];
  const problems: string[] = [];
  for (const key of keys) {
    const en = english[key];
    const de = german[key];
    if (en === undefined || en === '' || (Array.isArray(en) && en.length === 0)) continue;
    if (typeof en === 'string') {
      if (typeof de !== 'string' || de.trim() === '') problems.push(`${key} is not translated`);
      else if (numbers(de).join(' ') !== numbers(en).join(' '))
        problems.push(`${key} has numbers ${numbers(de).join(' ')}, English has ${numbers(en).join(' ')}`);
      continue;
    }
    const enItems = en as readonly string[];
    if (!Array.isArray(de)) {
      problems.push(`${key} is not translated`);
      continue;
    }
    const deItems = de as readonly unknown[];
    if (deItems.length !== enItems.length)
      problems.push(`${key} has ${deItems.length} items, English has ${enItems.length}`);
    enItems.forEach((item, i) => {
      const translated = deItems[i];
      if (typeof translated !== 'string' || translated.trim() === '') problems.push(`${key}[${i}] is not translated`);
      else if (numbers(translated).join(' ') !== numbers(item).join(' '))
        problems.push(
          `${key}[${i}] has numbers ${numbers(translated).join(' ')}, English has ${numbers(item).join(' ')}`,
        );
    });
  }
  return problems;
}

function guidanceGaps(kind: string, entries: readonly Guidance[]): string[] {
  return entries.flatMap((guidance) =>
    gaps(
      guidance as unknown as Record<string, unknown>,
      guidance.translations?.de as Record<string, unknown> | undefined,
      GUIDANCE_KEYS,
    ).map((problem) => `${kind} "${guidance.code}": ${problem}`),
  );
}

function exerciseGaps(entries: readonly Exercise[]): string[] {
  return entries.flatMap((exercise) =>
    gaps(
      exercise as unknown as Record<string, unknown>,
      exercise.translations?.de as Record<string, unknown> | undefined,
      EXERCISE_KEYS,
    ).map((problem) => `exercise "${exercise.id}": ${problem}`),
  );
}

describe('German translations of the built-in self-care library', () => {
  it('translates every technique completely', () => {
    expect(builtInTechniques.length).toBeGreaterThan(1);
    expect(guidanceGaps('technique', builtInTechniques)).toEqual([]);
  });

  it('translates every focus area completely', () => {
    expect(builtInAreas.length).toBeGreaterThan(1);
    expect(guidanceGaps('area', builtInAreas)).toEqual([]);
  });

  it('translates every exercise completely: title, purpose, steps, dose, frequency and when to stop', () => {
    expect(builtInExercises.length).toBeGreaterThanOrEqual(25);
    expect(exerciseGaps(builtInExercises)).toEqual([]);
  });

  it('translates the red flags completely', () => {
    expect(
      gaps(
        builtInRedFlags as unknown as Record<string, unknown>,
        builtInRedFlags.translations?.de as Record<string, unknown> | undefined,
        ['callClinic', 'urgent'],
      ),
    ).toEqual([]);
  });

  it('localises every entry to German as a whole (lang "de"), never a mix', () => {
    for (const guidance of [...builtInTechniques, ...builtInAreas])
      expect(localizeGuidance(guidance, 'de').lang, guidance.code).toBe('de');
    for (const exercise of builtInExercises) expect(localizeExercise(exercise, 'de').lang, exercise.id).toBe('de');
    expect(localizeRedFlags(builtInRedFlags, 'de').lang).toBe('de');
  });

  it('keeps every German reason to stop on sharp pain, numbness, tingling and dizziness', () => {
    for (const exercise of builtInExercises) {
      const stopIf = localizeExercise(exercise, 'de').stopIf.join(' ');
      expect(stopIf, exercise.id).toMatch(/scharfe/);
      expect(stopIf, exercise.id).toMatch(/Taubheit/);
      expect(stopIf, exercise.id).toMatch(/Kribbeln/);
      expect(stopIf, exercise.id).toMatch(/Schwindel/);
    }
  });

  it('reports an entry whose German text is missing or incomplete (the check itself works)', () => {
    const bridge = builtInExercises.find((exercise) => exercise.id === 'bridge')!;
    const { steps, ...withoutSteps } = bridge.translations!.de!;
    expect(steps).toBeDefined();
    expect(exerciseGaps([{ ...bridge, translations: { de: withoutSteps } }])).toEqual([
      'exercise "bridge": steps is not translated',
    ]);
    expect(exerciseGaps([{ ...bridge, translations: {} }])).toEqual(['exercise "bridge": no German translation']);
    expect(
      exerciseGaps([{ ...bridge, translations: { de: { ...bridge.translations!.de!, dose: '5 Sekunden halten' } } }]),
    ).toEqual(['exercise "bridge": dose has numbers 5, English has 3 5 10']);
    const neck = builtInAreas.find((area) => area.code === 'neck')!;
    expect(
      guidanceGaps('area', [{ ...neck, translations: { de: { title: 'Ihr Nacken', points: ['Nur einer.'] } } }]),
    ).toContain('area "neck": points has 1 items, English has 4');
  });
});
