// What the chaos load sends, built in ONE place: request i of a scenario and the write it asks for, so that every
// acknowledged write can be found again and every refused one looked for. Miner submissions are signed by the
// project's miner client (dev/miner, Epistula v2, dev keys) for the geo hour open now by the server's clock; one
// request in four, and every request in the last seconds of a window, is an admin ground-truth write instead.
//
// Keys: a miner has one prediction per open hour, so submitter k of n owns the miners uid = k (mod n) and sends
// to them one after another: the writes to a key are ordered, and the value stored must be the last acknowledged
// one (or a later one whose answer was lost). Every truth write has a key of its own.
import { devKeypair, devMiner } from '../../../dev/miner/keys';
import { MinerClient, type MinerRequest, type Transport } from '../../../dev/miner/client';
import { nextGeoHour } from '../../../lib/validator';
import { invoke, type HttpHandler } from '../../support/apigw';
import type { Container } from './containers';

export const ADMIN_TOKEN = 'chaos-admin-token-0123456789abcdef';
/** The validator the miners sign for (VALIDATOR_HOTKEY of the containers). */
export const VALIDATOR = devKeypair('chaos/validator');
export const MINERS = 256;

const HOUR = 3_600_000;
/** Truth far from any open hour (storing an hour's truth closes its submissions). */
const TRUTH_EPOCH = Date.UTC(2010, 0, 1);
/** One request in TRUTH_EVERY is an admin write. */
const TRUTH_EVERY = 4;
/** A submission built this close to the end of its window could arrive after it closed: send truth instead. */
const WINDOW_MARGIN_MS = 15_000;

export type Write = { table: 'geo_predictions' | 'geo_truth'; key: string; value: number };
/** Request i, the k-th of its submitter (of n submitters). */
export type Slot = { i: number; submitter: number; submitters: number; seq: number };
export type Answer = { status: number; json: any };
export type PlannedRequest = { i: number; write: Write; send(c: Container, remainingMs: number): Promise<Answer> };

export const predictionKey = (uid: number, hourMs: number) => `${uid}@${hourMs}`;
export const truthKey = (hourMs: number) => `truth@${hourMs}`;

export function buildRequest(slot: Slot, now = new Date()): PlannedRequest {
  const { i } = slot;
  const hour = nextGeoHour(now);
  if (i % TRUTH_EVERY === TRUTH_EVERY - 1 || hour.getTime() - now.getTime() < WINDOW_MARGIN_MS) {
    const truthHour = TRUTH_EPOCH + i * HOUR;
    const rawDst = (i % 2_001) - 1_000; // nT, within the accepted |Dst| <= 1000
    return {
      i,
      write: { table: 'geo_truth', key: truthKey(truthHour), value: rawDst / 100 },
      send: (c, remainingMs) =>
        invoke(c.groundTruthGeo, 'POST /ground-truth/geo', { json: { rows: [{ hour: new Date(truthHour).toISOString(), dst: rawDst }] }, token: ADMIN_TOKEN, remainingMs }),
    };
  }
  const uid = minerOf(slot);
  const value = i + 0.25; // unique per request, exact in float8
  return {
    i,
    write: { table: 'geo_predictions', key: predictionKey(uid, hour.getTime()), value },
    send: (c, remainingMs) => new MinerClient(devMiner(uid), VALIDATOR.address, into(c.geoPredictions, remainingMs)).submitGeo({ queryTime: hour, value }),
  };
}

/** The submitter's miners in turn: uid = submitter (mod submitters). */
function minerOf({ submitter, submitters, seq }: Slot): number {
  const owned = Math.ceil((MINERS - (submitter % MINERS)) / submitters);
  return (submitter % MINERS) + submitters * (seq % Math.max(1, owned));
}

/** The miner client's requests handed to one handler as API Gateway events with the invocation's remaining time. */
function into(handler: HttpHandler, remainingMs: number): Transport {
  return async (req: MinerRequest) => {
    const res = await invoke(handler, `${req.method} ${req.path}`, { body: req.body, headers: req.headers, remainingMs });
    return { status: res.status, json: res.json };
  };
}

/** The metagraph every scenario's database starts with (PUT /miners): the dev keyring's miners. */
export function minersRequest(): { route: string; options: { json: unknown; token: string } } {
  const miners = Array.from({ length: MINERS }, (_, uid) => ({ uid, hotkey: devMiner(uid).address }));
  return { route: 'PUT /miners', options: { json: { miners }, token: ADMIN_TOKEN } };
}
