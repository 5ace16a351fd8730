// The metagraph: one batched upsert of up to 256 slots; a changed hotkey deregisters the old one.
import { eq } from 'drizzle-orm';
import { purgeDeregistrations } from './deregistration';
import { miners, UID_COUNT, type Miner } from './schema';
import { decodeSs58, keyHex, Ss58Error } from './ss58';
import { inTransaction, sessionOf, type Executor, type Sql } from './sql';
import type { MinerInput, SyncMetagraphResult } from './types';
import { checkBatch, checkFinite, checkInt, checkKey, checkOptional, checkUid, checkUnique, fail } from './validate';

export type SyncMetagraphOptions = {
  /** Deregistration time recorded for the purge (score rows created up to it get 0); default the server's now(). */
  now?: Date;
  /** Rows per purge transaction (default 1000). */
  purgeBatchSize?: number;
};

/**
 * Removes the slots whose hotkey changes (and any slot still holding a hotkey that now sits at another uid),
 * recording each in the deregistration outbox, in the same statement. The upsert that follows then never
 * trips the unique hotkey, whatever order the rows come in.
 */
const DEREGISTER_SQL = `
WITH input AS (SELECT uid, hotkey, decode(key, 'hex') AS public_key FROM unnest($1::int[], $2::text[], $4::text[]) AS i(uid, hotkey, key)),
gone AS (
  DELETE FROM miners m USING input i
  WHERE (m.uid = i.uid AND m.hotkey <> i.hotkey) OR (m.hotkey = i.hotkey AND m.uid <> i.uid)
     OR (m.public_key = i.public_key AND m.uid <> i.uid)
  RETURNING m.uid, m.hotkey)
INSERT INTO miner_deregistrations (uid, old_hotkey, deregistered_at)
SELECT uid, hotkey, COALESCE($3::timestamptz, now()) FROM gone
RETURNING uid, old_hotkey`;

const UPSERT_SQL = `
INSERT INTO miners (uid, hotkey, coldkey, ip, ip_type, port, incentive, stake, trust, vtrust, protocol, public_key, last_updated)
SELECT u.uid, u.hotkey, u.coldkey, u.ip, u.ip_type, u.port, u.incentive, u.stake, u.trust, u.vtrust, u.protocol,
       decode(u.key, 'hex'), COALESCE($13::timestamptz, now())
FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[],
            $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::int[], $12::text[])
  AS u(uid, hotkey, coldkey, ip, ip_type, port, incentive, stake, trust, vtrust, protocol, key)
ON CONFLICT (uid) DO UPDATE SET
  hotkey = excluded.hotkey, coldkey = excluded.coldkey, ip = excluded.ip, ip_type = excluded.ip_type,
  port = excluded.port, incentive = excluded.incentive, stake = excluded.stake, trust = excluded.trust,
  vtrust = excluded.vtrust, protocol = excluded.protocol, public_key = excluded.public_key, last_updated = excluded.last_updated`;

/**
 * Upserts up to 256 slots in one short transaction (two statements), then purges what the deregistered
 * hotkeys left behind in short batches (when given a session; inside a caller's transaction the purge is
 * left to the next sync or the cleanup step, which resume the outbox).
 */
export async function syncMetagraph(
  session: Executor,
  rows: readonly MinerInput[],
  options: SyncMetagraphOptions = {},
): Promise<SyncMetagraphResult> {
  checkBatch('miners', rows, UID_COUNT);
  rows.forEach((r, i) => checkMiner(`miners[${i}]`, r));
  checkUnique('miners: uid', rows, (r) => r.uid);
  checkUnique('miners: hotkey', rows, (r) => r.hotkey);
  // The public key of each hotkey: signed requests are matched on it. The same key under two prefixes is one account.
  const keys = rows.map((r, i) => publicKeyOf(`miners[${i}].hotkey`, r.hotkey));
  checkUnique('miners: hotkey public key', keys, (k) => k);
  if (rows.length === 0) return { upserted: 0, deregistered: [] };

  const now = options.now ?? null;
  const deregistered = await inTransaction(session, async (tx) => {
    const gone = await tx.query<{ uid: number; old_hotkey: string }>(DEREGISTER_SQL, [rows.map((r) => r.uid), rows.map((r) => r.hotkey), now, keys]);
    await tx.query(UPSERT_SQL, [...minerColumns(rows), keys, now]);
    return gone.rows.map((r) => ({ uid: r.uid, oldHotkey: r.old_hotkey }));
  });

  const s = sessionOf(session);
  if (s) await purgeDeregistrations(s, { batchSize: options.purgeBatchSize });
  return { upserted: rows.length, deregistered };
}

export async function listMiners(session: Executor): Promise<Miner[]> {
  return session.db.select().from(miners).orderBy(miners.uid);
}

export async function minerByHotkey(session: Executor, hotkey: string): Promise<Miner | undefined> {
  const rows = await session.db.select().from(miners).where(eq(miners.hotkey, hotkey)).limit(1);
  return rows[0];
}

/** The first (uid, hotkey) pair that is not a registered slot, or undefined when all are. */
export async function firstUnregistered(q: Sql, pairs: readonly { uid: number; hotkey: string }[]): Promise<{ uid: number; hotkey: string } | undefined> {
  const res = await q.query<{ uid: number; hotkey: string }>(
    `SELECT i.uid, i.hotkey FROM unnest($1::int[], $2::text[]) AS i(uid, hotkey)
     WHERE NOT EXISTS (SELECT 1 FROM miners m WHERE m.uid = i.uid AND m.hotkey = i.hotkey) LIMIT 1`,
    [pairs.map((p) => p.uid), pairs.map((p) => p.hotkey)],
  );
  return res.rows[0];
}

/** The hex public key of an ss58 hotkey; BadInputError when the text is not an ss58 address. */
function publicKeyOf(name: string, hotkey: string): string {
  try {
    return keyHex(decodeSs58(hotkey).publicKey);
  } catch (err) {
    if (err instanceof Ss58Error) fail(`${name} must be an ss58 address (${err.message})`);
    throw err;
  }
}

function checkMiner(name: string, r: MinerInput): void {
  if (typeof r !== 'object' || r === null) fail(`${name} must be an object`);
  checkUid(`${name}.uid`, r.uid);
  checkKey(`${name}.hotkey`, r.hotkey);
  checkOptional(`${name}.coldkey`, r.coldkey, checkKey);
  checkOptional(`${name}.ip`, r.ip, checkKey);
  for (const k of ['ipType', 'port', 'protocol'] as const) checkOptional(`${name}.${k}`, r[k], checkInt);
  for (const k of ['incentive', 'stake', 'trust', 'vtrust'] as const) checkOptional(`${name}.${k}`, r[k], checkFinite);
}

/** Column arrays for unnest, in UPSERT_SQL's order; absent values are NULL. */
function minerColumns(rows: readonly MinerInput[]): unknown[][] {
  const col = <K extends keyof MinerInput>(k: K) => rows.map((r) => r[k] ?? null);
  return [
    col('uid'), col('hotkey'), col('coldkey'), col('ip'), col('ipType'), col('port'),
    col('incentive'), col('stake'), col('trust'), col('vtrust'), col('protocol'),
  ];
}
