// Isolation between sessions: what one transaction has written but not committed is invisible to another
// session, and becomes visible once committed.
import { describe, expect, it } from 'vitest';
import { supports, targets, useTarget } from '../support/drivers';
import { gate } from '../support/gate';
import { randomName } from '../support/postgres';

describe.each(targets)('no dirty reads ($name)', (target) => {
  const h = useTarget(target);

  it('never shows another session an uncommitted write', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 2 });
    if (!supports(target, 'interactiveTransactions', db)) return;
    // Two sessions at once need two connections: PGlite's pool of one would make the reader wait for the writer.
    if (!supports(target, 'concurrentConnections', db)) return;
    const table = randomName('dr');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    const written = gate();
    const commit = gate();
    const count = () => db.session(async (s) => Number((await s.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n));

    // Act
    const writer = db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (1)`);
        written.open();
        await commit.promise;
      }),
    );
    await written.promise;
    const whileOpen = await count();
    commit.open();
    await writer;
    const afterCommit = await count();

    // Assess
    expect(whileOpen).toBe(0);
    expect(afterCommit).toBe(1);
  });
});
