// PostgreSQL text -> JSON value, for requests that do not ask for raw text output
// (Neon-Raw-Text-Output absent). The neon() driver always asks for raw text; other HTTP
// clients may not. Mirrors the proxy: bool, int2/int4, floats and json become JSON values,
// arrays become JSON arrays, everything else (int8 and numeric included) stays a string.
import { arrayElementOid, OID, parsePgArray, type PgArray } from './pg-types.js';

export function textToJson(text: string, oid: number): unknown {
  const element = arrayElementOid(oid);
  if (element !== undefined) return arrayToJson(parsePgArray(text), element);
  switch (oid) {
    case OID.BOOL:
      return text === 't';
    case OID.INT2:
    case OID.INT4:
      return Number.parseInt(text, 10);
    case OID.FLOAT4:
    case OID.FLOAT8: {
      // NaN and +-Infinity have no JSON form: the proxy passes them as strings.
      const value = Number(text);
      return Number.isFinite(value) ? value : text;
    }
    case OID.JSON:
    case OID.JSONB:
      return JSON.parse(text);
    default:
      return text;
  }
}

function arrayToJson(items: PgArray, element: number): unknown[] {
  return items.map((item) => {
    if (item === null) return null;
    if (Array.isArray(item)) return arrayToJson(item, element);
    return textToJson(item, element);
  });
}
