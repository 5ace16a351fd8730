// Behind a transaction pooler (PgBouncer 1.18 in transaction mode) a pipelined unit leaves nothing on the server
// connection for the next client: no setting, no open or failed transaction, no prepared statement (every statement
// is unnamed). With the pgbouncer profile the timeouts travel as SET LOCAL inside the unit; with the rds-proxy profile
// the unit carries no SET at all (RDS Proxy pins a client on any SET).
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../lib/db/profiles';
import { adminQuery } from '../support/postgres';
import { bouncerTarget, counted, countedFailure, usePipelineTarget, type PipelineHandle } from './pipeline-targets';

const ROWS = { rowMode: 'object', rawTemporal: false } as const;
const LIMITS = { statementMs: 1_234, lockMs: 2_345, idleInTransactionMs: 3_456 };
const SEEN =
  "SELECT pg_backend_pid() AS pid, current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, " +
  "current_setting('idle_in_transaction_session_timeout') AS it, current_setting('transaction_isolation') AS iso, " +
  '(SELECT count(*)::int FROM pg_prepared_statements) AS prepared';
type Seen = { pid: number; st: string; lt: string; it: string; iso: string; prepared: number };

describe.each([bouncerTarget(PROFILES.pgbouncer), bouncerTarget(PROFILES['rds-proxy'])])('server connection state after pipelined units, $name', (target) => {

  const h = usePipelineTarget(target, 'CREATE TABLE log (n int)');

  it('shows the next client default settings, no transaction and no prepared statement', async (context) => {
    h.require(context);
    // Prepare
    const conn = await h.connect(LIMITS);
    const begin = h.begin({ isolation: 'serializable', timeouts: LIMITS });

    // Act: a committed unit, a failed one, and a transaction whose BEGIN rode with its first statement.
    const committed = await counted(h.wire, () => conn.pipeline!({ begin, statements: [{ text: SEEN }, { text: 'INSERT INTO log VALUES (1)' }], commit: true }, ROWS));
    await countedFailure(h.wire, () => conn.pipeline!({ begin, statements: [{ text: 'INSERT INTO log VALUES (2)' }, { text: 'SELECT 1 / 0' }], commit: true }, ROWS));
    await conn.pipeline!({ begin, statements: [{ text: 'INSERT INTO log VALUES (3)' }] }, ROWS);
    await conn.exec('COMMIT');
    const next = new pg.Client({ connectionString: h.url, application_name: 'next-client' });
    await next.connect();
    const seenByNext = (await next.query<Seen>(SEEN)).rows[0]!;
    const nextStatus = next.getTransactionStatus();
    await next.end();
    const backend = await adminQuery<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [seenByNext.pid]);

    // Assess: inside the unit its own settings (only where the profile may SET), for the next client the defaults.
    const inside = committed.value[0]!.rows[0] as Seen;
    expect(committed.roundTrips).toBe(1);
    const sets = h.profile.setLocal ? 3 : 0;
    expect(inside).toEqual({
      pid: inside.pid,
      st: h.profile.setLocal ? '1234ms' : '0',
      lt: h.profile.setLocal ? '2345ms' : '0',
      it: h.profile.setLocal ? '3456ms' : '0',
      iso: 'serializable',
      prepared: 0,
    });
    expect(seenByNext).toEqual({ pid: inside.pid, st: '0', lt: '0', it: '0', iso: 'read committed', prepared: 0 });
    expect(nextStatus).toBe('I');
    expect(backend).toEqual([{ state: 'idle' }]);
    expect((await adminQuery<{ n: number }>('SELECT n FROM log ORDER BY n', [], h.tdb.name)).map((r) => r.n)).toEqual([1, 3]);
    // BEGIN, the SET LOCALs the profile allows, two statements, COMMIT: one Parse each.
    expect(committed.value).toHaveLength(2);
    expect(await unitParses(h, conn)).toBe(1 + sets + 1 + 1);
  });
});

/** Parse messages of a one-statement unit with this profile's BEGIN options. */
async function unitParses(h: PipelineHandle, conn: Awaited<ReturnType<PipelineHandle['connect']>>): Promise<number> {
  const before = h.wire.clientMessages('P');
  await conn.pipeline!({ begin: h.begin({ timeouts: LIMITS }), statements: [{ text: 'SELECT 1' }], commit: true }, ROWS);
  return h.wire.clientMessages('P') - before;
}
