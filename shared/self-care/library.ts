import { builtInExercises } from './exercises';
import { builtInAreas, builtInRedFlags, builtInTechniques } from './guidance';
import type {
  Exercise,
  ExerciseText,
  Guidance,
  GuidanceText,
  RedFlags,
  RedFlagsText,
  SelfCareData,
  SelfCareLibrary,
  SelfCareOverrides,
} from './types';

export type {
  Exercise,
  ExerciseText,
  Guidance,
  GuidanceText,
  RedFlags,
  RedFlagsText,
  SelfCareData,
  SelfCareLibrary,
  SelfCareOverrides,
} from './types';

export const GENERAL = 'general';

const EXERCISE_TEXT_KEYS = ['title', 'purpose', 'steps', 'dose', 'frequency', 'stopIf'] as const;
const GUIDANCE_TEXT_KEYS = ['title', 'points'] as const;

/** An override's translations lose the fields the override rewrote in English (they would be stale). */
function mergeEntry<T extends { translations?: Readonly<Record<string, object>> }>(
  base: T | undefined,
  override: Partial<T>,
  textKeys: readonly string[],
): Partial<T> {
  if (!base) return override;
  const merged: Partial<T> = { ...base, ...override };
  if (override.translations === undefined && base.translations) {
    const rewritten = textKeys.filter((key) => key in override);
    if (rewritten.length > 0) {
      const translations: Record<string, object> = {};
      for (const [lang, text] of Object.entries(base.translations)) {
        const kept = Object.fromEntries(Object.entries(text).filter(([key]) => !rewritten.includes(key)));
        translations[lang] = kept;
      }
      merged.translations = translations as T['translations'];
    }
  }
  return merged;
}

function missing(entry: object, keys: readonly string[]): string[] {
  const record = entry as Record<string, unknown>;
  return keys.filter((key) => {
    const value = record[key];
    if (typeof value === 'string') return value.trim() === '';
    if (Array.isArray(value)) return value.length === 0;
    return value === undefined;
  });
}

function byKey<T>(entries: Iterable<T>, key: (entry: T) => string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const entry of entries) out[key(entry)] = entry;
  return out;
}

function mergeGuidance(
  base: readonly Guidance[] | Readonly<Record<string, Guidance>>,
  overrides: SelfCareOverrides['techniques'],
  what: string,
): Record<string, Guidance> {
  const out = Array.isArray(base)
    ? byKey(base as readonly Guidance[], (g) => g.code)
    : { ...(base as Record<string, Guidance>) };
  for (const override of overrides ?? []) {
    const merged = mergeEntry(out[override.code], override, GUIDANCE_TEXT_KEYS);
    const gaps = missing(merged, ['title', 'points']);
    if (gaps.length > 0) throw new Error(`self-care ${what} "${override.code}" is missing ${gaps.join(', ')}`);
    out[override.code] = { suggestedExercises: [], ...merged } as Guidance;
  }
  return out;
}

function mergeExercises(
  base: readonly Exercise[] | Readonly<Record<string, Exercise>>,
  overrides: SelfCareOverrides['exercises'],
): Record<string, Exercise> {
  const out = Array.isArray(base)
    ? byKey(base as readonly Exercise[], (e) => e.id)
    : { ...(base as Record<string, Exercise>) };
  for (const override of overrides ?? []) {
    const merged = mergeEntry(out[override.id], override, EXERCISE_TEXT_KEYS);
    const gaps = missing(merged, ['title', 'steps', 'dose', 'frequency', 'stopIf']);
    if (gaps.length > 0) throw new Error(`self-care exercise "${override.id}" is missing ${gaps.join(', ')}`);
    out[override.id] = { purpose: '', areas: [], ...merged } as Exercise;
  }
  return out;
}

function libraryFrom(data: SelfCareData): SelfCareLibrary {
  const generalTechnique = data.techniques[GENERAL];
  const generalArea = data.areas[GENERAL];
  if (!generalTechnique || !generalArea)
    throw new Error('self-care library needs "general" technique and area guidance');
  const has = (record: object, key: string) => Object.prototype.hasOwnProperty.call(record, key);
  return Object.freeze({
    ...data,
    techniqueGuidance: (code: string) => (has(data.techniques, code) ? data.techniques[code]! : generalTechnique),
    areaGuidance: (code: string) => (has(data.areas, code) ? data.areas[code]! : generalArea),
    findExercise: (id: string) => (has(data.exercises, id) ? data.exercises[id] : undefined),
    hasExercise: (id: string) => has(data.exercises, id),
  });
}

