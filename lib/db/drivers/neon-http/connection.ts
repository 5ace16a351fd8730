// A lease on Neon's SQL-over-HTTP endpoint: no server connection is held; every query is one HTTP request and a
// batch is one request run by the endpoint as one transaction. cancel/destroy abort the requests in flight.
import type { NeonQueryFunction, NeonQueryPromise } from '@neondatabase/serverless';
import type { BatchStatement, DriverConnection, QueryOptions, QueryResult } from '../../driver';
import { UnsupportedError } from '../../errors';
import type { BeginOptions, IsolationLevel } from '../../timeouts';
import { pgTypes, rawTemporalTypes } from '../pg/types';
import { neonHttpError } from './errors';

let nextId = 1;

const ISOLATION = { 'read committed': 'ReadCommitted', 'repeatable read': 'RepeatableRead', serializable: 'Serializable' } as const satisfies Record<
  IsolationLevel,
  string
>;

// Transaction-local settings as the batch's first statement: they end with the request's transaction.
const LOCAL_TIMEOUTS = "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)";

type FullResult = { rows: unknown[]; rowCount: number | null };
export type NeonSql = NeonQueryFunction<false, true>;

export class NeonHttpConnection implements DriverConnection {
  readonly id = nextId++;
  private dead = false;
  private readonly inFlight = new Set<AbortController>();

  /** `route` points the library's process-wide endpoint at ours; called right before a request starts. */
  constructor(
    private readonly sql: NeonSql,
    private readonly route: () => void,
  ) {}

  get alive(): boolean {
    return !this.dead;
  }

  onDead(): void {
    // Nothing to lose between requests.
  }

  async query(text: string, params: readonly unknown[] | undefined, options: QueryOptions): Promise<QueryResult> {
    return this.request(async (signal) => {
      const query = this.sql.query(text, [...(params ?? [])], {
        arrayMode: options.rowMode === 'array',
        fullResults: true,
        types: options.rawTemporal ? rawTemporalTypes : pgTypes,
        fetchOptions: { signal },
      });
      // then() starts the request synchronously: the library reads its endpoint before anything else runs.
      this.route();
      const res = (await query.then((r) => r)) as FullResult;
      return { rows: res.rows, rowCount: res.rowCount };
    });
  }

  async exec(): Promise<void> {
    throw new UnsupportedError('neon-http sends one statement per request; use session.batch() for several');
  }

  async batch(statements: readonly BatchStatement[], options: BeginOptions & QueryOptions): Promise<QueryResult[]> {
    const t = options.serverTimeouts;
    const queries: NeonQueryPromise<false, true>[] = [];
    if (t) queries.push(this.sql.query(LOCAL_TIMEOUTS, [String(t.statementMs), String(t.lockMs)], { types: pgTypes }));
    const types = options.rawTemporal ? rawTemporalTypes : pgTypes;
    for (const st of statements) queries.push(this.sql.query(st.text, [...(st.params ?? [])], { types }));
    return this.request(async (signal) => {
      this.route();
      const results = (await this.sql.transaction(queries, {
        arrayMode: options.rowMode === 'array',
        fullResults: true,
        readOnly: options.readOnly,
        ...(options.isolation ? { isolationLevel: ISOLATION[options.isolation] } : {}),
        fetchOptions: { signal },
      })) as unknown as FullResult[];
      return results.slice(t ? 1 : 0).map((r) => ({ rows: r.rows, rowCount: r.rowCount }));
    });
  }

  async cancel(): Promise<void> {
    // Aborting the request drops its HTTP connection; the endpoint stops the statement with it.
    for (const c of this.inFlight) c.abort();
  }

  destroy(): void {
    this.dead = true;
    for (const c of this.inFlight) c.abort();
  }

  private async request<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      return await send(controller.signal);
    } catch (err) {
      throw neonHttpError(err);
    } finally {
      this.inFlight.delete(controller);
    }
  }
}
