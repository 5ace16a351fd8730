// Type parsing: drizzle's column mappers expect temporal values as the server's text.
// From pg-types (node-postgres's own parser registry, the module `pg.types` is) rather than from pg: the
// neon-http and data-api drivers parse with it too, and their bundles leave pg out.
import types from 'pg-types';

const { builtins } = types;
// OIDs of temporal types and their arrays (pg has no builtins entry for the array OIDs).
const TEMPORAL = new Set<number>([
  builtins.DATE, builtins.TIMESTAMP, builtins.TIMESTAMPTZ, builtins.INTERVAL, builtins.TIME, builtins.TIMETZ,
  1182, 1115, 1185, 1187, 1183, 1270,
]);

const identity = (v: string) => v;
const FLOAT4_ARRAY = 1021;
const FLOAT8_ARRAY = 1022;

/**
 * float4[] / float8[] in one split: the validator's 11x11 grids are ~300k floats per soil step, and the generic
 * array parser (a character loop plus parseFloat per element) dominated the step's client time. Anything but a
 * plain one-dimensional literal ({..}, no quotes, no nesting, no bounds) goes to the generic parser.
 */
function parseFloatArray(generic: (text: string) => unknown): (text: string) => unknown {
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

const fastFloat4Array = parseFloatArray(types.getTypeParser(FLOAT4_ARRAY as never, 'text') as (text: string) => unknown);
const fastFloat8Array = parseFloatArray(types.getTypeParser(FLOAT8_ARRAY as never, 'text') as (text: string) => unknown);

function parserFor(oid: number, format?: 'text' | 'binary') {
  if (format !== 'binary') {
    if (oid === FLOAT8_ARRAY) return fastFloat8Array;
    if (oid === FLOAT4_ARRAY) return fastFloat4Array;
  }
  return types.getTypeParser(oid, format);
}

/** Per-query type overrides handed to pg when drizzle runs a statement. */
export const rawTemporalTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEMPORAL.has(oid)) return identity;
    return parserFor(oid, format);
  },
};

/** pg's own parsers with the fast float arrays: every raw statement, and drivers that parse text themselves. */
export const pgTypes = { getTypeParser: parserFor };
