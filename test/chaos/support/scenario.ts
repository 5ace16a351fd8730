// A load scenario: a fresh database, containers reaching it directly, through the suite's PgBouncer or through a
// TCP proxy the scenario controls, the load running while the scenario disrupts something, then the reckoning:
// every answer, every write, what was left behind, and the goals.
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { account } from './accounting';
import { startContainers, stopContainers, type Container } from './containers';
import { leftovers } from './connections';
import type { ChaosEnv } from './environment';
import { check, result, type Check, type ScenarioResult } from './goals';
import { startLoad, type Load, type Outcome } from './load';
import { watchTimerLag } from './timer-lag';
import type { Mode } from './mode';
import { failureWindowMs, recoveryMs, summarizeOutcomes } from './outcomes';

/** Recovery after a restart or a healed partition: the first acknowledged answer within this of the server being back. */
export const RECOVERY_GOAL_MS = 2_000;

export type Via = 'direct' | 'pgbouncer' | 'proxy';

export type DisruptContext = {
  env: ChaosEnv;
  mode: Mode;
  database: string;
  containers: readonly Container[];
  load: Load;
  /** Present when the scenario runs via 'proxy'. */
  proxy: TcpProxy | undefined;
};

export type Disruption = {
  /** now() when the disrupted part was back (server started, partition healed, thawed). */
  backAt?: number;
  /** Answers sent after the load (e.g. the first requests after a thaw), accounted with the others. */
  after?: Outcome[];
  figures?: Record<string, unknown>;
  goals?: Check[];
};

export type LoadScenario = {
  name: string;
  description: string;
  via: Via;
  /** Statements run on the fresh database before the load (ALTER DATABASE ... SET ...). */
  databaseSetup?: (database: string) => string[];
  settings?: Record<string, unknown>;
  /** Runs while the load runs and returns when the load should stop (ctx.load.stop() is called after). */
  disrupt(ctx: DisruptContext): Promise<Disruption>;
  /** Every request must end within its deadline (the scenario stops the path to the server: nothing else bounds a wait). */
  deadlineGoal?: boolean;
};

export async function runLoadScenario(env: ChaosEnv, mode: Mode, s: LoadScenario, log: (m: string) => void): Promise<ScenarioResult> {
  if (s.via === 'pgbouncer' && !(await env.bouncerAlive(true))) log(`${s.name}: the suite's PgBouncer had died; restarted`);
  const database = await env.database(`chaos_${s.name.replace(/-/g, '_')}`);
  for (const statement of s.databaseSetup?.(database) ?? []) await env.cluster.query(statement);
  const proxy = s.via === 'proxy' ? await startTcpProxy(env.cluster.endpoint) : undefined;
  try {
    const url = s.via === 'proxy' ? env.url(database, 'direct').replace(`:${env.cluster.endpoint.port}/`, `:${proxy!.port}/`) : env.url(database, s.via);
    // PgBouncer listens on a port of its own, not 6432: auto-detection would take it for a server (docs/OPERATIONS.md).
    const containers = await startContainers(mode.submitters, env.containerEnv(url, { DB_PROXY_PROFILE: s.via === 'pgbouncer' ? 'pgbouncer' : 'direct' }));
    log(`${s.name}: ${mode.submitters} containers via ${s.via}, load for about ${mode.loadMs / 1000} s`);
    const lag = watchTimerLag();
    const load = startLoad(containers, { remainingMs: mode.remainingMs });
    let disruption: Disruption;
    try {
      disruption = await s.disrupt({ env, mode, database, containers, load, proxy });
    } finally {
      await load.stop();
      lag.stop();
    }
    const outcomes = [...load.outcomes, ...(disruption.after ?? [])];
    const left = await leftovers(env, database, s.via === 'pgbouncer', () => stopContainers(containers));
    const writes = await account(outcomes, (text) => env.rows(database, text));
    const answers = summarizeOutcomes(outcomes, lag);
    const back = disruption.backAt;
    const recovery = back === undefined ? undefined : recoveryMs(outcomes, back);
    // Judged without the time this process's timers stood still meanwhile (the host's load, as for deadlines).
    const recoveryLag = back === undefined || recovery === undefined || recovery === null ? 0 : lag.maxBetween(back, back + recovery);
    const goals = [
      ...standardGoals(answers, writes, left),
      ...(s.deadlineGoal ? [check("answers past their deadline (beyond the host's timer lag)", answers.overDeadline, '==', 0)] : []),
      ...(recovery === undefined
        ? []
        : [check("recovery after the disruption, beyond the host's timer lag (ms)", recovery === null ? null : Math.max(0, recovery - recoveryLag), '<=', RECOVERY_GOAL_MS)]),
      ...(disruption.goals ?? []),
    ];
    const codes = Object.entries(answers.byCode).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
    return result({
      scenario: s.name,
      description: s.description,
      mode: mode.name,
      settings: { via: s.via, submitters: mode.submitters, remainingMs: mode.remainingMs, ...s.settings },
      figures: {
        answers,
        writes,
        leftovers: left,
        failureWindowMs: failureWindowMs(outcomes),
        recoveryMs: recovery ?? null,
        timerLagDuringRecoveryMs: recoveryLag,
        ...disruption.figures,
      },
      goals,
      summary:
        `${answers.requests} requests, ${writes.acknowledged} acknowledged, refused: ${codes}` +
        `${recovery === undefined ? '' : `, recovery ${recovery ?? 'never'} ms`}, in-doubt commits ${writes.inDoubtPresent}`,
    });
  } finally {
    await proxy?.close();
    await env.cluster.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}

/** The goals every scenario answers. */
export function standardGoals(
  answers: ReturnType<typeof summarizeOutcomes>,
  writes: Awaited<ReturnType<typeof account>>,
  left: { connectionsLeft: number; idleInTransaction: number },
): Check[] {
  return [
    check('acknowledged writes lost', writes.lost, '==', 0),
    check('duplicates', writes.duplicates + writes.strays, '==', 0),
    check('writes of 4xx-refused requests present', writes.refusedPresent, '==', 0),
    check('untyped 5xx', answers.untyped5xx, '==', 0),
    check('unexpected 4xx', answers.unexpected4xx, '==', 0),
    check('connections left', left.connectionsLeft, '==', 0),
    check('sessions idle in transaction', left.idleInTransaction, '==', 0),
  ];
}
