// Freeze/thaw: the whole server SIGSTOPped past its idle timeout while its backends are killed (SIGTERM, delivered on
// thaw) and the sockets to it silently dropped (the proxy stops forwarding on every open connection, no FIN, no RST;
// new connections pass, to a server that does not answer). The load goes on through the freeze: every request must
// end typed within its deadline. Then, with nothing in flight, SIGCONT: the first request of every container must
// succeed.
import { check } from '../support/goals';
import { isAck } from '../support/outcomes';
import { now, oneRequestEach, sleep } from '../support/load';
import { APPLICATION } from '../support/environment';
import type { LoadScenario } from '../support/scenario';

/** The server's idle_session_timeout on the scenario's database: the freeze lasts longer. */
const IDLE_SESSION_TIMEOUT_MS = 2_000;

export const freezeThaw: LoadScenario = {
  name: 'freeze-thaw',
  description: 'server SIGSTOPped past its idle timeouts, its backends killed and its sockets silently dropped, then SIGCONT',
  via: 'proxy',
  deadlineGoal: true,
  databaseSetup: (database) => [`ALTER DATABASE ${database} SET idle_session_timeout = '${IDLE_SESSION_TIMEOUT_MS}ms'`],
  settings: { idleSessionTimeoutMs: IDLE_SESSION_TIMEOUT_MS },
  async disrupt({ env, mode, database, containers, load, proxy }) {
    await sleep(mode.loadMs / 3);
    const backends = (
      await env.cluster.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [database, APPLICATION])
    ).map((r) => r.pid);
    const frozen = env.cluster.processes();
    proxy!.pause();
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    for (const pid of backends) process.kill(pid, 'SIGTERM'); // pending until the thaw
    const frozenAt = now();
    try {
      await sleep(mode.freezeMs);
      await load.stop(); // every request sent during the freeze answered (within its deadline: checked with the others)
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    const thawedAt = now();
    const after = await oneRequestEach(containers, 1_000_000, mode.remainingMs);
    const firstOk = after.filter(isAck).length;
    return {
      after,
      figures: {
        freezeMs: Math.round(thawedAt - frozenAt),
        backendsKilled: backends.length,
        processesFrozen: frozen.length,
        requestsDuringFreeze: load.outcomes.filter((o) => o.endedAt >= frozenAt).length,
        firstRequestsAfterThaw: { sent: after.length, acknowledged: firstOk, statuses: after.map((o) => o.status) },
      },
      goals: [check('first requests after thaw not acknowledged', after.length - firstOk, '==', 0)],
    };
  },
};
