import fc from 'fast-check';
import { expect } from 'vitest';

/** Asserts |a − b| ≤ tol·max(1, |b|): equal up to rounding. */
export function expectNear(actual: number | null | undefined, wanted: number, tol = 1e-9): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - wanted)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(wanted)));
}

/** Every number anywhere in `value` is finite: no NaN or Infinity hides in a report. */
export function expectAllFinite(value: unknown, path = '$'): void {
  if (typeof value === 'number') {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expectAllFinite(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expectAllFinite(v, `${path}.${k}`);
  }
}

/** Plot-level values: hundredths between 0.01 and 1000, like kg or days. */
export const positiveValue = fc.integer({ min: 1, max: 100_000 }).map((x) => x / 100);

/** Any plot value, zero and negatives included. */
export const anyValue = fc.integer({ min: -100_000, max: 100_000 }).map((x) => x / 100);
