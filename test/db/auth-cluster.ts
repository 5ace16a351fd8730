// A throwaway PostgreSQL cluster that checks passwords (scram-sha-256), for the tests that need an auth failure:
// the shared server trusts loopback. initdb into a temp folder, own port, run as the postgres user, removed after.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const ADMIN_PASSWORD = 'cluster-admin';

export type AuthCluster = {
  readonly endpoint: { host: string; port: number };
  /** Runs one statement as the cluster's superuser (in `database`, default postgres). */
  query(text: string, database?: string): Promise<void>;
  /** Stops (fast: backends are terminated) and starts the server again, as a restart or failover does. */
  restart(): Promise<void>;
  close(): Promise<void>;
};

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args], { timeout: 60_000 });

/**
 * `hbaFirst`: pg_hba.conf lines checked before the default scram-sha-256 ones (e.g. `password` auth for one role:
 * the cleartext method RDS Proxy uses for IAM tokens, where the server reads the role's password only after the
 * client sent its own).
 */
export async function startAuthCluster(options: { hbaFirst?: string[] } = {}): Promise<AuthCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgauth-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const uid = Number(stdout.trim());
  chownSync(dir, uid, uid);
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, ADMIN_PASSWORD);
  chownSync(pwfile, uid, uid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await asPostgres('initdb', ['-D', data, '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  if (options.hbaFirst?.length) {
    const hba = path.join(data, 'pg_hba.conf');
    writeFileSync(hba, `${options.hbaFirst.join('\n')}\n${readFileSync(hba, 'utf8')}`);
  }
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20`;
  await asPostgres('pg_ctl', ['-D', data, '-o', serverOptions, '-w', '-l', path.join(dir, 'log'), 'start']);
  const endpoint = { host: '127.0.0.1', port };
  return {
    endpoint,
    async query(text, database = 'postgres') {
      const client = new pg.Client({ ...endpoint, user: 'postgres', password: ADMIN_PASSWORD, database });
      await client.connect();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    },
    async restart() {
      await asPostgres('pg_ctl', ['-D', data, '-o', serverOptions, '-w', '-m', 'fast', '-l', path.join(dir, 'log'), 'restart']);
    },
    async close() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
