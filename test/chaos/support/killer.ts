// Backend kills at random: one of our backends on the database terminated after each exponentially distributed
// pause (a Poisson process of the given mean), from an admin connection of its own.
import pg from 'pg';
import type { ChaosEnv } from './environment';
import { APPLICATION } from './environment';

export function startKiller(env: ChaosEnv, database: string, meanMs: number): { stop(): Promise<number> } {
  let running = true;
  const done = (async () => {
    const admin = new pg.Client({ ...env.cluster.endpoint, user: 'postgres', database: 'postgres', application_name: 'chaos-killer' });
    admin.on('error', () => undefined);
    await admin.connect();
    let killed = 0;
    try {
      while (running) {
        await new Promise((r) => setTimeout(r, -meanMs * Math.log(1 - Math.random())));
        const { rows } = await admin.query<{ t: boolean }>(
          'SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 ORDER BY random() LIMIT 1',
          [database, APPLICATION],
        );
        if (rows[0]?.t) killed++;
      }
    } finally {
      await admin.end().catch(() => undefined);
    }
    return killed;
  })();
  return {
    stop: async () => {
      running = false;
      return done;
    },
  };
}
