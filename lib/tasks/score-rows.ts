// Rebuilding score rows from history, shared by the scoring steps: each time's row is recomputed from ALL its
// history (every earlier chunk and run), so re-running a chunk never double-counts. Locked first, so concurrent
// chunks writing the same time cannot lose each other's rows.
import { lockScoreRows, upsertScoreRows, type Sql, type TaskName } from '../validator';

export type ScoreHistory<E> = {
  task: TaskName;
  /** The history entries of these times (none for a time whose rewrite waits). */
  load: (tx: Sql, times: readonly Date[]) => Promise<E[]>;
  /** The time an entry belongs to. */
  timeOf: (entry: E) => Date;
  /** One time's entries -> its score row (256 scores by uid). */
  score: (entries: E[]) => ArrayLike<number>;
};

/** Rewrites the score rows of `times` (distinct) that the history load returns entries for; returns the rows written. */
export async function rewriteScoreRows<E>(tx: Sql, history: ScoreHistory<E>, times: Date[], now: Date): Promise<number> {
  if (times.length === 0) return 0;
  await lockScoreRows(tx, history.task, times);
  const byTime = new Map<number, E[]>();
  for (const e of await history.load(tx, times)) {
    const t = history.timeOf(e).getTime();
    let group = byTime.get(t);
    if (!group) byTime.set(t, (group = []));
    group.push(e);
  }
  // A time without entries is left as it is: nothing of it is scored yet, or its load defers it.
  const rows = times
    .filter((t) => byTime.has(t.getTime()))
    .map((t) => ({ taskName: history.task, taskTime: t, score: history.score(byTime.get(t.getTime())!), createdAt: now }));
  return rows.length === 0 ? 0 : upsertScoreRows(tx, rows);
}
