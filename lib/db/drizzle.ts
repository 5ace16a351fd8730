// drizzle on top of any driver: the pg-proxy flavour hands every statement to our session or transaction,
// so pooling, timeouts, typed errors and stats apply to ORM queries exactly as to raw ones.
import { drizzle, type PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import type { QueryResult } from './driver';

export type Execute = (text: string, params: readonly unknown[] | undefined, rowMode: 'object' | 'array') => Promise<QueryResult>;

export function drizzleOver<S extends Record<string, unknown>>(schema: S | undefined, execute: Execute): PgRemoteDatabase<S> {
  return drizzle<S>(
    async (text, params, method) => {
      // 'all' expects positional rows (drizzle maps them to fields); 'execute' returns rows as objects.
      const res = await execute(text, params, method === 'all' ? 'array' : 'object');
      return { rows: res.rows as never[] };
    },
    schema ? { schema } : {},
  );
}
