// Signed miner requests through the real handlers (Epistula v2), run on each database with the routes suite:
// who may submit, replays, the validator's own hotkey, API Gateway's base64 bodies. Every refusal writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSs58 } from '../../lib/validator';
import { devKeypair } from '../../dev/miner/keys';
import { invoke, type HttpHandler, type RequestOptions } from '../support/apigw';
import { ADMIN, hotkeyFor, keypairFor, loadRouteHandlers, openGeoHour, TEST_VALIDATOR } from '../support/api-fixtures';
import type { SuiteDatabase } from './suite-databases';

export function trustSuite(name: string, open: () => Promise<SuiteDatabase>): void {
  describe(`signed miner requests on ${name}`, () => {
    let db: SuiteDatabase;
    let h: Record<string, HttpHandler>;
    let hour: Date;
    const miner = keypairFor(30);
    const key = 'POST /geo/predictions';
    const geo = (o: RequestOptions = {}, value = 1.25) => invoke(h[key]!, key, { json: { queryTime: hour.toISOString(), value }, signer: miner, ...o });
    const written = async () =>
      (await db.sql<{ p: number; n: number }>('SELECT (SELECT count(*)::int FROM geo_predictions) AS p, (SELECT count(*)::int FROM request_nonces) AS n'))[0]!;

    beforeAll(async () => {
      process.env.ADMIN_TOKEN = ADMIN;
      process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
      db = await open();
      h = await loadRouteHandlers();
      const put = await invoke(h['PUT /miners']!, 'PUT /miners', { json: { miners: [{ uid: 30, hotkey: miner.address }] }, token: ADMIN });
      expect(put.status).toBe(200);
      hour = await openGeoHour(60_000);
    });
    afterAll(async () => {
      process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
      await db?.close();
    });

    it('an unsigned request is 401 naming the first missing header, with an Epistula challenge, and writes nothing', async () => {
      // Prepare
      const before = await written();
      // Act
      const res = await invoke(h[key]!, key, { json: { hotkey: miner.address, queryTime: hour.toISOString(), value: 1 } });
      // Assess
      expect(res.status).toBe(401);
      expect(res.json.error.message).toMatch(/^Epistula-Version: required/);
      expect(res.headers['www-authenticate']).toBe('Epistula version="2"');
      expect(await written()).toEqual(before);
    });

    it('a replayed request is 409 and changes nothing; the same prediction with a new uuid is accepted', async () => {
      // Prepare
      const uuid = crypto.randomUUID();
      const first = await geo({ sign: { uuid } }, 1);
      const before = await written();
      // Act
      const replay = await geo({ sign: { uuid } }, 1);
      const replayOtherBody = await geo({ sign: { uuid } }, 2);
      const fresh = await geo({}, 1);
      // Assess
      expect(first.status).toBe(201);
      expect(replay.status).toBe(409);
      expect(replay.json.error.message).toMatch(/^Epistula-Uuid: already used/);
      expect(replayOtherBody.status).toBe(409);
      expect(fresh.status).toBe(200);
      expect((await written()).n).toBe(before.n + 1);
    });

    it('a stale or future timestamp, or a request for another validator, is 401 and writes nothing', async () => {
      // Prepare
      const before = await written();
      // Act
      const stale = await geo({ sign: { timestampMs: Date.now() - 60_000 } });
      const future = await geo({ sign: { timestampMs: Date.now() + 60_000 } });
      const elsewhere = await geo({ sign: { signedFor: devKeypair('another validator').address } });
      // Assess
      expect([stale.status, future.status, elsewhere.status]).toEqual([401, 401, 401]);
      expect(stale.json.error.message).toMatch(/^Epistula-Timestamp: /);
      expect(elsewhere.json.error.message).toBe("Epistula-Signed-For: is not this validator's hotkey");
      expect(await written()).toEqual(before);
    });

    it('a registered key signing under another network prefix is that miner; the slot keeps its own hotkey text', async () => {
      // Act
      const polkadot = encodeSs58(miner.publicKey, 0);
      const res = await geo({ sign: { signedBy: polkadot }, json: { hotkey: polkadot, queryTime: hour.toISOString(), value: 3.5 } });
      // Assess
      expect(res.status).toBe(200);
      const rows = await db.sql<{ miner_hotkey: string; predicted_value: number }>('SELECT miner_hotkey, predicted_value FROM geo_predictions WHERE miner_uid = 30');
      expect(rows).toEqual([{ miner_hotkey: miner.address, predicted_value: 3.5 }]);
    });

    it('verifies the bytes API Gateway delivered base64-encoded (a binary content type)', async () => {
      // Act
      const res = await invoke(h[key]!, key, {
        body: Buffer.from(JSON.stringify({ queryTime: hour.toISOString(), value: 4.5 })),
        contentType: 'application/octet-stream',
        signer: miner,
      });
      // Assess
      expect(res.status).toBe(200);
      expect(await db.sql('SELECT predicted_value FROM geo_predictions WHERE miner_uid = 30')).toEqual([{ predicted_value: 4.5 }]);
    });

    it('admin routes take the bearer token, not a signature', async () => {
      // Act
      const res = await invoke(h['PUT /miners']!, 'PUT /miners', { json: { miners: [{ uid: 31, hotkey: hotkeyFor(31) }] }, signer: miner });
      // Assess
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('during a rotation (VALIDATOR_HOTKEY lists the new hotkey and the old), requests for either are accepted, for no other', async () => {
      // Prepare
      const next = devKeypair('test/next validator');
      process.env.VALIDATOR_HOTKEY = `${next.address}, ${TEST_VALIDATOR.address}`;
      // Act
      const forNew = await geo({ sign: { signedFor: next.address } }, 5);
      const forOld = await geo({}, 6);
      const forOther = await geo({ sign: { signedFor: devKeypair('another validator').address } }, 7);
      process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
      // Assess
      expect([forNew.status, forOld.status, forOther.status]).toEqual([200, 200, 401]);
    });

    it('without VALIDATOR_HOTKEY the miner routes are closed (503), never open', async () => {
      // Prepare
      delete process.env.VALIDATOR_HOTKEY;
      const before = await written();
      // Act
      const res = await geo();
      process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
      // Assess
      expect(res.status).toBe(503);
      expect(res.json.error.message).toContain('validator hotkey not configured');
      expect(await written()).toEqual(before);
    });
  });
}
