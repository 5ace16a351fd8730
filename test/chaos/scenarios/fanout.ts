// Fan-out: at the top of the hour Lambda starts many containers at once. N containers (worker threads, each its own
// createDatabase with a pool of 1 and a 10 s function's deadlines) send their requests together, through PgBouncer
// (default_pool_size 20) to a cluster with max_connections 100; then the naive setup beside it, straight to the
// server, where running out of connection slots (53300) must surface as a typed 503. Errors by type are read from the
// handlers' own log lines (the layer's error code behind each refusal).
import { Worker } from 'node:worker_threads';
import { MAX_TIMESTAMP_TOLERANCE_MS } from '../../../lib/api';
import { account } from '../support/accounting';
import { bundled } from '../support/containers';
import { leftovers, sampleServerConnections } from '../support/connections';
import { BOUNCER_POOL_SIZE, MAX_CONNECTIONS, type ChaosEnv } from '../support/environment';
import { check, result, type ScenarioResult } from '../support/goals';
import type { Outcome } from '../support/load';
import type { Mode } from '../support/mode';
import { summarizeOutcomes } from '../support/outcomes';
import { standardGoals } from '../support/scenario';

/** The deadlines of a 10 s API function (lib/app/functions.ts). */
const FUNCTION_REMAINING_MS = 10_000;

export async function fanOut(env: ChaosEnv, mode: Mode, via: 'pgbouncer' | 'direct', log: (m: string) => void): Promise<ScenarioResult> {
  const name = `fan-out-${via}`;
  const database = await env.database(`chaos_${name.replace(/-/g, '_')}`);
  if (via === 'direct' && mode.fanOutDatabaseLimit !== null) await env.cluster.query(`ALTER DATABASE ${database} CONNECTION LIMIT ${mode.fanOutDatabaseLimit}`);
  const url = env.url(database, via);
  const containerEnv = {
    ...env.containerEnv(url, { DB_PROXY_PROFILE: via === 'pgbouncer' ? 'pgbouncer' : 'direct', DB_POOL_MAX: '1' }),
    POWERTOOLS_LOG_LEVEL: 'WARN', // the 'request failed' lines name the layer's error behind each refusal
    // 200 threads share a few cores here: a thread may wait longer for CPU between signing a request and verifying it
    // than the default timestamp tolerance (8 s) allows, which a real container with a CPU of its own does not.
    // Signatures are not what this scenario tests: the widest tolerance the replay window permits.
    EPISTULA_TOLERANCE_MS: String(MAX_TIMESTAMP_TOLERANCE_MS),
  };
  const file = await bundled('test/chaos/scenarios/fanout-worker.ts');
  const n = mode.fanOutContainers;
  log(`${name}: starting ${n} containers (worker threads, pool of 1 each)`);
  const errorsByType: Record<string, number> = {};
  const workers: Worker[] = [];
  try {
    for (let k = 0; k < n; k++) {
      const w = new Worker(file, {
        env: containerEnv,
        stderr: true, // Powertools writes WARN and above there
        workerData: { first: k * mode.fanOutRequests, count: mode.fanOutRequests, remainingMs: FUNCTION_REMAINING_MS, submitter: k, submitters: n },
      });
      countErrors(w, errorsByType);
      workers.push(w);
    }
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => (w.once('message', resolve), w.once('error', reject)))));
    const sampler = sampleServerConnections(env, database, via === 'pgbouncer');
    log(`${name}: ${n} containers send ${mode.fanOutRequests} requests each, all at once`);
    const started = Date.now();
    const results = workers.map((w) => new Promise<Outcome[]>((resolve, reject) => (w.once('message', resolve), w.once('error', reject))));
    for (const w of workers) w.postMessage('go');
    const outcomes = (await Promise.all(results)).flat();
    const seconds = (Date.now() - started) / 1000;
    const peak = await sampler.stop();

    // PgBouncer 1.18 aborts when a cancel client hangs up before its request was forwarded (upstream #801, fixed in
    // 2023): the layer's cancel gives up after 1 s, which an overloaded PgBouncer can miss. Checked, then replaced.
    const bouncerAlive = via === 'pgbouncer' ? await env.bouncerAlive(true) : null;
    const left = await leftovers(env, database, via === 'pgbouncer' && bouncerAlive === true, async () => undefined); // each container closed its own
    const writes = await account(outcomes, (text) => env.rows(database, text));
    const answers = summarizeOutcomes(outcomes);
    const goals = [...standardGoals(answers, writes, left)];
    if (via === 'pgbouncer') {
      goals.push(check('peak server connections (held over two samples)', peak.serverSustained, '<=', BOUNCER_POOL_SIZE));
      goals.push(check('PgBouncer crashed', bouncerAlive ? 0 : 1, '==', 0));
    }
    // Every refusal is a typed 503/504 (the standard goals); here the server must really have run out of slots.
    else goals.push(check('53300 met and typed (TOO_MANY_CONNECTIONS in the handlers\' logs)', errorsByType.TOO_MANY_CONNECTIONS ?? 0, '>=', 1));
    return result({
      scenario: name,
      description:
        via === 'pgbouncer'
          ? `${n} containers at once through PgBouncer (default_pool_size ${BOUNCER_POOL_SIZE}) to max_connections ${MAX_CONNECTIONS}`
          : `${n} containers at once straight to the server (max_connections ${MAX_CONNECTIONS}): the naive setup`,
      mode: mode.name,
      settings: {
        via,
        containers: n,
        requestsEach: mode.fanOutRequests,
        poolMax: 1,
        remainingMs: FUNCTION_REMAINING_MS,
        databaseConnectionLimit: via === 'direct' ? mode.fanOutDatabaseLimit : null,
      },
      figures: { answers, errorsByType, writes, leftovers: left, peakServerConnections: peak, bouncerAlive, seconds: Math.round(seconds * 10) / 10 },
      goals,
      summary:
        `${answers.requests} requests in ${seconds.toFixed(1)} s, ${answers.throughputPerS}/s acknowledged, p50 ${answers.p50Ms} ms, p99 ${answers.p99Ms} ms, ` +
        `peak server connections ${peak.serverSustained} (instant ${peak.server}${peak.pooler === null ? '' : `, PgBouncer's list ${peak.pooler}`}), errors ${JSON.stringify(errorsByType)}`,
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await env.cluster.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}

/** Counts the layer's error codes in the worker's 'request failed' log lines. */
function countErrors(w: Worker, into: Record<string, number>): void {
  let pending = '';
  w.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.includes('"request failed"')) continue;
      try {
        const code = (JSON.parse(line) as { error?: { code?: string } }).error?.code ?? 'unknown';
        into[code] = (into[code] ?? 0) + 1;
      } catch {
        into.unparsed = (into.unparsed ?? 0) + 1;
      }
    }
  });
}
