/**
 * Cohorts: explicit lists compare case-insensitively; percentages take a stable hash bucket of the
 * lower-cased sign-in name, so raising the percentage only ever adds users (property-tested).
 */
import fc from 'fast-check';
import { cohortBucket, explainCohort, inCohort, joinsAtPercent } from '../src/index-routing';

const signinName = fc.tuple(
  fc.stringMatching(/^[a-z0-9._-]{1,20}$/), fc.constantFrom('contoso.com', 'fabrikam.com', 'example.org'),
).map(([local, domain]) => `${local}@${domain}`);
const percent = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100);

describe('inCohort', () => {
  test('an explicit list matches case-insensitively, whatever the percentage', () => {
    expect(inCohort('Ann@Contoso.COM', { users: ['ann@contoso.com'] })).toBe(true);
    expect(inCohort('ann@contoso.com', { users: ['ANN@contoso.com'], percent: 0 })).toBe(true);
    expect(inCohort('bob@contoso.com', { users: ['ann@contoso.com'] })).toBe(false);
  });

  test('0% takes nobody, 100% everybody; an empty cohort nobody', () => {
    for (const n of ['a@b.c', 'oscar@contoso.com', 'victor@contoso.com']) {
      expect(inCohort(n, { percent: 0 })).toBe(false);
      expect(inCohort(n, { percent: 100 })).toBe(true);
      expect(inCohort(n, {})).toBe(false);
    }
  });

  test('the bucket is the first 32 bits of sha256(lower-cased name) mod 10000: fixed values, same for any casing', () => {
    expect(cohortBucket('oscar@contoso.com')).toBe(105);
    expect(cohortBucket('OSCAR@Contoso.com')).toBe(105);
    expect(cohortBucket('walter@contoso.com')).toBe(1113);
    expect(inCohort('oscar@contoso.com', { percent: 1.05 })).toBe(false);
    expect(inCohort('oscar@contoso.com', { percent: 1.06 })).toBe(true);
    expect(joinsAtPercent('oscar@contoso.com')).toBeCloseTo(1.06, 10);
    expect(inCohort('walter@contoso.com', { percent: 10 })).toBe(false);
    expect(inCohort('walter@contoso.com', { percent: 11.14 })).toBe(true);
  });

  test('monotonic: for any name and p1 < p2, in at p1 implies in at p2 (a user never flips back)', () => {
    fc.assert(fc.property(signinName, percent, percent, (name, a, b) => {
      const [p1, p2] = a <= b ? [a, b] : [b, a];
      return !inCohort(name, { percent: p1 }) || inCohort(name, { percent: p2 });
    }), { numRuns: 2000 });
  });

  test('joinsAtPercent is exactly the threshold: out just below, in from there on', () => {
    fc.assert(fc.property(signinName, (name) => {
      const at = joinsAtPercent(name);
      return inCohort(name, { percent: at }) && !inCohort(name, { percent: Math.round(at * 100 - 1) / 100 });
    }), { numRuns: 500 });
  });

  test('buckets spread evenly: about 10% of 20000 names are in at 10%', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `user${i}@contoso.com`);
    const share = names.filter((n) => inCohort(n, { percent: 10 })).length / names.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });

  test('explainCohort says why', () => {
    expect(explainCohort('ann@contoso.com', { users: ['ann@contoso.com'] })).toBe('in (listed by name)');
    expect(explainCohort('oscar@contoso.com', { percent: 10 })).toBe('in (bucket 105 of 10000: joins at 1.06%, cohort is 10%)');
    expect(explainCohort('walter@contoso.com', { percent: 10 })).toBe('out (bucket 1113 of 10000: joins at 11.14%, cohort is 10%)');
  });
});
