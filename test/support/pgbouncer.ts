// A PgBouncer of a test's own: scripts/pgbouncer.sh on a free port and folder, so restarting or loading it
// disturbs no other test (the shared one on 6432 is only ever started, never stopped or restarted).
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './ports';
import { randomName } from './postgres';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/pgbouncer.sh', import.meta.url));

export type Bouncer = {
  port: number;
  url(database: string, user?: string): string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The running PgBouncer's pid (changes with every restart). */
  pid(): number;
};

export type BouncerOptions = {
  /** The PostgreSQL server behind it (default: the shared one on 5432). */
  server?: { host: string; port: number };
  /** Roles allowed in besides postgres. */
  users?: readonly string[];
};

export async function startBouncer(options: BouncerOptions = {}): Promise<Bouncer> {
  const port = await freePort();
  const dir = path.join(tmpdir(), randomName('pgbouncer'));
  const env: NodeJS.ProcessEnv = { ...process.env, PGBOUNCER_PORT: String(port), PGBOUNCER_DIR: dir };
  if (options.server) Object.assign(env, { PGBOUNCER_PG_HOST: options.server.host, PGBOUNCER_PG_PORT: String(options.server.port) });
  if (options.users) env.PGBOUNCER_USERS = ['postgres', ...options.users].join(' ');
  const script = (command: string) => run('bash', [SCRIPT, command], { env, timeout: 120_000 }).then(() => undefined);
  await script('start');
  return {
    port,
    url: (database, user = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`,
    restart: () => script('restart'),
    pid: () => Number(readFileSync(path.join(dir, 'pgbouncer.pid'), 'utf8').trim()),
    stop: async () => {
      await script('stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
