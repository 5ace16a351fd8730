// syncMetagraph: one batched upsert of up to 256 slots; bad input is refused before anything is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, decodeSs58, encodeSs58, listMiners, minerByHotkey, syncMetagraph } from '../../lib/validator';
import { captureLogger } from '../support/logger';
import { counts, hotkeyOf, minerRows, pgHarness, range, type Harness } from './fixtures';

let h: Harness;
const log = captureLogger();
beforeAll(async () => {
  h = await pgHarness('miners_sync', { logger: log });
});
afterAll(async () => {
  await h.close();
});

const lastSummary = () => log.find('session summary').at(-1)!.fields as { queries: number; transactions: number };

describe('syncMetagraph', () => {
  it('upserts 256 slots with a fixed number of statements, then updates them in place', async () => {
    // Prepare
    const rows = minerRows(range(256));
    // Act
    const first = await h.db.session((s) => syncMetagraph(s, rows));
    const firstStatements = lastSummary();
    const second = await h.db.session((s) => syncMetagraph(s, rows.map((r) => ({ ...r, stake: 5_000 + r.uid, ip: '10.0.0.1' }))));
    // Assess: BEGIN, deregister, upsert, COMMIT, and the purge's look at its (empty) outbox: 5 round trips, not 256
    expect(first).toEqual({ upserted: 256, deregistered: [] });
    expect(firstStatements.queries).toBe(5);
    expect(firstStatements.transactions).toBe(1);
    expect(second).toEqual({ upserted: 256, deregistered: [] });
    const miners = await h.session((s) => listMiners(s));
    expect(miners).toHaveLength(256);
    expect(miners.map((m) => m.uid)).toEqual(range(256));
    expect(miners[42]).toMatchObject({ uid: 42, hotkey: hotkeyOf(42), coldkey: 'cold42', stake: 5_042, ip: '10.0.0.1', port: null });
    expect(miners[42]!.lastUpdated).toBeInstanceOf(Date);
    // Each slot's public key, decoded from its hotkey: what signed requests are matched on.
    expect(Buffer.from(miners[42]!.publicKey!)).toEqual(Buffer.from(decodeSs58(hotkeyOf(42)).publicKey));
  });

  it('finds a miner by hotkey, or nothing', async () => {
    // Act
    const found = await h.session((s) => minerByHotkey(s, hotkeyOf(7)));
    const missing = await h.session((s) => minerByHotkey(s, 'nobody'));
    // Assess
    expect(found?.uid).toBe(7);
    expect(missing).toBeUndefined();
  });

  it.each([
    ['more than 256 rows', () => minerRows(range(257))],
    ['a duplicate uid', () => [...minerRows([1, 2]), { uid: 1, hotkey: hotkeyOf(9) }]],
    ['a duplicate hotkey', () => [{ uid: 1, hotkey: hotkeyOf(1) }, { uid: 2, hotkey: hotkeyOf(1) }]],
    ['one key under two network prefixes', () => [{ uid: 1, hotkey: hotkeyOf(1) }, { uid: 2, hotkey: encodeSs58(decodeSs58(hotkeyOf(1)).publicKey, 0) }]],
    ['a uid out of range', () => minerRows([255, 256])],
    ['an empty hotkey', () => [{ uid: 3, hotkey: ' ' }]],
    ['a hotkey that is not an ss58 address', () => [{ uid: 3, hotkey: 'not-an-address' }]],
    ['an ss58 address with a bad checksum', () => [{ uid: 3, hotkey: `${hotkeyOf(3).slice(0, -1)}${hotkeyOf(3).endsWith('a') ? 'b' : 'a'}` }]],
    ['a non-finite stake', () => [{ uid: 3, hotkey: hotkeyOf(3), stake: Number.NaN }]],
  ])('refuses %s with BadInputError and writes nothing', async (_name, rows) => {
    // Prepare
    const before = await h.session((s) => listMiners(s));
    const tableCounts = await h.session((s) => counts(s));
    // Act
    const err = await h.session((s) => syncMetagraph(s, rows())).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(BadInputError);
    expect(await h.session((s) => listMiners(s))).toEqual(before);
    expect(await h.session((s) => counts(s))).toEqual(tableCounts);
  });
});
