// Test fixtures for the HTTP routes: the handlers of the table (imported after the environment is set, since the
// shared database reads it at first use), miners' hotkeys, grids and regions.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { routeKeyOf, routes } from '../../lib/app/functions';
import { devKeypair, type Keypair } from '../../dev/miner/keys';
import { nextGeoHour } from '../../lib/validator';
import type { HttpHandler } from './apigw';

export const ADMIN = 'test-admin-token-0123456789abcdef';

/** The keypair of test miner n (dev keyring: anyone can derive it, which is what tests need). */
export const keypairFor = (n: number): Keypair => devKeypair(`test/${n}`);

/** A distinct ss58 hotkey (Bittensor prefix 42) for each n, whose secret key the tests hold (keypairFor). */
export function hotkeyFor(n: number): string {
  return keypairFor(n).address;
}

/** The validator the tests' requests are signed for (VALIDATOR_HOTKEY of the handlers under test). */
export const TEST_VALIDATOR = devKeypair('test/validator');

/**
 * The hour geo predictions are accepted for now (the next one to start), at least `marginMs` before it starts:
 * closer to the boundary, waits for the next hour to begin, so a request is never judged across it.
 */
export async function openGeoHour(marginMs = 10_000): Promise<Date> {
  let hour = nextGeoHour(new Date());
  const left = hour.getTime() - Date.now();
  if (left < marginMs) {
    await new Promise((done) => setTimeout(done, left + 50));
    hour = nextGeoHour(new Date());
  }
  return hour;
}

/** An 11x11 grid of `value`, with null ("no data") at the cells listed. */
export function grid(value: number, nullCells: [number, number][] = []): (number | null)[][] {
  const g: (number | null)[][] = Array.from({ length: 11 }, () => Array.from({ length: 11 }, () => value));
  for (const [r, c] of nullCells) g[r]![c] = null;
  return g;
}

export const SENTINEL_BOUNDS = [399960, 4090200, 509760, 4200000];
export const SENTINEL_CRS = 32611;

/** A region body; its target time defaults to a day from now (open for predictions until then). */
export function regionBody(targetTime = new Date(Date.now() + 86_400_000).toISOString(), closesAt?: string) {
  return {
    regions: [
      {
        regionDate: targetTime.slice(0, 10),
        targetTime,
        ...(closesAt === undefined ? {} : { closesAt }),
        bbox: [-117.5, 37.1, -116.3, 38.0],
        sentinelBounds: SENTINEL_BOUNDS,
        sentinelCrs: SENTINEL_CRS,
        inputRaster: Buffer.from('raster bytes').toString('base64'),
        arrayShape: [11, 11],
      },
    ],
  };
}

export function soilPredictionBody(regionId: number, value = 0.25) {
  return {
    regionId,
    surfaceSm: grid(value, [[0, 0]]),
    rootzoneSm: grid(value + 0.1),
    sentinelBounds: SENTINEL_BOUNDS,
    sentinelCrs: SENTINEL_CRS,
  };
}

/** Every route handler of the table that exists, by route key ('POST /geo/predictions'). */
export async function loadRouteHandlers(): Promise<Record<string, HttpHandler>> {
  const out: Record<string, HttpHandler> = {};
  for (const route of routes) {
    const mod = (await import(pathToFileURL(resolve(route.handler)).href)) as { handler: HttpHandler };
    out[routeKeyOf(route)] = mod.handler;
  }
  return out;
}
