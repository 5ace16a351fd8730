// A PgBouncer of a test's own: scripts/pgbouncer.sh on a free port and folder, so restarting or loading it
// disturbs no other test (the shared one on 6432 is only ever started, never stopped or restarted).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomName } from './postgres';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/pgbouncer.sh', import.meta.url));

export type Bouncer = { port: number; url(database: string): string; restart(): Promise<void>; stop(): Promise<void> };

export async function startBouncer(): Promise<Bouncer> {
  const port = await freePort();
  const dir = path.join(tmpdir(), randomName('pgbouncer'));
  const env = { ...process.env, PGBOUNCER_PORT: String(port), PGBOUNCER_DIR: dir };
  const script = (command: string) => run('bash', [SCRIPT, command], { env, timeout: 120_000 }).then(() => undefined);
  await script('start');
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: () => script('restart'),
    stop: async () => {
      await script('stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
