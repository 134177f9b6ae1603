import { FedomopError } from '../../errors.js';
import { describeError, describeSiteError, formatMs, formatValue } from './format.js';

describe('format', () => {
  it('formatValue: exact values as numbers, withheld ones as their interval, marked', () => {
    expect(formatValue({ value: 42, lower: 42, upper: 42, suppressed: false })).toStrictEqual({ text: '42', suppressed: false });
    const hidden = formatValue({ value: null, lower: 1, upper: 4, suppressed: true });
    expect(hidden.text).toBe('1–4');
    expect(hidden.suppressed).toBe(true);
    expect(hidden.title ?? '').toMatch(/between 1 and 4/);
    expect(formatValue({ value: null, lower: 0, upper: 0, suppressed: true }).text).toBe('0');
    expect(formatValue(undefined).text).toBe('—');
  });

  it('formatMs: milliseconds under a second, seconds above', () => {
    expect(formatMs(312.4)).toBe('312 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(undefined)).toBe('');
  });

  it('site errors are worded for a researcher and name the site', () => {
    expect(
      describeSiteError('east', 'failed', { code: 'ERR_SITE_UNREACHABLE', message: 'connection refused', site: 'east' }),
    ).toMatch(/^Site “east” could not be reached.*connection refused/);
    expect(describeSiteError('north', 'timeout')).toMatch(/Site “north” did not answer in time/);
    expect(
      describeSiteError('south', 'failed', { code: 'ERR_DISCLOSURE_REFUSED', message: 'cell below 5', site: 'south' }),
    ).toMatch(/Site “south” refused to release/);
    const group = 'urn:geant:helmholtz.de:group:fedomop:south';
    expect(
      describeSiteError('south', 'failed', { code: 'ERR_NOT_ENTITLED', message: 'site south: ...', site: 'south', group }),
    ).toBe(`Site “south” refused: to run this there you need the group ${group}.`);
  });

  it('query errors: an unreachable hub and a refused plan are explained', () => {
    expect(describeError(new FedomopError('ERR_SITE_UNREACHABLE', 'hub at x is unreachable'))).toMatch(/hub cannot be reached/);
    const refused = new FedomopError('ERR_PLAN_INVALID', 'bad plan', {
      problems: [{ path: 'cohort.ConceptSets', message: 'is empty' }],
    });
    expect(describeError(refused)).toMatch(/cohort\.ConceptSets: is empty/);
  });
});
