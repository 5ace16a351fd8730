// A parameter as node-postgres puts it on the wire (its utils.prepareValue, pg 8.x): text, bytes for a Buffer or
// typed array (sent in binary format), or NULL. The pipelined unit encodes its own Bind messages and must send
// exactly what query() sends; neither pg (not bundled with neon-ws) nor Neon's client exports the function.
import { isDate } from 'node:util/types';
import { BadInputError } from '../../errors';

export type WireValue = string | Buffer | null;

export function wireValue(val: unknown, seen?: unknown[]): WireValue {
  if (val === null || val === undefined) return null;
  if (typeof val === 'object') {
    if (Buffer.isBuffer(val)) return val;
    if (ArrayBuffer.isView(val)) return Buffer.from(val.buffer, val.byteOffset, val.byteLength);
    if (isDate(val)) return localTimestamp(val);
    if (Array.isArray(val)) return arrayLiteral(val);
    return objectText(val, seen);
  }
  return String(val);
}

function objectText(val: object, seen: unknown[] = []): WireValue {
  const toPostgres = (val as { toPostgres?: unknown }).toPostgres;
  if (typeof toPostgres === 'function') {
    if (seen.includes(val)) throw new BadInputError('circular reference in a parameter (toPostgres)');
    seen.push(val);
    return wireValue(toPostgres.call(val, wireValue), seen);
  }
  return JSON.stringify(val);
}

/** A PostgreSQL array literal, e.g. {1,"a b",NULL,{2,3}}: every element quoted, as pg does. */
function arrayLiteral(items: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    const item = items[i];
    if (item === null || item === undefined) out += 'NULL';
    else if (Array.isArray(item)) out += arrayLiteral(item);
    else if (ArrayBuffer.isView(item)) out += `\\\\x${Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('hex')}`;
    else out += `"${String(wireValue(item)).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `${out}}`;
}

/** The Date in the process's time zone with its offset (pg's default, parseInputDatesAsUTC off). */
function localTimestamp(date: Date): string {
  let offset = -date.getTimezoneOffset();
  let year = date.getFullYear();
  const bc = year < 1;
  if (bc) year = Math.abs(year) + 1; // year 0 is 1 BC
  let out = `${pad(year, 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  if (offset < 0) {
    out += '-';
    offset = -offset;
  } else out += '+';
  out += `${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
  return bc ? `${out} BC` : out;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
