// Server-side timeouts are set inside each transaction, in the BEGIN round trip, clamped to the time the
// transaction has left, and do not outlive it: the pooled connection is back to its session values after.
import { describe, expect, it } from 'vitest';
import type { Session, Transaction } from '../../lib/db';
import { startCountingProxy } from '../support/counting-proxy';
import { supports, targets, tcpOf, useTarget } from '../support/drivers';

type Timeouts = { statement: number; lock: number; idle: number };

const CONFIG = { statementTimeoutMs: 5_000, lockTimeoutMs: 2_000, idleInTransactionTimeoutMs: 8_000, transactionTimeoutMs: 20_000 };

async function timeouts(on: Session | Transaction): Promise<Timeouts> {
  const { rows } = await on.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout')",
  );
  const of = (name: string) => Number(rows.find((r) => r.name === name)!.setting);
  return { statement: of('statement_timeout'), lock: of('lock_timeout'), idle: of('idle_in_transaction_session_timeout') };
}

describe.each(targets)('server-side timeouts ($name)', (target) => {
  const h = useTarget(target);

  it('are the configured values inside a transaction and the session values again after it', async () => {
    // Prepare: one pooled connection, so every statement below runs on it
    const db = h().createDb({ ...CONFIG, poolMax: 1 });
    if (!supports(target, 'interactiveTransactions', db)) return;

    // Act
    const seen = await db.session(async (s) => ({
      before: await timeouts(s),
      inside: await s.transaction((tx) => timeouts(tx)),
      after: await timeouts(s),
    }));

    // Assess
    expect(seen.inside).toEqual({ statement: 5_000, lock: 2_000, idle: 8_000 });
    expect(seen.after).toEqual(seen.before);
    expect(db.stats().pool.created).toBe(1);
  });

  it('are clamped to the time the transaction has left', async () => {
    // Prepare
    const db = h().createDb({ ...CONFIG, poolMax: 1 });
    if (!supports(target, 'interactiveTransactions', db)) return;

    // Act: a 3 s transaction cannot let a statement (5 s) or an idle spell (8 s) outlive it
    const seen = await db.session(async (s) => ({
      inside: await s.transaction((tx) => timeouts(tx), { timeoutMs: 3_000 }),
      after: await timeouts(s),
      before: await timeouts(s),
    }));

    // Assess
    expect(seen.inside.lock).toBe(2_000);
    for (const clamped of [seen.inside.statement, seen.inside.idle]) {
      expect(clamped).toBeLessThanOrEqual(3_000);
      expect(clamped).toBeGreaterThan(2_000);
    }
    expect(seen.after).toEqual(seen.before);
  });

  it('are clamped to the session deadline when it comes first', async () => {
    // Prepare
    const db = h().createDb({ ...CONFIG, poolMax: 1 });
    if (!supports(target, 'interactiveTransactions', db)) return;

    await db.session((s) => s.query('SELECT 1')); // opened first: the deadline is for the transaction alone

    // Act
    const inside = await db.session((s) => s.transaction((tx) => timeouts(tx)), { deadline: Date.now() + 1_500 });

    // Assess
    expect(inside.statement).toBeLessThanOrEqual(1_500);
    expect(inside.statement).toBeGreaterThan(500);
    expect(inside.lock).toBe(inside.statement);
    expect(inside.idle).toBe(inside.statement);
  });

  it('cost no extra round trip: BEGIN and its SET LOCALs travel together', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const tcp = tcpOf(h());
    const proxy = await startCountingProxy(tcp.endpoint);
    try {
      const db = h().createDb({ ...CONFIG, ...tcp.via({ host: '127.0.0.1', port: proxy.port }), poolMax: 1 });
      await db.session((s) => s.query('SELECT 1')); // the connection is open and warm
      const before = proxy.roundTrips;

      // Act
      await db.session((s) => s.transaction((tx) => tx.query('SELECT 1')));

      // Assess: BEGIN (+ SET LOCALs), the statement, COMMIT
      expect(proxy.roundTrips - before).toBe(3);
    } finally {
      await proxy.close();
    }
  });
});
