// What a soil run leaves behind, as one comparable line: the sides of a comparison must do the same work,
// so each side's end state is checked against the others' before anything is timed.
import type { Sql } from '../../lib/validator';

/** Digest of soil history (without surrogate ids), score rows and the predictions left. */
export async function soilEndState(q: Sql): Promise<string> {
  const res = await q.query<{ history: number; history_md5: string | null; scores_md5: string | null; predictions_left: number }>(
    `SELECT
       (SELECT count(*)::int FROM soil_history) AS history,
       (SELECT md5(string_agg(concat_ws('|', region_id, miner_uid, miner_hotkey, target_time, surface_sm_pred, rootzone_sm_pred,
                                        surface_sm_truth, rootzone_sm_truth, surface_rmse, rootzone_rmse, score, scored_at),
                              ',' ORDER BY region_id, miner_uid, target_time)) FROM soil_history) AS history_md5,
       (SELECT md5(string_agg(concat_ws('|', task_name, task_id, task_time, score, status, created_at), ',' ORDER BY task_name, task_id))
          FROM score_rows) AS scores_md5,
       (SELECT count(*)::int FROM soil_predictions) AS predictions_left`,
  );
  const r = res.rows[0]!;
  return `history ${r.history} (${r.history_md5}), score rows ${r.scores_md5}, predictions left ${r.predictions_left}`;
}

/** Throws unless every side ended in the same state. */
export function assertSameEndState(states: Record<string, string>): void {
  const distinct = new Set(Object.values(states));
  if (distinct.size > 1) {
    const lines = Object.entries(states).map(([side, state]) => `  ${side}: ${state}`);
    throw new Error(`the compared sides did not do the same work:\n${lines.join('\n')}`);
  }
}