/**
 * A library built from the built-in entries (or `base`) plus a clinic's overrides, merged
 * by id/code: an override's fields replace the built-in entry's, a new id adds an entry
 * (which must then be complete). Throws on an incomplete entry, so a bad configuration
 * fails at start-up rather than in an email.
 */
export function createSelfCareLibrary(overrides: SelfCareOverrides = {}, base?: SelfCareData): SelfCareLibrary {
  return libraryFrom({
    techniques: mergeGuidance(base?.techniques ?? builtInTechniques, overrides.techniques, 'technique'),
    areas: mergeGuidance(base?.areas ?? builtInAreas, overrides.areas, 'area'),
    exercises: mergeExercises(base?.exercises ?? builtInExercises, overrides.exercises),
    redFlags: { ...(base?.redFlags ?? builtInRedFlags), ...overrides.redFlags },
  });
}

let builtIn: SelfCareLibrary | undefined;

/** The built-in library (built on first use). */
export function defaultSelfCareLibrary(): SelfCareLibrary {
  builtIn ??= createSelfCareLibrary();
  return builtIn;
}

/** The whole built-in library. */
export const selfCareLibrary: SelfCareLibrary = defaultSelfCareLibrary();

export function techniqueGuidance(code: string): Guidance {
  return selfCareLibrary.techniqueGuidance(code);
}

export function areaGuidance(code: string): Guidance {
  return selfCareLibrary.areaGuidance(code);
}

export function findExercise(id: string): Exercise | undefined {
  return selfCareLibrary.findExercise(id);
}

/** Problems in a library: incomplete exercises, suggestions naming unknown exercises. Empty when sound. */
export function validateSelfCareLibrary(library: SelfCareData): string[] {
  const problems: string[] = [];
  for (const [id, exercise] of Object.entries(library.exercises)) {
    if (exercise.id !== id) problems.push(`exercise "${id}" has id "${exercise.id}"`);
    for (const gap of missing(exercise, ['title', 'purpose', 'steps', 'dose', 'frequency', 'stopIf'])) {
      problems.push(`exercise "${id}" has no ${gap}`);
    }
    if (exercise.steps.some((step) => step.trim() === '')) problems.push(`exercise "${id}" has an empty step`);
  }
  for (const [kind, record] of [
    ['technique', library.techniques],
    ['area', library.areas],
  ] as const) {
    if (!record[GENERAL]) problems.push(`no general ${kind} guidance`);
    for (const [code, guidance] of Object.entries(record)) {
      if (guidance.code !== code) problems.push(`${kind} "${code}" has code "${guidance.code}"`);
      for (const gap of missing(guidance, ['title', 'points'])) problems.push(`${kind} "${code}" has no ${gap}`);
      for (const id of guidance.suggestedExercises) {
        if (!Object.prototype.hasOwnProperty.call(library.exercises, id)) {
          problems.push(`${kind} "${code}" suggests unknown exercise "${id}"`);
        }
      }
    }
  }
  if (library.redFlags.callClinic.length === 0 || library.redFlags.urgent.length === 0)
    problems.push('red flags are empty');
  return problems;
}

/** A text in some language, and which language it actually is (for `lang` attributes). */
export type Localized<T> = T & { lang: string };

function pick<T extends object>(
  text: T,
  translations: Readonly<Record<string, Partial<T>>> | undefined,
  language: string,
  keys: readonly (keyof T)[],
): Localized<T> {
  const translated = translations?.[language];
  if (!translated) return { ...text, lang: 'en' };
  const out = { ...text };
  let complete = true;
  for (const key of keys) {
    const value = translated[key];
    if (value !== undefined) out[key] = value as T[keyof T];
    else if (text[key] !== undefined && text[key] !== '') complete = false;
  }
  return { ...out, lang: complete ? language : 'en' };
}

/** The exercise's text in a language (`de`), English for fields without a translation. */
export function localizeExercise(exercise: Exercise, language: string): Localized<ExerciseText> {
  return pick<ExerciseText>(exercise, exercise.translations, language, EXERCISE_TEXT_KEYS);
}

export function localizeGuidance(guidance: Guidance, language: string): Localized<GuidanceText> {
  return pick<GuidanceText>(guidance, guidance.translations, language, GUIDANCE_TEXT_KEYS);
}

export function localizeRedFlags(redFlags: RedFlags, language: string): Localized<RedFlagsText> {
  return pick<RedFlagsText>(redFlags, redFlags.translations, language, ['callClinic', 'urgent']);
}
