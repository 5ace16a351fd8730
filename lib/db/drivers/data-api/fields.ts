// Data API result fields back to the values the pg driver returns: each field is turned into PostgreSQL's text
// form for its column type, then parsed by pg's own type parsers (or left as text where drizzle wants it). So
// int8 comes back as a string (exact past 2^53, as in node-postgres), json parsed, timestamptz a Date, bytea a
// Buffer, arrays as arrays. Results are requested with longReturnType STRING so no integer passes through a
// JSON number.
import type { ArrayValue, ColumnMetadata, ExecuteStatementResponse, Field } from '@aws-sdk/client-rds-data';
import type { QueryOptions, QueryResult } from '../../driver';
import { pgTypes, rawTemporalTypes } from '../pg/types';

// Type names as the service's JDBC metadata reports them (arrays are _name; serial columns by pseudo-type).
const OID_BY_TYPE_NAME: Record<string, number> = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, bigserial: 20, int2: 21, smallserial: 21, int4: 23, serial: 23,
  text: 25, oid: 26, json: 114, xml: 142, float4: 700, float8: 701, money: 790, bpchar: 1042, varchar: 1043,
  date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186, timetz: 1266, numeric: 1700,
  uuid: 2950, jsonb: 3802,
  _bool: 1000, _bytea: 1001, _char: 1002, _int2: 1005, _int4: 1007, _text: 1009, _bpchar: 1014, _varchar: 1015,
  _int8: 1016, _float4: 1021, _float8: 1022, _json: 199, _timestamp: 1115, _date: 1182, _time: 1183,
  _timestamptz: 1185, _interval: 1187, _numeric: 1231, _timetz: 1270, _uuid: 2951, _jsonb: 3807,
};

const identity = (v: string) => v;
const asText = (field: Field) => fieldText(field, false);

export function toQueryResult(out: ExecuteStatementResponse, options: QueryOptions): QueryResult {
  if (!out.records) return { rows: [], rowCount: out.numberOfRecordsUpdated ?? 0 };
  const columns = out.columnMetadata ?? [];
  const types = options.rawTemporal ? rawTemporalTypes : pgTypes;
  // Rows without metadata (a DML statement that returned rows anyway, e.g. through a rule): each value as its text.
  const decoders = out.columnMetadata ? columns.map((c) => decoder(c, types)) : out.records[0]?.map(() => asText) ?? [];
  const names = columns.map((c, i) => c.label || c.name || `?column?${i}`);
  const rows = out.records.map((record) => {
    const values = record.map((field, i) => decoders[i]?.(field) ?? null);
    return options.rowMode === 'array' ? values : Object.fromEntries(values.map((v, i) => [names[i] ?? String(i), v]));
  });
  return { rows, rowCount: rows.length };
}

type Types = { getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown };

function decoder(column: ColumnMetadata, types: Types): (field: Field) => unknown {
  const typeName = column.typeName ?? '';
  const oid = OID_BY_TYPE_NAME[typeName];
  const parse = oid === undefined ? identity : types.getTypeParser(oid, 'text');
  // The service reports timestamptz in UTC without an offset; PostgreSQL's text form has one.
  const utc = typeName === 'timestamptz' || typeName === '_timestamptz';
  return (field) => {
    const text = fieldText(field, utc);
    return text === null ? null : parse(text);
  };
}

/** A field in PostgreSQL's text output form (null for SQL NULL). */
function fieldText(field: Field, utc: boolean): string | null {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return utc ? withUtcOffset(field.stringValue) : field.stringValue;
  if (field.longValue !== undefined) return String(field.longValue);
  if (field.doubleValue !== undefined) return String(field.doubleValue);
  if (field.booleanValue !== undefined) return field.booleanValue ? 't' : 'f';
  if (field.blobValue !== undefined) return `\\x${Buffer.from(field.blobValue).toString('hex')}`;
  if (field.arrayValue !== undefined) return arrayText(field.arrayValue, utc);
  return null;
}

function arrayText(value: ArrayValue, utc: boolean): string {
  let items: string[];
  if (value.arrayValues) items = value.arrayValues.map((v) => (v === null ? 'NULL' : arrayText(v, utc)));
  else if (value.stringValues) items = value.stringValues.map((s) => (s === null ? 'NULL' : quote(utc ? withUtcOffset(s) : s)));
  else if (value.longValues) items = value.longValues.map((n) => (n === null ? 'NULL' : String(n)));
  else if (value.doubleValues) items = value.doubleValues.map((n) => (n === null ? 'NULL' : String(n)));
  else if (value.booleanValues) items = value.booleanValues.map((b) => (b === null ? 'NULL' : b ? 't' : 'f'));
  else items = [];
  return `{${items.join(',')}}`;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function withUtcOffset(s: string): string {
  return /^\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(s) ? `${s}+00` : s;
}
