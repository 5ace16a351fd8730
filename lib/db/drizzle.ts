// drizzle on top of any driver: the pg-proxy flavour hands every statement to our session or transaction,
// so pooling, timeouts, typed errors and stats apply to ORM queries exactly as to raw ones.
import { createTableRelationsHelpers, DrizzleQueryError, extractTablesRelationalConfig } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { PgRemoteDatabase, PgRemoteSession } from 'drizzle-orm/pg-proxy';
import type { QueryResult } from './driver';
import { DbError } from './errors';

export type Execute = (text: string, params: readonly unknown[] | undefined, rowMode: 'object' | 'array') => Promise<QueryResult>;

type RelationalSchema = ConstructorParameters<typeof PgRemoteSession>[2];

/**
 * What drizzle() builds before it can run anything: the dialect and the relational config of the schema. Built
 * once per schema and shared: extracting the validator schema's relations took ~250 us, and a session (one per
 * invocation) builds its drizzle on first use.
 */
const dialect = new PgDialect();
const relationalConfigs = new WeakMap<Record<string, unknown>, RelationalSchema>();

function relationalConfig(schema: Record<string, unknown>): RelationalSchema {
  let config = relationalConfigs.get(schema);
  if (!config) {
    const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    config = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
    relationalConfigs.set(schema, config);
  }
  return config;
}

/** drizzle (what `drizzle-orm/pg-proxy`'s drizzle() returns) over `execute`, from the shared dialect and config. */
export function drizzleOver<S extends Record<string, unknown>>(schema: S | undefined, execute: Execute): PgRemoteDatabase<S> {
  const relational = schema ? relationalConfig(schema) : undefined;
  const session = new PgRemoteSession(
    async (text, params, method) => {
      // 'all' expects positional rows (drizzle maps them to fields); 'execute' returns rows as objects.
      const res = await execute(text, params, method === 'all' ? 'array' : 'object');
      return { rows: res.rows as never[] };
    },
    dialect,
    relational,
    {},
  );
  passTypedErrors(session as unknown as QueryPreparer);
  return new PgRemoteDatabase(dialect, session, relational as never) as PgRemoteDatabase<S>;
}

// drizzle's internals this relies on (0.45): every query runs through prepareQuery(...).queryWithCache(...).
type Prepared = { queryWithCache(text: string, params: unknown[], query: () => Promise<unknown>): Promise<unknown> };
type QueryPreparer = { prepareQuery(...args: unknown[]): Prepared };

/**
 * drizzle wraps every query error in DrizzleQueryError, whose message carries the SQL and its parameters. Ours are
 * already typed and redacted at the query boundary: they reach the caller unwrapped, so `instanceof`, `code` and
 * the transaction retry work through `db` as through `query()`, and no parameter value lands in a message.
 */
function passTypedErrors(session: QueryPreparer): void {
  const prepare = session.prepareQuery.bind(session);
  session.prepareQuery = (...args) => {
    const prepared = prepare(...args);
    const run = prepared.queryWithCache.bind(prepared);
    prepared.queryWithCache = (text, params, query) =>
      run(text, params, query).catch((err: unknown) => {
        throw err instanceof DrizzleQueryError && err.cause instanceof DbError ? err.cause : err;
      });
    return prepared;
  };
}
