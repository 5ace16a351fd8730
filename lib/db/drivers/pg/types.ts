// One JS value per PostgreSQL type, whatever the driver: node-postgres's own parsers (pg-types), with exact
// numeric arrays and fast float arrays. pg and neon-ws hand these to their clients, neon-http to each request,
// the Data API decoder parses its fields' text with them, and PGlite's parser table is rebuilt from them
// (drivers/pglite/types.ts). drizzle's column mappers expect temporal values as the server's text: rawTemporalTypes.
// From pg-types (the module `pg.types` is) rather than from pg: the neon-http and data-api bundles leave pg out.
import types from 'pg-types';

const { builtins } = types;

export type TypeParser = (text: string) => unknown;
export type TypeParsers = { getTypeParser(oid: number, format?: 'text' | 'binary'): TypeParser };

/** Temporal OIDs: date, timestamp, timestamptz, interval, time, timetz (pg has no builtins entry for arrays). */
const TEMPORAL = [builtins.DATE, builtins.TIMESTAMP, builtins.TIMESTAMPTZ, builtins.INTERVAL, builtins.TIME, builtins.TIMETZ] as number[];
/** Their arrays: _date, _timestamp, _timestamptz, _interval, _time, _timetz. */
const TEMPORAL_ARRAYS = [1182, 1115, 1185, 1187, 1183, 1270];

const identity = (v: string) => v;
const TEXT_ARRAY = 1009;
const FLOAT4_ARRAY = 1021;
const FLOAT8_ARRAY = 1022;
/** numeric[]: pg-types parses it with parseFloat, which loses digits past 2^53 and the scale ('0.10' -> 0.1). */
const NUMERIC_ARRAY = 1231;

/** Arrays whose elements stay the server's text: {a,"b c",NULL} -> ['a', 'b c', null]. */
const stringArray = types.getTypeParser(TEXT_ARRAY as never, 'text') as TypeParser;

/**
 * float4[] / float8[] in one split: the validator's 11x11 grids are ~300k floats per soil step, and the generic
 * array parser (a character loop plus parseFloat per element) dominated the step's client time. Anything but a
 * plain one-dimensional literal ({..}, no quotes, no nesting, no bounds) goes to the generic parser.
 */
function parseFloatArray(generic: TypeParser): TypeParser {
  return (text) => {
    if (text.charCodeAt(0) !== 123 /* { */ || text.charCodeAt(1) === 123 || text.includes('"')) return generic(text);
    if (text.length === 2) return [];
    const parts = text.slice(1, -1).split(',');
    const out = new Array<number | null>(parts.length);
    // Number() reads NaN, Infinity and -Infinity as PostgreSQL writes them.
    for (let i = 0; i < parts.length; i++) out[i] = parts[i] === 'NULL' ? null : Number(parts[i]);
    return out;
  };
}

const fastFloat4Array = parseFloatArray(types.getTypeParser(FLOAT4_ARRAY as never, 'text') as TypeParser);
const fastFloat8Array = parseFloatArray(types.getTypeParser(FLOAT8_ARRAY as never, 'text') as TypeParser);

function parserFor(oid: number, format?: 'text' | 'binary'): TypeParser {
  if (format !== 'binary') {
    if (oid === FLOAT8_ARRAY) return fastFloat8Array;
    if (oid === FLOAT4_ARRAY) return fastFloat4Array;
    // numeric is text (exact) in pg-types; its array is text elements too, as drizzle's own drivers keep it.
    if (oid === NUMERIC_ARRAY) return stringArray;
  }
  return types.getTypeParser(oid, format) as TypeParser;
}

/** pg's own parsers with exact numeric arrays and fast float arrays: every raw statement, on every driver. */
export const pgTypes: TypeParsers = { getTypeParser: parserFor };

const RAW_TEMPORAL = new Map<number, TypeParser>([
  ...TEMPORAL.map((oid) => [oid, identity] as const),
  // Arrays as arrays of the server's text (drizzle's array mapper takes an array or a literal): the same value on
  // every driver, where a literal's quoting would differ ({2024-01-02} from pg, {"2024-01-02"} from the Data API).
  ...TEMPORAL_ARRAYS.map((oid) => [oid, stringArray] as const),
]);

/** Per-query type overrides for drizzle's statements: temporal values as the server's text. */
export const rawTemporalTypes: TypeParsers = {
  getTypeParser(oid, format) {
    return RAW_TEMPORAL.get(oid) ?? parserFor(oid, format);
  },
};

/** The OIDs rawTemporalTypes overrides (PGlite takes them as a per-query table). */
export const RAW_TEMPORAL_OIDS: readonly number[] = [...RAW_TEMPORAL.keys()];
