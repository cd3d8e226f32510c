/**
 * The self-care library's shapes. Entries are plain data so that a clinic can extend or
 * override them by configuration (see `createSelfCareLibrary`).
 *
 * Text is written in English; an entry may carry `translations` keyed by language
 * (`de`, ...), each overriding some of its text fields. Untranslated fields fall back to
 * the English text.
 */

export interface ExerciseText {
  /** Short name shown as the exercise's heading. */
  title: string;
  /** One sentence on what it is for. */
  purpose: string;
  /** Plain-language steps, in order. */
  steps: readonly string[];
  /** Hold and repetitions, e.g. "Hold 20–30 seconds; 3 times each side". */
  dose: string;
  /** How often, e.g. "2–3 times a day". */
  frequency: string;
  /** Stop (and contact the clinic) if any of these happen. */
  stopIf: readonly string[];
}

export interface Exercise extends ExerciseText {
  /** Stable id used in `SessionCompleted.selfCare.exercises`, `[a-z0-9-]`. */
  id: string;
  /** Focus-area codes this exercise is mainly for. */
  areas: readonly string[];
  translations?: Readonly<Record<string, Partial<ExerciseText>>>;
}

export interface GuidanceText {
  /** Heading, e.g. "After deep tissue massage". */
  title: string;
  /** Advice, one point per entry. */
  points: readonly string[];
}

/** Guidance for a technique or a focus area. */
export interface Guidance extends GuidanceText {
  /** The technique or focus-area code it is for (`general` for the fallback). */
  code: string;
  /** Exercise ids a therapist may want to prescribe alongside (suggestions, not prescriptions). */
  suggestedExercises: readonly string[];
  translations?: Readonly<Record<string, Partial<GuidanceText>>>;
}

export interface RedFlagsText {
  /** Reasons to call the clinic. */
  callClinic: readonly string[];
  /** Reasons to call emergency services straight away. */
  urgent: readonly string[];
}

export interface RedFlags extends RedFlagsText {
  translations?: Readonly<Record<string, Partial<RedFlagsText>>>;
}

export interface SelfCareData {
  techniques: Readonly<Record<string, Guidance>>;
  areas: Readonly<Record<string, Guidance>>;
  exercises: Readonly<Record<string, Exercise>>;
  redFlags: RedFlags;
}

export interface SelfCareLibrary extends SelfCareData {
  /** Guidance for a technique code; general guidance for an unknown code. */
  techniqueGuidance(code: string): Guidance;
  /** Guidance for a focus-area code; general guidance for an unknown code. */
  areaGuidance(code: string): Guidance;
  findExercise(id: string): Exercise | undefined;
  hasExercise(id: string): boolean;
}

/** Entries to add or override, merged by id/code: fields given replace the built-in ones. */
export interface SelfCareOverrides {
  techniques?: ReadonlyArray<Partial<Guidance> & { code: string }>;
  areas?: ReadonlyArray<Partial<Guidance> & { code: string }>;
  exercises?: ReadonlyArray<Partial<Exercise> & { id: string }>;
  redFlags?: Partial<RedFlags>;
}
