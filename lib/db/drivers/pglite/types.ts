// PGlite parses with a table of its own (int8 as a number, bytea as a Uint8Array, interval as text, arrays of
// whatever types existed when the instance started): rebuilt from the shared parsers, it returns what pg returns.
import type { PGlite } from '@electric-sql/pglite';
import { pgTypes, RAW_TEMPORAL_OIDS, rawTemporalTypes } from '../pg/types';

/** Past the highest built-in type OID pg-types knows (user types start at 16384). */
const BUILTIN_OID_LIMIT = 10_000;
const unknownOid = pgTypes.getTypeParser(0);

/** OIDs the shared parsers treat specially (the rest stays the server's text, as on pg). */
const SHARED_OIDS = Array.from({ length: BUILTIN_OID_LIMIT }, (_, oid) => oid).filter((oid) => pgTypes.getTypeParser(oid) !== unknownOid);

/**
 * Replaces every entry of the instance's table (built-ins and the array types registered at start, enums
 * included) and adds the shared ones it lacks. Done once per instance, after it is ready: per-query parsers
 * would be merged into a copy of the table on every statement.
 */
export function useSharedTypes(db: PGlite): void {
  const oids = new Set([...Object.keys(db.parsers).map(Number), ...SHARED_OIDS]);
  for (const oid of oids) db.parsers[oid] = pgTypes.getTypeParser(oid);
}

/** drizzle's statements: temporal values as the server's text (a small per-query table). */
export const RAW_TEMPORAL_PARSERS: Record<number, (text: string) => unknown> = Object.fromEntries(
  RAW_TEMPORAL_OIDS.map((oid) => [oid, rawTemporalTypes.getTypeParser(oid)]),
);
