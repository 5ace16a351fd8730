// Role defaults for the layer's timeouts in ONE database (ALTER ROLE ... IN DATABASE): never a global ALTER ROLE on
// the shared server. Dropping the database drops them with it.
import { SETTING_NAMES, type TimeoutSetting } from '../../lib/db/drivers/role-defaults';
import { adminQuery, createTestDatabase, PG_USER, type TestDatabase } from './postgres';

export type Limits = Partial<Record<TimeoutSetting, number>>;

/** New sessions of the test role in `database` get these limits (ms), as a deployment following docs/OPERATIONS.md. */
export async function setRoleTimeouts(database: string, timeouts: Limits): Promise<void> {
  for (const [setting, ms] of Object.entries(timeouts) as [TimeoutSetting, number][]) {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new TypeError(`timeout must be a non-negative integer of ms, got ${ms}`);
    await adminQuery(`ALTER ROLE "${PG_USER}" IN DATABASE "${database}" SET ${SETTING_NAMES[setting]} = ${ms}`);
  }
}

/**
 * Two databases with `table`: one whose role defaults are `limits`, one without. Call before any peer connects to
 * them: role defaults reach new sessions only.
 */
export async function withAndWithoutRoleTimeouts(prefix: string, limits: Limits, table: string): Promise<{ withDefaults: TestDatabase; plain: TestDatabase }> {
  const withDefaults = await createTestDatabase(`${prefix}_roledef`);
  const plain = await createTestDatabase(`${prefix}_noroledef`);
  await setRoleTimeouts(withDefaults.name, limits);
  for (const tdb of [withDefaults, plain]) await adminQuery(table, [], tdb.name);
  return { withDefaults, plain };
}

/** A SHOW / current_setting() value of a timeout ('1500ms', '5s', '0') in ms. */
export function settingMs(setting: string): number {
  const m = /^(\d+)(ms|s|min)?$/.exec(setting);
  if (!m) throw new Error(`unexpected setting ${setting}`);
  return Number(m[1]) * ({ ms: 1, s: 1_000, min: 60_000 }[m[2] ?? 'ms'] ?? 1);
}
