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

/** Per-query type overrides handed to pg when drizzle runs a statement. */
export const rawTemporalTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEMPORAL.has(oid)) return identity;
    return types.getTypeParser(oid, format);
  },
};

/** pg's own parsers, for drivers that parse text themselves (neon-http): same values as the pg driver. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return types.getTypeParser(oid, format);
  },
};
