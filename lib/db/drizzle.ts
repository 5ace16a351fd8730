// drizzle on top of any driver: the pg-proxy flavour hands every statement to our session or transaction,
// so pooling, timeouts, typed errors and stats apply to ORM queries exactly as to raw ones. drizzle's transaction
// API maps onto the layer's: `session.db.transaction(fn)` is session.transaction(), `tx.transaction(fn)` on a
// drizzle transaction is a savepoint, and `tx.rollback()` throws drizzle's TransactionRollbackError.
import { createTableRelationsHelpers, DrizzleQueryError, extractTablesRelationalConfig, type ExtractTablesWithRelations, type TablesRelationalConfig } from 'drizzle-orm';
import { PgDialect, PgTransaction, type PgTransactionConfig } from 'drizzle-orm/pg-core';
import { PgRemoteDatabase, PgRemoteSession, type PgRemoteQueryResultHKT } from 'drizzle-orm/pg-proxy';
import type { QueryResult } from './driver';
import { DbError, UnsupportedError } from './errors';
import type { IsolationLevel } from './timeouts';

export type Execute = (text: string, params: readonly unknown[] | undefined, rowMode: 'object' | 'array') => Promise<QueryResult>;

/** drizzle inside a transaction (`tx.db`, and what `session.db.transaction(fn)` hands to fn). */
export type TransactionDb<S extends Record<string, unknown>> = PgTransaction<PgRemoteQueryResultHKT, S, ExtractTablesWithRelations<S>>;

/** How drizzle's transaction() runs here: as the layer's transaction (session.db) or as a savepoint (tx.db). */
export type RunTransaction<S extends Record<string, unknown>> = <T>(fn: (tx: TransactionDb<S>) => Promise<T>, config?: PgTransactionConfig) => Promise<T>;

/** A layer transaction as drizzle's transaction object sees it. */
export type TransactionOwner<S extends Record<string, unknown>> = {
  readonly depth: number;
  rollback(): never;
  transaction: RunTransaction<S>;
};

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

/** pg-proxy's session (which refuses transactions) with the layer's transaction in their place. */
class LayerSession extends PgRemoteSession<Record<string, unknown>, TablesRelationalConfig> {
  constructor(
    execute: Execute,
    relational: RelationalSchema,
    private readonly run: RunTransaction<Record<string, unknown>>,
  ) {
    super(
      async (text, params, method) => {
        // 'all' expects positional rows (drizzle maps them to fields); 'execute' returns rows as objects.
        const res = await execute(text, params, method === 'all' ? 'array' : 'object');
        return { rows: res.rows as never[] };
      },
      dialect,
      relational,
      {},
    );
    passTypedErrors(this as unknown as QueryPreparer);
  }

  override transaction<T>(fn: (tx: never) => Promise<T>, config?: PgTransactionConfig): Promise<T> {
    return this.run(fn as (tx: unknown) => Promise<T>, config);
  }
}

/** drizzle's transaction object over a layer transaction: rollback and nesting are the layer's. */
class LayerTransaction<S extends Record<string, unknown>> extends PgTransaction<PgRemoteQueryResultHKT, S, ExtractTablesWithRelations<S>> {
  constructor(
    session: LayerSession,
    relational: RelationalSchema,
    private readonly owner: TransactionOwner<S>,
  ) {
    super(dialect, session, relational as never, owner.depth);
  }

  override rollback(): never {
    return this.owner.rollback();
  }

  override transaction<T>(fn: (tx: TransactionDb<S>) => Promise<T>): Promise<T> {
    return this.owner.transaction(fn);
  }
}

/** drizzle (what `drizzle-orm/pg-proxy`'s drizzle() returns) over `execute`; its transaction() is `transaction`. */
export function drizzleOver<S extends Record<string, unknown>>(schema: S | undefined, execute: Execute, transaction: RunTransaction<S>): PgRemoteDatabase<S> {
  const relational = schema ? relationalConfig(schema) : undefined;
  const session = new LayerSession(execute, relational, transaction as RunTransaction<Record<string, unknown>>);
  return new PgRemoteDatabase(dialect, session as never, relational as never) as PgRemoteDatabase<S>;
}

/** drizzle's transaction object over `execute`, the statements of a layer transaction (`owner`). */
export function drizzleTransactionOver<S extends Record<string, unknown>>(schema: S | undefined, execute: Execute, owner: TransactionOwner<S>): TransactionDb<S> {
  const relational = schema ? relationalConfig(schema) : undefined;
  const session = new LayerSession(execute, relational, owner.transaction as RunTransaction<Record<string, unknown>>);
  return new LayerTransaction<S>(session, relational, owner);
}

/** drizzle's transaction config as session.transaction() options (what BEGIN can say). */
export function beginOptionsOf(config: PgTransactionConfig | undefined): { isolation?: IsolationLevel; readOnly?: boolean } {
  if (!config) return {};
  if (config.deferrable) {
    throw new UnsupportedError('deferrable transactions are not offered by session.transaction(); leave deferrable out (only a serializable read-only transaction uses it)');
  }
  // PostgreSQL runs READ UNCOMMITTED as READ COMMITTED.
  const isolation = config.isolationLevel === 'read uncommitted' ? 'read committed' : config.isolationLevel;
  return { isolation, readOnly: config.accessMode === 'read only' };
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
