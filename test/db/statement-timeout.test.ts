// A statement outside any transaction that outruns statementTimeoutMs ends with StatementTimeoutError (retryable)
// and the next session works; the session's counters say which limit was hit.
import { describe, expect, it } from 'vitest';
import { StatementTimeoutError } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';

describe.each(targets)('statement timeout ($name)', (target) => {
  const h = useTarget(target);

  it('ends a long autocommit statement with StatementTimeoutError; the next session works', async () => {
    // Prepare
    const db = h().createDb({ statementTimeoutMs: 150, lockTimeoutMs: 150, poolMax: 1 });
    // A running statement can only be stopped by a server that runs it elsewhere: PGlite runs it on this thread.
    if (!supports(target, 'concurrentConnections', db)) return;

    // Act
    const err = await db.session((s) => s.query('SELECT pg_sleep(5)')).catch((e: unknown) => e);
    const next = await db.session((s) => s.query<{ ok: number }>('SELECT 1 AS ok'));

    // Assess
    expect(err).toBeInstanceOf(StatementTimeoutError);
    expect(err).toMatchObject({ code: 'STATEMENT_TIMEOUT', kind: 'statement', retryable: true });
    expect(next.rows).toEqual([{ ok: 1 }]);
    expect(db.stats().layer.timeouts.statement).toBe(1);
    expect(db.stats().pool).toMatchObject({ acquired: 0, leaks: 0 });
  });
});
