// Test fixtures for the HTTP routes: the handlers of the table (imported after the environment is set, since the
// shared database reads it at first use), miners' hotkeys, grids and regions.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { routeKeyOf, routes } from '../../lib/app/functions';
import type { HttpHandler } from './apigw';

export const ADMIN = 'test-admin-token-0123456789abcdef';
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A distinct, well-formed ss58-like hotkey for each n (48 base58 characters starting with 5). */
export function hotkeyFor(n: number): string {
  let digits = '';
  let v = n;
  for (let i = 0; i < 8; i++) {
    digits = BASE58[v % 58]! + digits;
    v = Math.floor(v / 58);
  }
  return `5Test${'x'.repeat(35)}${digits}`;
}

/** An 11x11 grid of `value`, with null ("no data") at the cells listed. */
export function grid(value: number, nullCells: [number, number][] = []): (number | null)[][] {
  const g: (number | null)[][] = Array.from({ length: 11 }, () => Array.from({ length: 11 }, () => value));
  for (const [r, c] of nullCells) g[r]![c] = null;
  return g;
}

export const SENTINEL_BOUNDS = [399960, 4090200, 509760, 4200000];
export const SENTINEL_CRS = 32611;

export function regionBody(targetTime = '2024-05-01T01:30:00Z') {
  return {
    regions: [
      {
        regionDate: targetTime.slice(0, 10),
        targetTime,
        bbox: [-117.5, 37.1, -116.3, 38.0],
        sentinelBounds: SENTINEL_BOUNDS,
        sentinelCrs: SENTINEL_CRS,
        inputRaster: Buffer.from('raster bytes').toString('base64'),
        arrayShape: [11, 11],
      },
    ],
  };
}

export function soilPredictionBody(hotkey: string, regionId: number, value = 0.25) {
  return {
    hotkey,
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
