// A throwaway PostgreSQL cluster for tests and the chaos suite that must restart, crash, freeze or refuse a server:
// the shared one on 5432 is never touched. initdb into a temp folder, own port, run as the postgres user (PostgreSQL
// refuses root), removed by close().
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports';

const run = promisify(execFile);
const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type StopMode = 'smart' | 'fast' | 'immediate';

export type ClusterOptions = {
  /** scram-sha-256 with this superuser password; trust when absent. */
  password?: string;
  maxConnections?: number;
  /** Extra server settings (postgres -c name=value). */
  settings?: Record<string, string | number>;
  /**
   * pg_hba.conf lines checked before initdb's own (e.g. `password` auth for one role: the cleartext method RDS Proxy
   * uses for IAM tokens, where the server reads the role's password only after the client sent its own).
   */
  hbaFirst?: string[];
};

export type Cluster = {
  readonly endpoint: { host: string; port: number };
  /** A URL of the database (postgres://<user, default the superuser postgres>@host:port/database). */
  url(database?: string, user?: string): string;
  /** Runs one statement as the superuser on a short-lived connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[], database?: string): Promise<R[]>;
  /** `pg_ctl stop -m <mode>`, waiting until the server is down. */
  stop(mode: StopMode): Promise<void>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops (fast by default: backends are terminated) and starts again, as a restart or failover does. */
  restart(mode?: StopMode): Promise<void>;
  /** The postmaster's pid (changes with every start). */
  postmasterPid(): number;
  /** The postmaster and every process it started (backends, background workers), to freeze or thaw them all. */
  processes(): number[];
  close(): Promise<void>;
};

const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args], { timeout: 120_000 });

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgcluster-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const uid = Number(stdout.trim());
  chownSync(dir, uid, uid);
  const data = path.join(dir, 'data');
  const auth = ['-U', 'postgres', '--no-sync', '-E', 'UTF8'];
  if (options.password !== undefined) {
    const pwfile = path.join(dir, 'pw');
    writeFileSync(pwfile, options.password);
    chownSync(pwfile, uid, uid);
    auth.push('-A', 'scram-sha-256', `--pwfile=${pwfile}`);
  } else {
    auth.push('-A', 'trust');
  }
  await asPostgres('initdb', ['-D', data, ...auth]);
  if (options.hbaFirst?.length) {
    const hba = path.join(data, 'pg_hba.conf');
    writeFileSync(hba, `${options.hbaFirst.join('\n')}\n${readFileSync(hba, 'utf8')}`);
  }
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    fsync: 'off',
    max_connections: options.maxConnections ?? 20,
    ...options.settings,
  };
  const serverOptions = [`-p ${port}`, `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const start = () => asPostgres('pg_ctl', ['-D', data, '-o', serverOptions, '-w', '-t', '60', '-l', path.join(dir, 'log'), 'start']).then(() => undefined);
  await start();

  const stop = (mode: StopMode) => asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']).then(() => undefined);
  const postmasterPid = () => Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const endpoint = { host: '127.0.0.1', port };
  const credentials = { ...endpoint, user: 'postgres', password: options.password };
  return {
    endpoint,
    url: (database = 'postgres', user = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`,
    async query(text, params = [], database = 'postgres') {
      const client = new pg.Client({ ...credentials, database, application_name: 'cluster-admin' });
      client.on('error', () => undefined); // a restart may end it; the query's own rejection says so
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    stop,
    start,
    restart: async (mode = 'fast') => {
      await stop(mode);
      await start();
    },
    postmasterPid,
    processes: () => {
      const parent = postmasterPid();
      return [parent, ...childrenOf(parent)];
    },
    async close() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids whose parent is `parent` (from /proc: PostgreSQL's children are all direct children of the postmaster). */
function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat: "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {
      // the process ended while listing
    }
  }
  return out;
}
