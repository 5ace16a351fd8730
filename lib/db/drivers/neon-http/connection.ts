// A lease on Neon's SQL-over-HTTP endpoint: no server connection is held; every query is one HTTP request and a
// batch is one request run by the endpoint as one transaction. cancel/destroy abort the requests in flight.
import type { NeonQueryFunction, NeonQueryPromise } from '@neondatabase/serverless';
import type { BatchStatement, DriverConnection, QueryOptions, QueryResult } from '../../driver';
import { UnsupportedError } from '../../errors';
import type { BeginOptions, IsolationLevel } from '../../timeouts';
import { pgTypes, rawTemporalTypes } from '../pg/types';
import type { RoleDefaults } from '../role-defaults';
import { neonHttpError } from './errors';

let nextId = 1;

const ISOLATION = { 'read committed': 'ReadCommitted', 'repeatable read': 'RepeatableRead', serializable: 'Serializable' } as const satisfies Record<
  IsolationLevel,
  string
>;

type FullResult = { rows: unknown[]; rowCount: number | null };
export type NeonSql = NeonQueryFunction<false, true>;

export class NeonHttpConnection implements DriverConnection {
  readonly id = nextId++;
  private dead = false;
  private readonly inFlight = new Set<AbortController>();

  /**
   * `route` points the library's process-wide endpoint at ours; called right before a request starts.
   * `roleDefaults`: the session defaults of the endpoint's connections (shared by the driver's leases).
   */
  constructor(
    private readonly sql: NeonSql,
    private readonly route: () => void,
    private readonly roleDefaults: RoleDefaults,
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

  /**
   * One request, one transaction. The limits the session defaults do not already give go first, as transaction-local
   * settings in the same request (a batch at the configured limits, with role defaults equal to them, has none).
   */
  async batch(statements: readonly BatchStatement[], options: BeginOptions & QueryOptions): Promise<QueryResult[]> {
    const t = options.serverTimeouts;
    const timeouts = t && this.roleDefaults.statementFor(t);
    const queries: NeonQueryPromise<false, true>[] = [];
    if (timeouts) queries.push(this.sql.query(timeouts.sql, [], { types: pgTypes }));
    const types = options.rawTemporal ? rawTemporalTypes : pgTypes;
    for (const st of statements) queries.push(this.sql.query(st.text, [...(st.params ?? [])], { types }));
    return this.request(async (signal) => {
      this.route();
      const results = (await this.sql.transaction(queries, {
        arrayMode: options.rowMode === 'array',
        fullResults: true,
        // Only what differs from the endpoint's defaults travels (as headers).
        ...(options.readOnly ? { readOnly: true } : {}),
        ...(options.isolation ? { isolationLevel: ISOLATION[options.isolation] } : {}),
        fetchOptions: { signal },
      })) as unknown as FullResult[];
      if (timeouts?.readsDefaults) this.roleDefaults.record(lastColumn(results[0]?.rows[0]));
      return results.slice(timeouts ? 1 : 0).map((r) => ({ rows: r.rows, rowCount: r.rowCount }));
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

/** A row's last column, in either row mode (the object's keys keep the select list's order). */
function lastColumn(row: unknown): unknown {
  if (Array.isArray(row)) return row.at(-1);
  return row && typeof row === 'object' ? Object.values(row).at(-1) : undefined;
}
