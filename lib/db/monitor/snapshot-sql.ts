// The one statement of the check: server facts, a snapshot of pg_stat_activity with ages and lock waits computed
// on the server, and the policy's actions, returned as a single JSON value. Plain SQL on catalog views, so it
// runs unchanged on every driver (pg, Neon ws/http, Data API, PGlite).
//
// The policy acts in the same statement that selects its targets: pid, application and role are checked on the
// server in the same instant the signal is sent, so a pid reused between two round trips can never be hit.
import type { HealthPolicy, HealthThresholds } from './settings';

const IDLE_IN_TX = `('idle in transaction', 'idle in transaction (aborted)')`;

export const SNAPSHOT_SQL = `
WITH me AS (
  SELECT pg_backend_pid() AS pid, current_user::text AS usr, current_database()::text AS db
),
act AS (
  SELECT a.pid, a.usename::text AS usr, a.application_name AS app, a.datname::text AS db, a.state,
         a.backend_type, a.wait_event_type, a.wait_event, a.query,
         a.backend_type IN ('client backend', 'standalone backend') AS is_client,
         a.pid = me.pid AS is_me,
         ($1::boolean IS FALSE OR a.datname = me.db) AS in_scope,
         extract(epoch FROM clock_timestamp() - a.query_start) * 1000 AS query_ms,
         extract(epoch FROM clock_timestamp() - a.xact_start) * 1000 AS xact_ms,
         extract(epoch FROM clock_timestamp() - a.state_change) * 1000 AS state_ms,
         -- pg_blocking_pids briefly locks the lock manager: asked only for sessions that wait on a lock.
         CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blocked_by
  FROM pg_stat_activity a CROSS JOIN me
),
long_running AS (
  SELECT * FROM act
  WHERE is_client AND in_scope AND NOT is_me AND state = 'active' AND query_ms >= $2::float8
),
idle_tx AS (
  SELECT * FROM act
  WHERE is_client AND in_scope AND NOT is_me AND state IN ${IDLE_IN_TX} AND state_ms >= $3::float8
),
blocked AS (
  SELECT * FROM act WHERE in_scope AND cardinality(blocked_by) > 0 AND query_ms >= $4::float8
),
lock_sessions AS (
  SELECT * FROM act WHERE pid IN (SELECT pid FROM blocked UNION SELECT unnest(blocked_by) FROM blocked)
),
offenders AS (
  SELECT a.pid, a.app, a.query, 'cancel'::text AS action, a.query_ms AS observed_ms, $8::float8 AS limit_ms
  FROM act a CROSS JOIN me
  WHERE $6::text <> 'off' AND a.is_client AND NOT a.is_me AND a.app = $7::text AND a.usr = me.usr AND a.db = me.db
    AND a.state = 'active' AND a.query_ms >= $8::float8
  UNION ALL
  SELECT a.pid, a.app, a.query, 'terminate'::text, a.state_ms, $9::float8
  FROM act a CROSS JOIN me
  WHERE $6::text <> 'off' AND a.is_client AND NOT a.is_me AND a.app = $7::text AND a.usr = me.usr AND a.db = me.db
    AND a.state IN ${IDLE_IN_TX} AND a.state_ms >= $9::float8
),
actions AS (
  SELECT o.*,
         CASE WHEN $6::text = 'enforce' THEN
           CASE o.action WHEN 'cancel' THEN pg_cancel_backend(o.pid) ELSE pg_terminate_backend(o.pid) END
         END AS signalled
  FROM offenders o
)
SELECT json_build_object(
  'serverVersion', version(),
  'serverVersionNum', current_setting('server_version_num')::int,
  'maxConnections', current_setting('max_connections')::int,
  'superuserReserved', current_setting('superuser_reserved_connections')::int,
  'reserved', coalesce(current_setting('reserved_connections', true), '0')::int,
  'ownPid', (SELECT pid FROM me),
  'connections', (SELECT count(*) FROM act WHERE is_client),
  'ours', (SELECT count(*) FROM act WHERE is_client AND app = $7::text),
  'byApplication', (SELECT coalesce(json_agg(g ORDER BY g.count DESC, g.application, g.state), '[]'::json) FROM (
      SELECT app AS application, coalesce(state, 'unknown') AS state, count(*) AS count
      FROM act WHERE is_client GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 100) g),
  'longRunningCount', (SELECT count(*) FROM long_running),
  'longRunning', (SELECT coalesce(json_agg(s ORDER BY s.duration_ms DESC), '[]'::json) FROM (
      SELECT pid, app, usr, db, state, wait_event_type, wait_event, query, query_ms AS duration_ms, xact_ms
      FROM long_running ORDER BY query_ms DESC LIMIT $5::int) s),
  'idleInTransactionCount', (SELECT count(*) FROM idle_tx),
  'idleInTransaction', (SELECT coalesce(json_agg(s ORDER BY s.duration_ms DESC), '[]'::json) FROM (
      SELECT pid, app, usr, db, state, wait_event_type, wait_event, query, state_ms AS duration_ms, xact_ms
      FROM idle_tx ORDER BY state_ms DESC LIMIT $5::int) s),
  'blockedCount', (SELECT count(*) FROM blocked),
  'lockSessions', (SELECT coalesce(json_agg(s), '[]'::json) FROM (
      SELECT pid, app, usr, db, state, backend_type, wait_event_type, wait_event, query, query_ms, xact_ms, blocked_by
      FROM lock_sessions ORDER BY xact_ms DESC NULLS LAST LIMIT 5 * $5::int) s),
  'oldest', (SELECT row_to_json(o) FROM (
      SELECT pid, app, xact_ms FROM act
      WHERE is_client AND in_scope AND NOT is_me AND xact_ms IS NOT NULL ORDER BY xact_ms DESC LIMIT 1) o),
  'actions', (SELECT coalesce(json_agg(x), '[]'::json) FROM actions x),
  -- Evaluated last: the server's own time on this statement, to tell it apart from the network.
  'serverMs', extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000
) AS snapshot`;

/** The parameters of SNAPSHOT_SQL, in order. */
export function snapshotParams(t: HealthThresholds, policy: HealthPolicy, applicationName: string): unknown[] {
  return [
    t.scope === 'database',
    t.longRunningMs,
    t.idleInTransactionMs,
    t.blockedMs,
    t.maxListed,
    policy.mode,
    applicationName,
    policy.cancelAfterMs,
    policy.terminateIdleAfterMs,
  ];
}
