import { describe, expect, it } from 'vitest';
import { instantOfWallTime, type WallTime } from '../../../shared/time/instant-of-wall-time';
import { wallClockFromIntl } from '../../../shared/time/wall-clock';

// The oracle: Intl.DateTimeFormat's reading of an instant in a zone. The seconds are the
// instant's own: every offset in the years read here is whole minutes.
function intlWall(instantMs: number, timeZone: string): WallTime {
  const { year, month, day, hour, minute } = wallClockFromIntl(new Date(instantMs), timeZone);
  return { year, month, day, hour, minute, second: new Date(instantMs).getUTCSeconds() };
}

/** A wall time as the instant it would be at offset zero, and back. */
const asIfUtc = (wall: WallTime) =>
  Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
const wallOf = (ms: number): WallTime => intlWall(ms, 'UTC');

const intlOffsetMs = (instantMs: number, timeZone: string) => asIfUtc(intlWall(instantMs, timeZone)) - instantMs;
const show = (wall: WallTime) => new Date(asIfUtc(wall)).toISOString().slice(0, 19);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 24 * HOUR;

interface Change {
  /** The first instant with the new offset. */
  at: number;
  before: number;
  after: number;
}

/** Where Intl says the zone's offset changes between two instants (to the minute). */
function changesOf(timeZone: string, fromMs: number, toMs: number): Change[] {
  const changes: Change[] = [];
  for (let start = fromMs; start < toMs; start += WEEK) {
    const before = intlOffsetMs(start, timeZone);
    const after = intlOffsetMs(start + WEEK, timeZone);
    if (before === after) continue;
    let [low, high] = [start, start + WEEK];
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
      if (intlOffsetMs(middle, timeZone) === before) low = middle;
      else high = middle;
    }
    changes.push({ at: high, before, after: intlOffsetMs(high, timeZone) });
  }
  return changes;
}

const ZONES = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
let changes2026: [string, Change[]][] | undefined;
/** Every zone with the changes of offset Intl knows for it in 2026 (found once: it takes a while). */
const zonesWithChanges = () =>
  (changes2026 ??= ZONES.map((zone) => [zone, changesOf(zone, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))]));

describe('the instant a wall time names in a time zone', () => {
  it('is the instant Intl reads that wall time at, for every zone, through the year', () => {
    const differences: string[] = [];
    for (const zone of ZONES) {
      for (let month = 0; month < 12; month++) {
        const instant = Date.UTC(2026, month, 10 + month, month * 2, month * 5, month);
        const wall = intlWall(instant, zone);
        const found = instantOfWallTime(wall, zone).getTime();
        if (found !== instant) differences.push(`${zone} ${show(wall)}: ${new Date(found).toISOString()}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('around every change of offset in 2026, reads back as Intl does and takes the first of two occurrences', () => {
    const differences: string[] = [];
    let changes = 0;
    for (const [zone, zoneChanges] of zonesWithChanges()) {
      for (const change of zoneChanges) {
        changes++;
        for (let step = -12; step <= 12; step++) {
          for (const instant of [change.at + step * 15 * MINUTE, change.at + step * 15 * MINUTE - 1000]) {
            const wall = intlWall(instant, zone);
            const found = instantOfWallTime(wall, zone).getTime();
            // Intl shows the same wall time there, and no later than at any instant that shows it.
            if (show(intlWall(found, zone)) !== show(wall) || found > instant)
              differences.push(`${zone} ${show(wall)} (from ${new Date(instant).toISOString()}): ${found}`);
          }
        }
      }
    }
    expect(differences).toEqual([]);
    // Else the loop above proved nothing about DST.
    expect(changes).toBeGreaterThan(100);
  });

  it('moves a wall time the clocks skip forward by the gap, in every zone that skips one in 2026', () => {
    const differences: string[] = [];
    for (const [zone, zoneChanges] of zonesWithChanges()) {
      for (const { at, before, after } of zoneChanges) {
        if (after <= before) continue;
        // Skipped: from the change read with the old offset up to it read with the new one.
        for (const local of [at + before, at + before + (after - before) / 2, at + after - MINUTE]) {
          const found = instantOfWallTime(wallOf(local), zone).getTime();
          const shown = asIfUtc(intlWall(found, zone));
          if (found !== local - before || shown !== local + (after - before))
            differences.push(`${zone} ${show(wallOf(local))}: ${new Date(found).toISOString()}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('takes the first occurrence of a wall time the clocks show twice, in every zone that repeats one in 2026', () => {
    const differences: string[] = [];
    for (const [zone, zoneChanges] of zonesWithChanges()) {
      for (const { at, before, after } of zoneChanges) {
        if (after >= before) continue;
        for (const local of [at + after, at + after + (before - after) / 2, at + before - MINUTE]) {
          const found = instantOfWallTime(wallOf(local), zone).getTime();
          const first = local - before;
          const second = local - after;
          if (found !== first || asIfUtc(intlWall(first, zone)) !== local || asIfUtc(intlWall(second, zone)) !== local)
            differences.push(`${zone} ${show(wallOf(local))}: ${new Date(found).toISOString()}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('reads Berlin on the nights its clocks change', () => {
    const berlin = (wall: WallTime) => instantOfWallTime(wall, 'Europe/Berlin').toISOString();
    expect(berlin({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 })).toBe('2026-03-29T00:30:00.000Z');
    expect(berlin({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 })).toBe('2026-03-29T01:30:00.000Z');
    expect(berlin({ year: 2026, month: 3, day: 29, hour: 3, minute: 30 })).toBe('2026-03-29T01:30:00.000Z');
    expect(berlin({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 15 })).toBe(
      '2026-10-25T00:30:15.000Z',
    );
    expect(berlin({ year: 2026, month: 10, day: 25, hour: 3, minute: 30 })).toBe('2026-10-25T02:30:00.000Z');
  });

  it('moves a whole skipped day forward by it (Samoa crossed the date line in 2011)', () => {
    expect(
      instantOfWallTime({ year: 2011, month: 12, day: 30, hour: 12, minute: 0 }, 'Pacific/Apia').toISOString(),
    ).toBe('2011-12-30T22:00:00.000Z');
  });

  it('takes the spellings Intl takes, reads years before 100 as themselves, and refuses an unknown zone', () => {
    expect(instantOfWallTime({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'europe/berlin').toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(instantOfWallTime({ year: 50, month: 1, day: 1, hour: 0, minute: 0 }, 'UTC').getUTCFullYear()).toBe(50);
    expect(() => instantOfWallTime({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'Mars/Olympus')).toThrow(
      RangeError,
    );
  });
});
