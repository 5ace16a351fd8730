// `npm start`: the local server. Routes and schedules of lib/app/functions.ts on the same handlers Lambda runs,
// on PGlite in .data/pglite (or on DATABASE_URL when set), migrations applied on start.
//   PORT (default 3000; 0 = any free port), DATA_DIR (default .data), DATABASE_URL, ADMIN_TOKEN, VALIDATOR_HOTKEY,
//   DEV_TIMERS=off to run the schedules only on demand (POST /_dev/jobs/<name>, with the admin token).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalServer } from './server/app';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(`[dev] ${line}`);

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be an integer 0..65535; got "${raw}"`);
  return port;
}

async function main(): Promise<void> {
  const server = await startLocalServer({
    root,
    port: portFromEnv(process.env.PORT),
    dataDir: process.env.DATA_DIR || '.data',
    timers: process.env.DEV_TIMERS !== 'off',
    log,
  });
  log(`database: ${server.database}`);
  log(`admin token: from ${server.adminTokenSource}`);
  log(`validator hotkey (miners sign for it): ${server.validatorHotkey}, from ${server.validatorHotkeySource}`);
  if (server.dataDirWarning) log(`warning: ${server.dataDirWarning}`);
  log('routes:');
  for (const r of server.routes) log(`  ${r.key.padEnd(24)} ${r.admin ? 'admin ' : r.miner ? 'signed' : '      '} ${r.served ? r.handler : `(not served: ${r.handler} missing)`}`);
  log('jobs (POST /_dev/jobs/<name> with the admin token runs one now):');
  for (const j of server.jobs) {
    log(`  ${j.name.padEnd(8)} every ${j.everyMs / 60_000} min  ${j.served ? j.handler : `(not served: ${j.handler} missing)`}`);
  }
  // Last, on its own line: tools (and the tests) wait for it.
  console.log(`listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`[dev] failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
