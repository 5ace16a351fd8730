// The liveness answer of GET /health: is the database reachable, and is its schema the one the code needs? One
// statement (the read of the newest applied migration) on the caller's session, remembered per container for a
// few seconds so the database's load does not grow with whoever polls; concurrent callers share one check.
import { isDbError } from '../errors';
import { assertSchemaCurrent, lastAppliedMigration, type MigrationMark } from '../schema-version';
import type { Session } from '../session';
import type { LivenessSettings } from './settings';

export type Liveness = {
  /** ok: the database answered and has the schema the code needs. */
  status: 'ok' | 'failing';
  checkedAt: string;
  /** How old the answer is (0 for a fresh check, up to the cache time for a remembered one). */
  ageMs: number;
  database: { reachable: boolean; rttMs: number | null; error: string | null };
  /** `current` is null when the database could not be read, or the code names no migration. */
  schema: { required: string | null; current: boolean | null };
};

/** What runs the statement: the invocation's session. */
type Reader = Pick<Session<Record<string, unknown>>, 'query'>;

export type LivenessProbe = {
  /**
   * The remembered answer while it is fresh, else a new check on `session` (one round trip). `required` is the
   * newest migration the code needs (the database's requiredMigration); without one, the statement is SELECT 1.
   */
  check(session: Reader, required: MigrationMark | undefined): Promise<Liveness>;
};

type Checked = Omit<Liveness, 'ageMs'> & { at: number };

export function livenessProbe(settings: LivenessSettings, now: () => number = Date.now): LivenessProbe {
  let last: Checked | undefined;
  let running: Promise<Checked> | undefined;
  const answer = (c: Checked): Liveness => {
    const { at, ...rest } = c;
    return { ...rest, ageMs: Math.max(0, now() - at) };
  };
  return {
    async check(session, required) {
      if (last && now() - last.at < settings.cacheMs) return answer(last);
      running ??= probe(session, required, now).finally(() => (running = undefined));
      last = await running;
      return answer(last);
    },
  };
}

async function probe(session: Reader, required: MigrationMark | undefined, now: () => number): Promise<Checked> {
  const at = now();
  const started = performance.now();
  const base = { at, checkedAt: new Date(at).toISOString() };
  try {
    let applied: number | null = null;
    if (required) applied = await lastAppliedMigration(session);
    else await session.query('SELECT 1');
    const rttMs = Math.round((performance.now() - started) * 100) / 100;
    let current: boolean | null = null;
    if (required) {
      try {
        assertSchemaCurrent(applied, required);
        current = true;
      } catch {
        current = false;
      }
    }
    return {
      ...base,
      status: current === false ? 'failing' : 'ok',
      database: { reachable: true, rttMs, error: null },
      schema: { required: required?.tag ?? null, current },
    };
  } catch (err) {
    // Only the error's code: the answer is public.
    return {
      ...base,
      status: 'failing',
      database: { reachable: isDbError(err) && err.sqlstate !== undefined, rttMs: null, error: isDbError(err) ? err.code : 'UNKNOWN' },
      schema: { required: required?.tag ?? null, current: null },
    };
  }
}
