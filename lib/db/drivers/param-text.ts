// The text node-postgres would send for a parameter (its prepareValue): arrays as PostgreSQL array literals,
// objects as JSON, Dates as exact UTC instants. Drivers whose own serialization differs (the Data API binds text
// as varchar; PGlite serializes by the parameter's type and cannot write an array of an enum) send this instead.
import { BadInputError } from '../errors';

export function textForm(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return dateText(value);
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === 'object' && value !== null && typeof (value as { toPostgres?: unknown }).toPostgres === 'function') {
    return String((value as { toPostgres: () => unknown }).toPostgres());
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new BadInputError('invalid Date parameter');
  return d.toISOString();
}

/** A PostgreSQL array literal, e.g. {1,"a b",NULL,{2,3}}. */
function arrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    if (item instanceof Uint8Array) return `"\\\\x${Buffer.from(item).toString('hex')}"`;
    return `"${textForm(item).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${parts.join(',')}}`;
}
