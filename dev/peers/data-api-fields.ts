// PostgreSQL text values -> Data API result values, as the service maps them: Field unions for
// `records`, and plain JSON for `formattedRecords` (formatRecordsAs: 'JSON').
import { unsupportedResult } from './data-api-errors.js';
import { arrayElementOid, OID, parsePgArray, type PgArray } from './pg-types.js';

export type ResultSetOptions = { decimalReturnType?: string; longReturnType?: string };

/**
 * An int8 past 2^53 as the service sends it by default (longReturnType LONG): a JSON number with every digit,
 * which JSON.parse (the SDK's) then rounds. Serialized by exactJson().
 */
class ExactInteger {
  constructor(readonly digits: string) {}
  toJSON(): string {
    // PostgreSQL text never holds NUL, so no value of a row can look like this marker.
    return `\u0000int8:${this.digits}\u0000`;
  }
}

/** JSON.stringify, with ExactIntegers written as bare numbers. */
export function exactJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000int8:(-?\d+)\\u0000"/g, '$1');
}

type Long = number | ExactInteger;

type ArrayValue =
  | { longValues: (Long | null)[] }
  | { doubleValues: (number | string | null)[] }
  | { booleanValues: (boolean | null)[] }
  | { stringValues: (string | null)[] };

export type ResultField =
  | { isNull: true }
  | { longValue: Long }
  | { doubleValue: number | string }
  | { booleanValue: boolean }
  | { stringValue: string }
  | { blobValue: string }
  | { arrayValue: ArrayValue };

type Kind = 'long' | 'double' | 'boolean' | 'blob' | 'decimal' | 'timestamptz' | 'string';

function kindOf(oid: number): Kind {
  switch (oid) {
    case OID.INT2:
    case OID.INT4:
    case OID.INT8:
      return 'long';
    case OID.FLOAT4:
    case OID.FLOAT8:
      return 'double';
    case OID.BOOL:
      return 'boolean';
    case OID.BYTEA:
      return 'blob';
    case OID.NUMERIC:
      return 'decimal';
    case OID.TIMESTAMPTZ:
      return 'timestamptz';
    default:
      return 'string';
  }
}

/** One column value as a Field union. */
export function toField(text: string | null, oid: number, options: ResultSetOptions): ResultField {
  if (text === null) return { isNull: true };
  const element = arrayElementOid(oid);
  if (element !== undefined) return { arrayValue: toArrayValue(parsePgArray(text), kindOf(element), options) };
  switch (kindOf(oid)) {
    case 'long':
      return options.longReturnType === 'STRING' ? { stringValue: text } : { longValue: toLong(text) };
    case 'double':
      return { doubleValue: toDouble(text) };
    case 'boolean':
      return { booleanValue: text === 't' };
    case 'blob':
      return { blobValue: byteaToBase64(text) };
    case 'decimal':
      return options.decimalReturnType === 'DOUBLE_OR_LONG' ? decimalAsNumber(text) : { stringValue: text };
    case 'timestamptz':
      return { stringValue: timestamptzToUtc(text) };
    default:
      return { stringValue: text };
  }
}

function toArrayValue(items: PgArray, kind: Kind, options: ResultSetOptions): ArrayValue {
  // Serverless v2 and provisioned clusters refuse these (data-api.differences, "ExecuteStatement behavior").
  if (items.some(Array.isArray)) throw unsupportedResult('The result contains a multidimensional array');
  const flat = items as (string | null)[];
  const map = <T>(convert: (text: string) => T) => flat.map((item) => (item === null ? null : convert(item)));
  if (kind === 'long' && options.longReturnType !== 'STRING') return { longValues: map(toLong) };
  if (kind === 'double') return { doubleValues: map(toDouble) };
  if (kind === 'boolean') return { booleanValues: map((item) => item === 't') };
  if (kind === 'timestamptz') return { stringValues: map(timestamptzToUtc) };
  return { stringValues: map((item) => item) };
}

/** One row as a JSON object text; big integers stay exact digits inside the JSON text. */
export function toJsonRecord(row: (string | null)[], fields: { name: string; dataTypeID: number }[], options: ResultSetOptions): string {
  const members = fields.map((field, i) => `${JSON.stringify(field.name)}:${jsonValue(row[i] ?? null, field.dataTypeID, options)}`);
  return `{${members.join(',')}}`;
}

function jsonValue(text: string | null, oid: number, options: ResultSetOptions): string {
  if (text === null) return 'null';
  const element = arrayElementOid(oid);
  if (element !== undefined) return jsonArray(parsePgArray(text), element, options);
  switch (kindOf(oid)) {
    case 'long':
      return options.longReturnType === 'STRING' ? JSON.stringify(text) : text;
    case 'double':
      return Number.isFinite(Number(text)) ? text : JSON.stringify(text);
    case 'boolean':
      return text === 't' ? 'true' : 'false';
    case 'blob':
      return JSON.stringify(byteaToBase64(text));
    case 'decimal':
      return options.decimalReturnType === 'DOUBLE_OR_LONG' && Number.isFinite(Number(text)) ? text : JSON.stringify(text);
    case 'timestamptz':
      return JSON.stringify(timestamptzToUtc(text));
    default:
      return JSON.stringify(text);
  }
}

function jsonArray(items: PgArray, element: number, options: ResultSetOptions): string {
  const parts = items.map((item) => (Array.isArray(item) ? jsonArray(item, element, options) : jsonValue(item, element, options)));
  return `[${parts.join(',')}]`;
}

function toLong(text: string): Long {
  return isSafeInteger(text) ? Number(text) : new ExactInteger(text);
}

function isSafeInteger(text: string): boolean {
  return Number.isSafeInteger(Number(text));
}

/** NaN and +-Infinity have no JSON number form; the SDK reads them back from these strings. */
function toDouble(text: string): number | string {
  const value = Number(text);
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

function decimalAsNumber(text: string): ResultField {
  if (/^-?\d+$/.test(text) && isSafeInteger(text)) return { longValue: Number(text) };
  return { doubleValue: toDouble(text) };
}

/** bytea hex output ('\x0102') -> base64, the JSON encoding of blobValue. */
function byteaToBase64(text: string): string {
  return (text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'latin1')).toString('base64');
}

/**
 * The service returns timestamptz in UTC without an offset: 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
 * Sessions run with TimeZone=UTC so the offset is normally +00; other offsets are shifted.
 */
export function timestamptzToUtc(text: string): string {
  const match = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/.exec(text);
  if (!match) return text; // infinity, BC dates: passed through as PostgreSQL prints them
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh, om = '0', os = '0'] = match;
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  if (offsetSeconds === 0) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction}`;
  const utc = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetSeconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ` +
    `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}${fraction}`
  );
}
