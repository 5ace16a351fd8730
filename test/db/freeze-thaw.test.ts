// Freeze/thaw: after a pooled connection went silently dead (no FIN, no RST: a frozen Lambda, a dropped path),
// the next session still succeeds: the stale connection is pinged, fails validation within
// validationTimeoutMs and is replaced. Nothing hangs; a statement on a frozen socket ends at its timeout.
import { afterEach, describe, expect, it } from 'vitest';
import { StatementTimeoutError } from '../../lib/db';
import { supports, targets, tcpOf, useTarget } from '../support/drivers';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pid = (s: { query: <R>(t: string) => Promise<{ rows: R[] }> }) => s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((r) => r.rows[0]!.pid);

describe.each(targets)('freeze and thaw ($name)', (target) => {
  const h = useTarget(target);
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  async function frozenSetup(overrides: Parameters<ReturnType<typeof h>['createDb']>[0] = {}) {
    const tcp = tcpOf(h());
    proxy = await startTcpProxy(tcp.endpoint);
    const db = h().createDb({ ...tcp.via({ host: '127.0.0.1', port: proxy.port }), poolMax: 1, ...overrides });
    return { db, proxy };
  }

  it('replaces a silently dead pooled connection on the next session', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const { db, proxy } = await frozenSetup({ validateAfterIdleMs: 200, validationTimeoutMs: 300 });
    const before = await db.session((s) => pid(s));
    proxy.pause();
    await sleep(300); // idle longer than validateAfterIdleMs, as after a freeze

    // Act: the deadline bounds the test: a hang would surface as DeadlineExceededError, not as a stuck run
    const after = await db.session((s) => pid(s), { deadline: Date.now() + 5_000 });

    // Assess (behind a pooler the new connection may well reach the same server backend: compare connections, not pids)
    expect(after).toEqual(expect.any(Number));
    expect(before).toEqual(expect.any(Number));
    expect(db.stats().layer.staleReplaced).toBe(1);
    expect(db.stats().pool).toMatchObject({ created: 2, destroyed: 1, errors: 1, acquired: 0 });
    expect(proxy.connections()).toBe(2); // the frozen one (held open by the proxy) and its replacement
  });

  it('opens new connections through the proxy while the old ones stay frozen', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const { db, proxy } = await frozenSetup({ poolMax: 2 });
    const first = await db.session((s) => pid(s));
    proxy.pause();

    // Act: a second database on the same proxy has no pooled connection: it opens a new one
    const other = h().createDb({ ...tcpOf(h()).via({ host: '127.0.0.1', port: proxy.port }) });
    const second = await other.session((s) => pid(s), { deadline: Date.now() + 5_000 });

    // Assess
    expect([first, second]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(other.stats().pool.created).toBe(1);
    expect(proxy.connections()).toBe(2);
    expect(db.stats().pool.idle).toBe(1);
  });

  it('ends a statement whose socket freezes mid-flight at its timeout; the next session works', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const { db, proxy } = await frozenSetup({ statementTimeoutMs: 300, lockTimeoutMs: 300 });
    await db.session((s) => s.query('SELECT 1'));
    proxy.pause();

    // Act
    const outcome = await db.session((s) => s.query('SELECT 1'), { deadline: Date.now() + 5_000 }).catch((e: unknown) => e);
    const next = await db.session((s) => s.query<{ ok: number }>('SELECT 1 AS ok'), { deadline: Date.now() + 5_000 });

    // Assess: no server answers a frozen socket, so the client guard ends it and destroys the connection
    expect(outcome).toBeInstanceOf(StatementTimeoutError);
    expect(outcome).toMatchObject({ sqlstate: undefined, limitMs: 300 });
    expect(next.rows).toEqual([{ ok: 1 }]);
    expect(db.stats().pool.destroyed).toBe(1);
  });
});
