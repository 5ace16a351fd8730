// The HTTP drivers' knowledge of the role's session defaults (lib/db/drivers/role-defaults.ts): what a transaction
// must send, from "everything plus a read" to nothing; anything unknown, unreadable or old means "send".
import { describe, expect, it } from 'vitest';
import { ROLE_DEFAULTS_MAX_AGE_MS, RoleDefaults } from '../../lib/db/drivers/role-defaults';

const LIMITS = { statementMs: 10_000, lockMs: 3_000, idleInTransactionMs: 10_000 };
const ROLE = 'idle_in_transaction_session_timeout=10000,lock_timeout=3000,statement_timeout=10000';

function defaults(clock = { now: 0 }) {
  return { clock, role: new RoleDefaults(['statementMs', 'lockMs', 'idleInTransactionMs'], () => clock.now) };
}

describe('RoleDefaults', () => {
  it('sends every limit and reads the defaults while they are unknown', () => {
    // Act
    const st = defaults().role.statementFor(LIMITS);

    // Assess
    expect(st?.readsDefaults).toBe(true);
    expect(st?.sql).toContain("set_config('statement_timeout', '10000', true)");
    expect(st?.sql).toContain("set_config('lock_timeout', '3000', true)");
    expect(st?.sql).toContain("set_config('idle_in_transaction_session_timeout', '10000', true)");
    expect(st?.sql).toMatch(/reset_val.*pg_settings.*AS role_timeouts$/);
  });

  it('sends nothing once the defaults equal the limits, and only the differing ones otherwise', () => {
    // Prepare
    const { role } = defaults();
    role.record(ROLE);

    // Act
    const same = role.statementFor(LIMITS);
    const clamped = role.statementFor({ ...LIMITS, statementMs: 900.7, idleInTransactionMs: 900 });

    // Assess
    expect(same).toBeUndefined();
    expect(clamped).toEqual({
      sql: "SELECT set_config('statement_timeout', '900', true), set_config('idle_in_transaction_session_timeout', '900', true)",
      readsDefaults: false,
    });
  });

  it('treats off (0) and missing defaults as different, and reads unreadable ones again', () => {
    // Prepare
    const off = defaults().role;
    off.record('idle_in_transaction_session_timeout=0,lock_timeout=0,statement_timeout=0');
    const partial = defaults().role;
    partial.record('statement_timeout=10000');
    const garbage = defaults().role;
    garbage.record(null);

    // Act + Assess
    expect(off.statementFor(LIMITS)?.sql.match(/set_config/g)).toHaveLength(3);
    expect(partial.statementFor(LIMITS)?.sql).not.toContain('statement_timeout');
    expect(partial.statementFor(LIMITS)?.sql.match(/set_config/g)).toHaveLength(2);
    expect(garbage.statementFor(LIMITS)?.readsDefaults).toBe(true);
    expect(garbage.statementFor(LIMITS)?.sql.match(/set_config/g)).toHaveLength(3);
  });

  it('reads the defaults again once they are older than the maximum age', () => {
    // Prepare
    const { role, clock } = defaults({ now: 1_000 });
    role.record(ROLE);

    // Act
    clock.now += ROLE_DEFAULTS_MAX_AGE_MS - 1;
    const fresh = role.statementFor(LIMITS);
    clock.now += 1;
    const old = role.statementFor(LIMITS);

    // Assess
    expect(fresh).toBeUndefined();
    expect(old?.readsDefaults).toBe(true);
  });

  it('sets only the limits its driver sets', () => {
    // Prepare: neon-http's batch is one request; idle-in-transaction never applies to it.
    const role = new RoleDefaults(['statementMs', 'lockMs']);
    role.record('lock_timeout=3000,statement_timeout=10000');

    // Act + Assess
    expect(role.statementFor({ ...LIMITS, idleInTransactionMs: 1 })).toBeUndefined();
  });
});
