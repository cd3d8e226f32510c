/**
 * The local stack's clock: real time plus every advance asked for so far. It keeps ticking
 * with real time and only ever moves forward, so schedules that were due stay due.
 *
 * `realTimeMs` is injectable so tests can pin "real" time and move it only by `advance`.
 */
export interface LocalClockOptions {
  /** Source of real time in epoch milliseconds; defaults to `Date.now`. */
  realTimeMs?: () => number;
}

export class LocalClock {
  readonly #realTimeMs: () => number;
  #advancedMs = 0;

  constructor(options: LocalClockOptions = {}) {
    this.#realTimeMs = options.realTimeMs ?? Date.now;
  }

  /** Real time plus the accumulated advance. */
  now(): Date {
    return new Date(this.#realTimeMs() + this.#advancedMs);
  }

  /**
   * Moves the clock forward by `seconds` (fractions allowed, 0 is a no-op) and returns the
   * new time. Negative, NaN and infinite values are refused: the clock never goes back.
   */
  advance(seconds: number): Date {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(
        `LocalClock.advance needs a finite number of seconds >= 0 (the clock only moves forward), got ${String(seconds)}`,
      );
    }
    this.#advancedMs += Math.round(seconds * 1000);
    return this.now();
  }

  /** Total advance so far, in seconds. */
  get advancedBySeconds(): number {
    return this.#advancedMs / 1000;
  }
}
