// Parameters of a pipelined unit go on the wire exactly as node-postgres's query() sends them (its prepareValue).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../lib/db';
import { wireValue } from '../../lib/db/drivers/pg/wire-values';

const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (v: unknown) => unknown };

const CASES: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['string', 'plain text, with "quotes" and \\ backslash'],
  ['empty string', ''],
  ['integer', 42],
  ['float', -1.5e-7],
  ['NaN', Number.NaN],
  ['boolean', false],
  ['bigint', 12345678901234567890n],
  ['Date', new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 7))],
  ['Date before year 1', new Date(Date.UTC(-44, 2, 15))],
  ['Buffer', Buffer.from([0, 1, 254, 255])],
  ['Uint8Array', new Uint8Array([9, 8, 7])],
  ['Float32Array view', new Float32Array([1.5, 2.5]).subarray(1)],
  ['flat array', [1, 2, 3]],
  ['array with nulls and text', ['a', null, 'b "c"', 'd\\e', undefined]],
  ['nested array', [[1, 2], [3, 4]]],
  ['array of dates', [new Date(0)]],
  ['array of buffers', [Buffer.from('ab')]],
  ['array of objects', [{ a: 1 }]],
  ['object', { a: [1, { b: null }], c: 'x' }],
  ['toPostgres', { toPostgres: () => '(1,2)' }],
  ['toPostgres using prepare', { toPostgres: (prepare: (v: unknown) => unknown) => prepare([1, 2]) }],
];

describe('wireValue', () => {
  it.each(CASES)('encodes %s as node-postgres does', (_name, value) => {
    expect(wireValue(value)).toEqual(prepareValue(value));
  });

  it('writes a Date in the process time zone with its offset, as node-postgres does', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/St_Johns'; // -03:30 / -02:30: a half-hour offset
    try {
      const date = new Date(Date.UTC(2024, 6, 1, 1, 2, 3, 4));
      expect(wireValue(date)).toBe('2024-06-30T22:32:03.004-02:30');
      expect(wireValue(date)).toEqual(prepareValue(date));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('refuses a toPostgres that returns itself', () => {
    const circular = { toPostgres: (): unknown => circular };
    expect(() => wireValue(circular)).toThrow(BadInputError);
  });
});
