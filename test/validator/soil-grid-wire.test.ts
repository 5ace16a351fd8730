// The binary grid transfer the soil step reads with: every float8 comes back bit for bit as stored (the text
// parser's answer, NaN and -0 included), on PostgreSQL and on PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTypes } from '../../lib/db/drivers/pg/types';
import { decodeGridWire, gridWire } from '../../lib/validator/soil-grid-wire';
import { pgHarness, pgliteHarness, range, type Harness } from './fixtures';

const EDGES = [0.1, -0, 0, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 0.30000000000000004];
/** 121 values unlike each other (their base64 spans several of PostgreSQL's 76-character lines). */
const GRID = range(121).map((k) => Math.sin(k * 12.9898) * 43758.5453 - Math.floor(Math.sin(k * 12.9898) * 43758.5453));
const parseText = pgTypes.getTypeParser(1022) as (text: string) => unknown;

describe.each([
  ['PostgreSQL', () => pgHarness('grid_wire')],
  ['PGlite', () => pgliteHarness()],
])('decodeGridWire on %s', (_name, open) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  /** `literal` (SQL for a float8[]) through gridWire, and as the array's text. */
  const both = (literal: string) =>
    h.session(async (s) => (await s.query<{ wire: string; text: string }>(`SELECT ${gridWire(literal)} AS wire, (${literal})::text AS text`)).rows[0]!);

  it('returns the stored values bit for bit: a grid and the edge cases', async () => {
    for (const values of [GRID, EDGES]) {
      // Act
      const { wire, text } = await both(`$$${floatLiteral(values)}$$::float8[]`);
      // Assess
      const decoded = decodeGridWire(wire);
      expect(decoded).toHaveLength(values.length);
      decoded.forEach((v, i) => expect(Object.is(v, values[i]), `element ${i}: ${v} vs ${values[i]}`).toBe(true));
      expect(decoded).toEqual(parseText(text));
    }
  });

  it('answers NULL elements with null and an empty array with [], as the text parser does', async () => {
    // Act
    const withNull = await both(`ARRAY[1.5, NULL, -2]::float8[]`);
    const empty = await both(`'{}'::float8[]`);
    // Assess
    expect(decodeGridWire(withNull.wire)).toEqual([1.5, null, -2]);
    expect(decodeGridWire(withNull.wire)).toEqual(parseText(withNull.text));
    expect(decodeGridWire(empty.wire)).toEqual([]);
  });

  it('refuses what is not a one-dimensional float8[]', async () => {
    // Act
    const matrix = await both(`ARRAY[[1, 2], [3, 4]]::float8[]`);
    const ints = await h.session(async (s) => (await s.query<{ wire: string }>(`SELECT ${gridWire('ARRAY[1, 2]::int[]')} AS wire`)).rows[0]!.wire);
    // Assess
    expect(() => decodeGridWire(matrix.wire)).toThrow(RangeError);
    expect(() => decodeGridWire(ints)).toThrow(RangeError);
  });
});

/** A float8[] literal PostgreSQL reads back exactly (shortest round-trip digits; NaN and infinities by name as JS writes them). */
function floatLiteral(values: readonly number[]): string {
  return `{${values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}}`;
}
