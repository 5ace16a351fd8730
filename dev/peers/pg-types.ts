// PostgreSQL built-in type OIDs and the text-format array parser shared by the HTTP peers.
// Both peers ask pg for raw text and shape values themselves, like the real services do.

export const OID = {
  BOOL: 16,
  BYTEA: 17,
  CHAR: 18,
  NAME: 19,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  TEXT: 25,
  OID: 26,
  JSON: 114,
  FLOAT4: 700,
  FLOAT8: 701,
  MONEY: 790,
  BPCHAR: 1042,
  VARCHAR: 1043,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  INTERVAL: 1186,
  TIMETZ: 1266,
  NUMERIC: 1700,
  UUID: 2950,
  JSONB: 3802,
} as const;

/** Array type OID -> element type OID, for the built-in types we map element by element. */
const ARRAY_ELEMENT: ReadonlyMap<number, number> = new Map([
  [1000, OID.BOOL],
  [1001, OID.BYTEA],
  [1002, OID.CHAR],
  [1003, OID.NAME],
  [1016, OID.INT8],
  [1005, OID.INT2],
  [1007, OID.INT4],
  [1009, OID.TEXT],
  [1028, OID.OID],
  [199, OID.JSON],
  [1021, OID.FLOAT4],
  [1022, OID.FLOAT8],
  [791, OID.MONEY],
  [1014, OID.BPCHAR],
  [1015, OID.VARCHAR],
  [1182, OID.DATE],
  [1183, OID.TIME],
  [1115, OID.TIMESTAMP],
  [1185, OID.TIMESTAMPTZ],
  [1187, OID.INTERVAL],
  [1270, OID.TIMETZ],
  [1231, OID.NUMERIC],
  [2951, OID.UUID],
  [3807, OID.JSONB],
]);

/** The element OID when `oid` is a known array type, else undefined. */
export function arrayElementOid(oid: number): number | undefined {
  return ARRAY_ELEMENT.get(oid);
}

/** A parsed PostgreSQL array: nested lists of text items, NULL as null. */
export type PgArray = (string | null | PgArray)[];

/**
 * Parses the text output of a PostgreSQL array ('{1,NULL,"a b"}', '{{1,2},{3,4}}',
 * '[0:1]={a,b}'). Items stay text; callers convert them by element type.
 */
export function parsePgArray(text: string): PgArray {
  // Lower-bound decoration ('[0:1]=') carries no value we can represent; skip it.
  let source = text.trimStart();
  if (source.startsWith('[')) source = source.slice(source.indexOf('=') + 1).trimStart();
  const [list, end] = parseList(source, 0);
  if (source.slice(end).trim() !== '') throw new Error(`unbalanced array: ${text}`);
  return list;
}

function parseList(source: string, start: number): [PgArray, number] {
  if (source[start] !== '{') throw new Error(`array must start with '{': ${source}`);
  const items: PgArray = [];
  let i = start + 1;
  if (source[i] === '}') return [items, i + 1];
  for (;;) {
    while (source[i] === ' ') i++;
    if (source[i] === '{') {
      const [nested, next] = parseList(source, i);
      items.push(nested);
      i = next;
    } else if (source[i] === '"') {
      let value = '';
      i++;
      while (source[i] !== '"') {
        if (i >= source.length) throw new Error(`unbalanced quoted string: ${source}`);
        if (source[i] === '\\') i++;
        value += source[i];
        i++;
      }
      items.push(value);
      i++;
    } else {
      let end = i;
      while (end < source.length && source[end] !== ',' && source[end] !== '}') end++;
      const raw = source.slice(i, end).trim();
      // Unquoted NULL is SQL NULL; a quoted "NULL" is the string (handled above).
      items.push(raw === 'NULL' ? null : raw);
      i = end;
    }
    while (source[i] === ' ') i++;
    if (source[i] === ',') {
      i++;
      continue;
    }
    if (source[i] === '}') return [items, i + 1];
    throw new Error(`unbalanced array: ${source}`);
  }
}

/** pg type parsers that hand back the raw text for every type (the peers parse themselves). */
export const RAW_TEXT_TYPES = { getTypeParser: () => (value: string) => value } as const;
