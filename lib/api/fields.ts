// Field schemas shared by the routes. The rule set (see docs in lib/api/index.ts):
// - numbers are JSON numbers only, finite (zod 4 refuses NaN and ±Infinity; 1e400 parses as Infinity and is
//   refused); no string is ever coerced to a number in a body, so "NaN" or "1" in a number field is a 422;
// - query parameters are strings by nature: each is matched by a strict pattern before conversion;
// - "no data" in a grid is JSON null, stored as NaN (the scoring treats NaN as a missing pixel).
import { z } from 'zod';
import { decodeSs58 } from '../validator';

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

/** An ss58 address of a 32-byte key: base58, any network prefix, checksum verified. */
export const hotkey = z
  .string({ error: (i) => (i.input === undefined ? 'required' : `expected an ss58 address string, got ${describe(i.input)}`) })
  .refine(isSs58, { error: 'expected an ss58 address (base58 of a network prefix, a 32-byte public key and a valid checksum)' });

function isSs58(text: string): boolean {
  try {
    decodeSs58(text);
    return true;
  } catch {
    return false;
  }
}

/** A column of type integer holds int32: the limit is in the schema so the 422 names the field, not the database. */
export const INT32_MAX = 2_147_483_647;
export const int32 = z
  .number({ error: (i) => (i.input === undefined ? 'required' : `expected an integer, got ${describe(i.input)}`) })
  .int({ error: 'must be an integer' })
  .min(-INT32_MAX - 1, { error: `must be between ${-INT32_MAX - 1} and ${INT32_MAX}` })
  .max(INT32_MAX, { error: `must be between ${-INT32_MAX - 1} and ${INT32_MAX}` });
export const positiveInt32 = int32.min(1, { error: `must be between 1 and ${INT32_MAX}` });

/** An IPv4 or IPv6 address (a miner's axon), nothing else: no host names, no control characters. */
export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });

/** An 11x11 grid, row-major, of finite numbers or null ("no data"); null becomes NaN for storage. */
export const grid = z
  .array(z.array(finite.nullable(), { error: 'expected a row (array of 11 numbers or null)' }).length(GRID_SIZE, { error: `each row must have exactly ${GRID_SIZE} cells` }), {
    error: 'expected an 11x11 grid (array of 11 rows)',
  })
  .length(GRID_SIZE, { error: `grid must have exactly ${GRID_SIZE} rows` })
  .transform((rows) => rows.map((row) => row.map((v) => v ?? Number.NaN)));

/** Dates the API takes lie in these years (the text formats allow 0000..9999; nothing here predates Unix time). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;
const inYears = (d: Date) => d.getUTCFullYear() >= MIN_YEAR && d.getUTCFullYear() <= MAX_YEAR;
const YEARS_MESSAGE = `the year must be between ${MIN_YEAR} and ${MAX_YEAR} (UTC)`;

/** An ISO 8601 date-time with an explicit offset (`Z` or `+hh:mm`), as a Date. */
export const isoDateTime = z
  .iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with a time zone, e.g. 2024-05-01T13:00:00Z' })
  .transform((s) => new Date(s))
  .refine(inYears, { error: YEARS_MESSAGE });

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
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))
  .refine(inYears, { error: YEARS_MESSAGE });

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
