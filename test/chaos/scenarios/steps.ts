// The geo and soil steps killed mid-run several times, then run clean: the end state must be identical (checksummed)
// to one clean run on a copy of the same seed. The kill lands at a random statement of a run: every backend of ours
// on the database is terminated just before that statement is sent (inside a transaction: killed while it is open).
import type { Sql, AnySession, ValidatorDatabase } from '../../../lib/validator';
import { createValidatorDatabase } from '../../../lib/validator';
import { runGeoStep, runSoilStep } from '../../../lib/tasks';
import { GEO_NOW, seedGeoHour, seedSoilWork, SOIL_NOW } from '../../../bench/steps/seed';
import { passThrough } from '../../../bench/steps/statement-clock';
import { quietLogger, range, seedMiners } from '../../validator/fixtures';
import { APPLICATION, ROLE, type ChaosEnv } from '../support/environment';
import { check, result, type ScenarioResult } from '../support/goals';
import type { Mode } from '../support/mode';

type Step = { name: 'geo' | 'soil'; run: (s: AnySession) => Promise<unknown> };
const STEPS: Step[] = [
  { name: 'geo', run: (s) => runGeoStep(s, { now: GEO_NOW }) },
  { name: 'soil', run: (s) => runSoilStep(s, { now: SOIL_NOW }) },
];
/** Columns that record when a row was written, not what: they differ between two runs of the same work. */
const WALL_CLOCK_COLUMNS = new Set(['id', 'updated_at', 'received_at']);

export async function stepsKilledMidRun(env: ChaosEnv, mode: Mode, log: (m: string) => void): Promise<ScenarioResult> {
  const seed = await env.database('chaos_steps_seed');
  const open = (database: string) =>
    createValidatorDatabase({
      url: env.url(database, 'direct'),
      applicationName: APPLICATION,
      logger: quietLogger,
      statementTimeoutMs: 60_000,
      transactionTimeoutMs: 120_000,
      sessionTimeoutMs: 300_000,
      env: {},
    });
  const databases = [seed, 'chaos_steps_clean', 'chaos_steps_killed'];
  try {
    log('steps: seeding 256 miners, 5 soil regions x 256 predictions with truth, 1 geo hour x 256 with truth');
    await withDb(open(seed), async (db) => {
      await db.session((s) => seedMiners(s, range(256)));
      await db.session(seedSoilWork);
      await db.session(seedGeoHour);
    });
    for (const copy of databases.slice(1)) await env.cluster.query(`CREATE DATABASE ${copy} TEMPLATE ${seed} OWNER ${ROLE}`);

    // One clean run: the reference end state, and how many statements each step sends.
    const statements: Record<string, number> = {};
    await withDb(open('chaos_steps_clean'), async (db) => {
      for (const step of STEPS) {
        const counter = { sent: 0 };
        await db.session((s) => step.run(wrapped(s, async () => void counter.sent++)));
        statements[step.name] = counter.sent;
      }
    });
    const clean = await checksum(env, 'chaos_steps_clean');

    // Killed mid-run `mode.stepKills` times per step (a run that ends before its kill ends the series: there is
    // nothing left to interrupt), then run to the end. The kill is drawn from the first half of a clean run's
    // statements: each interrupted run leaves less to do.
    const interrupted: Record<string, number> = {};
    await withDb(open('chaos_steps_killed'), async (db) => {
      for (const step of STEPS) {
        interrupted[step.name] = 0;
        for (let k = 0; k < mode.stepKills; k++) {
          const at = 1 + Math.floor(Math.random() * Math.max(1, Math.floor(statements[step.name]! / 2)));
          let sent = 0;
          const kill = async () => {
            if (++sent === at) await terminateOurs(env, 'chaos_steps_killed');
          };
          const failed = await db.session((s) => step.run(wrapped(s, kill))).then(
            () => false,
            () => true,
          );
          if (!failed) break;
          interrupted[step.name]!++;
        }
        await db.session((s) => step.run(s));
      }
    });
    const killed = await checksum(env, 'chaos_steps_killed');
    log(`steps: clean ${clean.slice(0, 12)}.., killed and re-run ${killed.slice(0, 12)}..`);

    const totalInterrupted = Object.values(interrupted).reduce((a, b) => a + b, 0);
    const goals = [
      check('end state differs from one clean run', clean === killed ? 0 : 1, '==', 0),
      check('runs interrupted by a kill', totalInterrupted, '>=', 1),
    ];
    return result({
      scenario: 'steps-killed',
      description: `the geo and soil steps killed mid-run ${mode.stepKills} times each (a random statement), then run clean`,
      mode: mode.name,
      settings: { killsPerStep: mode.stepKills },
      figures: { statementsPerCleanRun: statements, interruptedRuns: interrupted, cleanChecksum: clean, killedChecksum: killed },
      goals,
      summary: `${totalInterrupted} runs interrupted (${JSON.stringify(interrupted)}), end state ${clean === killed ? 'identical to' : 'DIFFERENT from'} one clean run`,
    });
  } finally {
    for (const d of databases) await env.cluster.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
  }
}

async function withDb<T>(db: ValidatorDatabase, fn: (db: ValidatorDatabase) => Promise<T>): Promise<T> {
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function terminateOurs(env: ChaosEnv, database: string): Promise<unknown> {
  return env.cluster
    .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [database, APPLICATION])
    .catch(() => undefined);
}

/** `s` with `onStatement` awaited before each statement (session-level or in a transaction) is sent. */
function wrapped(s: AnySession, onStatement: () => Promise<void>): AnySession {
  const sql = <T extends Sql>(q: T): T => passThrough(q, 'query', (async (text, params) => (await onStatement(), q.query(text, params))) as Sql['query']);
  const withQuery = passThrough(s, 'query', (async (text: string, params?: readonly unknown[]) => (await onStatement(), s.query(text, params))) as AnySession['query']);
  return passThrough(withQuery, 'transaction', ((fn, options) => s.transaction((tx) => fn(sql(tx)), options)) as AnySession['transaction']);
}

/** md5 of every public table's rows, without surrogate ids and write-time columns, in a stable order. */
async function checksum(env: ChaosEnv, database: string): Promise<string> {
  const columns = await env.rows(
    database,
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const c of columns) {
    const name = c.column_name as string;
    if (WALL_CLOCK_COLUMNS.has(name)) continue;
    byTable.set(c.table_name as string, [...(byTable.get(c.table_name as string) ?? []), `"${name}"`]);
  }
  const parts = [...byTable].map(
    ([table, cols]) => `(SELECT '${table}:' || count(*) || ':' || coalesce(md5(string_agg(r, ',' ORDER BY r)), '') FROM (SELECT ROW(${cols.join(', ')})::text AS r FROM "${table}") t)`,
  );
  const [row] = await env.rows(database, `SELECT md5(concat_ws('|', ${parts.join(', ')})) AS sum`);
  return row!.sum as string;
}
