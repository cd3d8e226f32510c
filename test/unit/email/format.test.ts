import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../../shared/email/format';

describe('durations in emails', () => {
  it.each(['en', 'en-US', 'en-GB', 'de', 'de-AT', 'de-CH', undefined])(
    'reads as Intl would write it for every duration the contract allows (locale %s)',
    (locale) => {
      const format = createFormatter(locale, 'Europe/Berlin');
      const intl = new Intl.NumberFormat(format.locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
      for (let minutes = 1; minutes <= 480; minutes++) expect(format.minutes(minutes)).toBe(intl.format(minutes));
    },
  );
});
