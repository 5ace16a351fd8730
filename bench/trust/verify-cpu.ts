// The CPU cost of verifying one submission's signature (lib/api/epistula.ts, what every miner request pays before
// any database work): geo- and soil-sized bodies, and a signature of the <Bytes>-wrapped text (verified on the
// second try). Pure and synchronous, so wall time per call is its CPU time.
import { verifyEpistula } from '../../lib/api';
import { devKeypair, devMiner } from '../../dev/miner/keys';
import { epistulaHeaders } from '../../dev/miner/sign';
import { figure, type Figure } from '../support/figures';
import { scaled } from '../support/measure';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';

const validator = devKeypair('bench/validator');

function cpuPerVerify(body: Buffer, wrapBytes: boolean, iterations: number): number[] {
  const headers = epistulaHeaders(devMiner(1), body, { signedFor: validator.address, wrapBytes });
  const o = { validatorKeys: [validator.publicKey], toleranceMs: 300_000, now: Number(headers['epistula-timestamp']) };
  for (let i = 0; i < 50; i++) verifyEpistula(headers, body, o);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    verifyEpistula(headers, body, o);
    samples.push((performance.now() - t0) * 1000);
  }
  return samples;
}

export function verificationFigures(ctx: SuiteContext): Figure[] {
  const n = scaled(2_000, ctx.scale, 100);
  ctx.log(`verification: ${n} calls per body`);
  const geo = Buffer.from(JSON.stringify({ queryTime: '2026-01-01T01:00:00.000Z', value: -0.4213 }));
  const soil = Buffer.from(JSON.stringify({ regionId: 1, surfaceSm: grid(0.25), rootzoneSm: grid(0.31), sentinelBounds: [1, 2, 3, 4], sentinelCrs: 32611 }));
  const g = summarize(cpuPerVerify(geo, false, n));
  const s = summarize(cpuPerVerify(soil, false, n));
  const w = summarize(cpuPerVerify(geo, true, n));
  return [
    figure({ name: 'signature verification: CPU per geo submission (median)', value: g.median, unit: 'us' }),
    figure({ name: 'signature verification: CPU per geo submission (p95)', value: g.p95, unit: 'us' }),
    figure({ name: `signature verification: CPU per soil submission (${soil.length} B body, median)`, value: s.median, unit: 'us' }),
    figure({ name: 'signature verification: <Bytes>-wrapped signature (two verifications, median)', value: w.median, unit: 'us' }),
  ];
}

function grid(v: number): number[][] {
  return Array.from({ length: 11 }, (_, i) => Array.from({ length: 11 }, (_, j) => v + (i * 11 + j) / 1e5));
}
