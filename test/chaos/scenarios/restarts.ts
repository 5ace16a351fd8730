// Restarts mid-load: PostgreSQL (pg_ctl -m fast / immediate) reached directly, PgBouncer itself, and PostgreSQL
// behind PgBouncer. The server counts as back when pg_ctl start (or the PgBouncer script) returns.
import type { StopMode } from '../../support/cluster';
import { now, sleep } from '../support/load';
import type { DisruptContext, Disruption, LoadScenario } from '../support/scenario';

/** Load, then `restart` a third of the way in, then load until the end; times the restart. */
async function restartMidLoad(ctx: DisruptContext, restart: () => Promise<void>): Promise<Disruption> {
  await sleep(ctx.mode.loadMs / 3);
  const downAt = now();
  await restart();
  const backAt = now();
  await sleep((ctx.mode.loadMs * 2) / 3);
  return { backAt, figures: { restartMs: Math.round(backAt - downAt) } };
}

export function postgresRestart(mode: Exclude<StopMode, 'smart'>): LoadScenario {
  return {
    name: `pg-restart-${mode}`,
    description: `PostgreSQL restarted (pg_ctl stop -m ${mode}, start) mid-load, reached directly`,
    via: 'direct',
    disrupt: (ctx) =>
      restartMidLoad(ctx, async () => {
        await ctx.env.cluster.stop(mode);
        await ctx.env.cluster.start();
      }),
  };
}

export const pgbouncerRestart: LoadScenario = {
  name: 'pgbouncer-restart',
  description: 'PgBouncer restarted (scripts/pgbouncer.sh restart) mid-load',
  via: 'pgbouncer',
  disrupt: (ctx) => restartMidLoad(ctx, () => ctx.env.bouncer.restart()),
};

export const postgresRestartBehindPgbouncer: LoadScenario = {
  name: 'pg-restart-behind-pgbouncer',
  description: 'PostgreSQL restarted (pg_ctl stop -m fast, start) mid-load behind PgBouncer (server_login_retry = 1)',
  via: 'pgbouncer',
  disrupt: (ctx) =>
    restartMidLoad(ctx, async () => {
      await ctx.env.cluster.stop('fast');
      await ctx.env.cluster.start();
    }),
};
