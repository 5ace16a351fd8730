// CPU pinning: on a small shared machine the scheduler decides a loopback round trip's latency by where it puts the
// PostgreSQL backend relative to the client (same core ~22 us per SELECT 1, the other ~100 us), and two identical raw
// pools measured side by side differed by up to 1.40x. With the client pinned to one CPU and every backend a benchmark
// uses pinned to a fixed CPU, the same A/A ratio is 1.00 +- 0.02. Pinning uses taskset (root may pin the server's
// processes); where it is not possible, the run says so and goes on unpinned.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The CPU the benchmark process runs on (BENCH_CLIENT_CPU, default the last one). */
export const CLIENT_CPU = cpuSetting('BENCH_CLIENT_CPU');
/** The CPU every server-side process of a benchmark runs on (BENCH_SERVER_CPU, default the client's). */
export const SERVER_CPU = cpuSetting('BENCH_SERVER_CPU', CLIENT_CPU);

const notes = new Set<string>();
/** Notes about the whole run (the client, the delay proxy): repeated with every suite's table. */
const standing = new Set<string>();
const pinned = new Set<number>();

function cpuSetting(name: string, fallback?: number): number {
  const raw = process.env[name];
  const cpus = os.cpus().length;
  if (raw === undefined || raw === '') return fallback ?? cpus - 1;
  const cpu = Number(raw);
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= cpus) throw new Error(`${name} must be a CPU number 0..${cpus - 1}, got "${raw}"`);
  return cpu;
}

/** Pins a process (every thread with `allThreads`) to a CPU; returns why not when it cannot. */
export function pinProcess(pid: number, cpu: number, allThreads = false): string | undefined {
  try {
    execFileSync('taskset', [...(allThreads ? ['-a'] : []), '-p', '-c', String(cpu), String(pid)], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    return e.code === 'ENOENT' ? 'taskset not installed' : (e.stderr?.toString().trim() || (err as Error).message).split('\n')[0];
  }
}

/** Pins this process, all its threads (threads started later inherit it), to CLIENT_CPU. */
export function pinClient(): void {
  const why = pinProcess(process.pid, CLIENT_CPU, true);
  standing.add(why ? `client NOT pinned (${why})` : `client pinned to CPU ${CLIENT_CPU}`);
}

/**
 * Pins every backend connected to `database` (ours, the raw baselines', a pooler's or an HTTP peer's server
 * connections alike) and the extra processes given (a pooler, a proxy) to SERVER_CPU. Call it after connections are
 * open (after a warm-up); already pinned pids are skipped.
 */
export async function pinServerSide(database: string, extraPids: readonly number[] = []): Promise<void> {
  let backends: number[];
  try {
    // Imported here, not at the top: test/support/postgres.ts reads TEST_PG_PORT once, and bench/run.ts sets it
    // (the latency dimension) after this module is loaded.
    const { adminQuery } = await import('../../test/support/postgres');
    backends = (await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])).map((r) => r.pid);
  } catch (err) {
    notes.add(`backends NOT pinned: cannot list them (${(err as Error).message})`);
    return;
  }
  const fresh = [...backends, ...extraPids].filter((pid) => !pinned.has(pid));
  for (const pid of fresh) {
    const why = pinProcess(pid, SERVER_CPU);
    if (why) notes.add(`server process ${pid} NOT pinned (${why})`);
    else pinned.add(pid);
  }
  if (pinned.size > 0) notes.add(`backends and server-side processes pinned to CPU ${SERVER_CPU}`);
  if (backends.length === 0) notes.add(`no backend found on ${database} to pin (an HTTP peer may connect later)`);
}

/** Says so in the output (a figure from an unpinned process is not comparable across runs); `run`: for every suite. */
export function notePinning(note: string, run = false): void {
  (run ? standing : notes).add(note);
}

/** What pinning did (printed with each table); the suite's own notes are then forgotten. */
export function takePinningNotes(): string[] {
  const out = [...standing, ...notes];
  notes.clear();
  pinned.clear(); // pids are reused: the next suite pins what it finds
  return out;
}
