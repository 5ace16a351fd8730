// Field schemas shared by the routes. The rule set (see docs in lib/api/index.ts):
// - numbers are JSON numbers only, finite (zod 4 refuses NaN and ±Infinity; 1e400 parses as Infinity and is
//   refused); no string is ever coerced to a number in a body, so "NaN" or "1" in a number field is a 422;
// - query parameters are strings by nature: each is matched by a strict pattern before conversion;
// - "no data" in a grid is JSON null, stored as NaN (the scoring treats NaN as a missing pixel).
import { z } from 'zod';

export const UID_MIN = 0;
export const UID_MAX = 255;
export const GRID_SIZE = 11;
const HOUR_MS = 3_600_000;

/** A finite JSON number (never a string). */
export const finite = z.number({ error: (i) => (i.input === undefined ? 'required' : `expected a finite number, got ${describe(i.input)}`) });

export const uid = z
  .number({ error: (i) => (i.input === undefined ? 'required' : `expected an integer uid, got ${describe(i.input)}`) })
  .int({ error: 'uid must be an integer' })
  .min(UID_MIN, { error: `uid must be between ${UID_MIN} and ${UID_MAX}` })
  .max(UID_MAX, { error: `uid must be between ${UID_MIN} and ${UID_MAX}` });

/** ss58-like: base58 alphabet (no 0, O, I, l), 46..48 characters (a 32-byte key with a 1-2 byte prefix). */
export const SS58_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{46,48}$/;
export const hotkey = z
  .string({ error: (i) => (i.input === undefined ? 'required' : `expected an ss58 address string, got ${describe(i.input)}`) })
  .regex(SS58_PATTERN, { error: 'expected an ss58 address (46-48 base58 characters)' });

/** An 11x11 grid, row-major, of finite numbers or null ("no data"); null becomes NaN for storage. */
export const grid = z
  .array(z.array(finite.nullable(), { error: 'expected a row (array of 11 numbers or null)' }).length(GRID_SIZE, { error: `each row must have exactly ${GRID_SIZE} cells` }), {
    error: 'expected an 11x11 grid (array of 11 rows)',
  })
  .length(GRID_SIZE, { error: `grid must have exactly ${GRID_SIZE} rows` })
  .transform((rows) => rows.map((row) => row.map((v) => v ?? Number.NaN)));

/** An ISO 8601 date-time with an explicit offset (`Z` or `+hh:mm`), as a Date. */
export const isoDateTime = z
  .iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with a time zone, e.g. 2024-05-01T13:00:00Z' })
  .transform((s) => new Date(s));

/** The start of an hour (minutes, seconds and milliseconds zero, in UTC; offsets are whole hours or not). */
export const isoHour = isoDateTime.refine((d) => d.getTime() % HOUR_MS === 0, { error: 'must be the start of an hour (e.g. 2024-05-01T13:00:00Z)' });

/** A calendar date `YYYY-MM-DD` (kept as text: a date has no time zone). */
export const isoDate = z.iso.date({ error: 'expected a date YYYY-MM-DD' });

/** `since` in a query: a date (midnight UTC) or a date-time with offset. */
export const sinceParam = z
  .string()
  .refine((s) => z.iso.date().safeParse(s).success || z.iso.datetime({ offset: true }).safeParse(s).success, {
    error: 'expected an ISO date (2024-05-01) or date-time with a time zone (2024-05-01T13:00:00Z)',
  })
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

/** A positive integer query parameter written in plain digits (no sign, exponent, "NaN", spaces). */
export function intParam(min: number, max: number) {
  return z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: `expected an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));
}

/** A superRefine for arrays of objects: a repeated `key` is an issue at that element's field. */
export function uniqueBy<K extends string>(key: K) {
  return (items: readonly { [P in K]: unknown }[], ctx: z.RefinementCtx) => {
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      const v = item[key] instanceof Date ? (item[key] as Date).getTime() : item[key];
      if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i, key], message: `duplicate ${key} in this request` });
      seen.add(v);
    });
  };
}

/** A short description of a refused value for messages (type and, for short scalars, the value). */
function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string') return input.length <= 20 ? `the string ${JSON.stringify(input)}` : 'a string';
  if (typeof input === 'number') return String(input);
  return typeof input === 'object' ? 'an object' : typeof input;
}
