/**
 * Cohorts: which users take the new routes. A user is in a cohort when the explicit list names them
 * (case-insensitively) or when their bucket falls under the percentage. The bucket is a stable
 * function of the lower-cased sign-in name (the first 32 bits of its SHA-256, mod 10000), so a user
 * who is in at 10% is in at every larger percentage: raising the percentage only ever adds users,
 * and nobody flips back and forth between backends while a rollout grows.
 */
import { createHash } from 'node:crypto';

export interface Cohort {
  /** Sign-in names that are in the cohort whatever the percentage (compared case-insensitively). */
  readonly users?: readonly string[];
  /** Share of all users in the cohort, 0..100 (two decimals of precision: 0.01% steps). */
  readonly percent?: number;
}

/** Number of buckets: percent p takes the buckets below p * 100. */
export const COHORT_BUCKETS = 10_000;

/** The user's bucket, 0..9999: stable across runs, machines and versions. */
export function cohortBucket(signinName: string): number {
  const digest = createHash('sha256').update(signinName.trim().toLowerCase(), 'utf8').digest();
  return digest.readUInt32BE(0) % COHORT_BUCKETS;
}

/** True when the explicit list names the user. */
export function listedInCohort(signinName: string, cohort: Cohort): boolean {
  const key = signinName.trim().toLowerCase();
  return (cohort.users ?? []).some((u) => u.trim().toLowerCase() === key);
}

/** True when the user takes the cohort's routes: listed, or bucket below percent * 100. */
export function inCohort(signinName: string, cohort: Cohort): boolean {
  if (!signinName) return false;
  if (listedInCohort(signinName, cohort)) return true;
  const percent = cohort.percent ?? 0;
  // Rounded to whole buckets so that 7.35 means 735 buckets, not 734.99999….
  return cohortBucket(signinName) < Math.round(percent * (COHORT_BUCKETS / 100));
}

/** The smallest percentage at which the user joins by hash (e.g. 7.35 for bucket 734). */
export function joinsAtPercent(signinName: string): number {
  return (cohortBucket(signinName) + 1) / (COHORT_BUCKETS / 100);
}

/** Why a user is or is not in a cohort, for `migrate routes`. */
export function explainCohort(signinName: string, cohort: Cohort): string {
  if (listedInCohort(signinName, cohort)) return 'in (listed by name)';
  const percent = cohort.percent ?? 0;
  const joins = joinsAtPercent(signinName);
  const verdict = inCohort(signinName, cohort) ? 'in' : 'out';
  return `${verdict} (bucket ${cohortBucket(signinName)} of ${COHORT_BUCKETS}: joins at ${formatPercent(joins)}%, cohort is ${formatPercent(percent)}%)`;
}

const formatPercent = (p: number): string => String(Math.round(p * 100) / 100);
