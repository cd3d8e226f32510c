import { describe, expect, it } from 'vitest';
import { LISTED_TIME_ZONES, LISTED_WITH_ICU } from '../../../shared/time/time-zone-names';
import { canonicalTimeZone } from '../../../shared/time/time-zones';

const listed = LISTED_TIME_ZONES.split(/\s+/).filter(Boolean);
const resolvedByIntl = (zone: string) => new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;

describe('the copy of Intl’s time-zone list', () => {
  it.runIf(process.versions.icu === LISTED_WITH_ICU)(
    'is Intl’s list, name for name (else: node scripts/time-zone-names.mjs > shared/time/time-zone-names.ts)',
    () => {
      expect(listed).toEqual(Intl.supportedValuesOf('timeZone'));
    },
  );

  it('names only zones Intl knows', () => {
    const unknown = listed.filter((zone) => {
      try {
        resolvedByIntl(zone);
        return false;
      } catch {
        return true;
      }
    });
    expect(unknown).toEqual([]);
  });

  it('leaves no zone Intl lists unresolved, on any ICU: a zone it lacks resolves through Intl', () => {
    const differing = Intl.supportedValuesOf('timeZone').filter((zone) => {
      const answer = canonicalTimeZone(zone);
      return answer === undefined || resolvedByIntl(answer) !== resolvedByIntl(zone);
    });
    expect(differing).toEqual([]);
  });
});
