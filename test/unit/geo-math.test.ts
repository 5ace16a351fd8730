// Geomagnetic scoring math. Expected values are worked by hand from the domain formulas.
import { describe, expect, it } from 'vitest';
import { geoScore, geoScoreRow, normalizeDst } from '../../lib/tasks/geo/math';

describe('geoScore', () => {
  it('is 1 for an exact prediction', () => {
    // exp(-3.5 * 0) ** 1.2 = 1
    expect(geoScore(1, 1)).toBe(1);
    expect(geoScore(-2.3, -2.3)).toBe(1);
  });

  it('follows exp(-3.5 |d|) ** 1.2 = exp(-4.2 |d|)', () => {
    // |d| = 0.2: exp(-0.7) ** 1.2 = exp(-0.84) = 0.4317105234
    expect(geoScore(0.5, 0.3)).toBeCloseTo(0.4317105234, 9);
    // |d| = 2: exp(-7) ** 1.2 = exp(-8.4) = 0.0002248673
    expect(geoScore(-1, 1)).toBeCloseTo(0.0002248673, 9);
    // |d| = 0.5: exp(-2.1) = 0.1224564283
    expect(geoScore(0, 0.5)).toBeCloseTo(0.1224564283, 9);
  });

  it('is symmetric in the sign of the error and decreases as the error grows', () => {
    expect(geoScore(1.2, 1)).toBeCloseTo(geoScore(0.8, 1), 12);
    const errors = [0, 0.01, 0.1, 0.5, 1, 3];
    const scores = errors.map((d) => geoScore(d, 0));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1] ?? Number.NaN);
  });

  it('accepts the bounds of [-5, 5] and scores 0 outside them', () => {
    expect(geoScore(5, 5)).toBe(1);
    // -5 vs -4.8: |d| = 0.2 -> exp(-0.84) = 0.4317105234
    expect(geoScore(-5, -4.8)).toBeCloseTo(0.4317105234, 9);
    // outside: 0 even when the truth is out there too
    expect(geoScore(5.0001, 5.0001)).toBe(0);
    expect(geoScore(-5.0001, -5)).toBe(0);
  });

  it('scores 0 for a non-finite prediction', () => {
    expect(geoScore(Number.NaN, 0)).toBe(0);
    expect(geoScore(Number.POSITIVE_INFINITY, 0)).toBe(0);
    expect(geoScore(Number.NEGATIVE_INFINITY, 0)).toBe(0);
  });

  it('is NaN (no score) when the truth itself is NaN', () => {
    expect(geoScore(1, Number.NaN)).toBeNaN();
  });
});

describe('normalizeDst', () => {
  it('divides by 100', () => {
    expect(normalizeDst(-250)).toBe(-2.5);
    expect(normalizeDst(0)).toBe(0);
    expect(normalizeDst(37)).toBe(0.37);
  });

  it('keeps |raw| = 1000 and rejects anything beyond, or non-finite', () => {
    expect(normalizeDst(1000)).toBe(10);
    expect(normalizeDst(-1000)).toBe(-10);
    expect(normalizeDst(1000.5)).toBeNull();
    expect(normalizeDst(-99999)).toBeNull();
    expect(normalizeDst(Number.NaN)).toBeNull();
    expect(normalizeDst(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('geoScoreRow', () => {
  it('places each score at its uid and leaves the rest NaN', () => {
    // Prepare
    const entries = [
      { uid: 0, score: 0.5 },
      { uid: 255, score: 1 },
    ];
    // Act
    const row = geoScoreRow(entries);
    // Assess
    expect(row).toHaveLength(256);
    expect(row[0]).toBe(0.5);
    expect(row[255]).toBe(1);
    expect(Array.from(row.subarray(1, 255)).every(Number.isNaN)).toBe(true);
  });

  it('is all NaN for no entries, and full for all 256 uids', () => {
    expect(Array.from(geoScoreRow([])).every(Number.isNaN)).toBe(true);
    const full = geoScoreRow(Array.from({ length: 256 }, (_, uid) => ({ uid, score: uid / 256 })));
    expect(Array.from(full).every((v, uid) => v === uid / 256)).toBe(true);
  });

  it('keeps a score of 0 as 0, not as missing', () => {
    expect(geoScoreRow([{ uid: 9, score: 0 }])[9]).toBe(0);
  });

  it('rejects a repeated or out-of-range uid', () => {
    expect(() =>
      geoScoreRow([
        { uid: 4, score: 0.1 },
        { uid: 4, score: 0.2 },
      ]),
    ).toThrow(RangeError);
    expect(() => geoScoreRow([{ uid: 256, score: 0.1 }])).toThrow(RangeError);
    expect(() => geoScoreRow([{ uid: -1, score: 0.1 }])).toThrow(RangeError);
  });
});
