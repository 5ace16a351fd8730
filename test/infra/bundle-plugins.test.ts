// The Lambda bundles go through scripts/esbuild-plugins.mjs: an API function carries zod's English locale only
// (the others were ~250 KiB of every API bundle, compiled at each cold start), and zod still answers in English.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allFunctions } from '../../lib/app/functions';
import { bundle } from '../../scripts/bundle';
import { randomName } from '../support/postgres';

const probe = `bench/coldstart/probes/zod.ts`;
const outputs: string[] = [];

afterAll(() => {
  for (const f of outputs) rmSync(f, { force: true });
});

describe('bundle plugins', () => {
  it('leaves only the English locale of zod in an API bundle', async () => {
    // Act
    const spec = allFunctions.find((f) => f.handler === 'functions/api/geo-predictions.ts')!;
    const { metafile } = await bundle(spec, { driver: 'pg', iamAuth: false });

    // Assess
    const locales = Object.keys(metafile.inputs).filter((i) => /zod\/v4\/locales\//.test(i));
    expect(locales.map((l) => path.basename(l)).sort()).toEqual(['en.js', 'index.js']);
  });

  it('keeps zod working: a refused value gets its English message', async () => {
    // Prepare: the probe parses a body with a small schema
    const built = await bundle({ ...allFunctions[0]!, handler: probe, needsDatabase: false }, { driver: 'pg', iamAuth: false });
    outputs.push(built.outFile, built.outFile.replace(/\.mjs$/, '.meta.json'));
    const mod = (await import(`${pathToFileURL(built.outFile).href}?${randomName('v')}`)) as { handler(text: string): Promise<unknown> };

    // Act
    const refused = await mod.handler('{"hotkey": 1, "value": 2}').catch((e: unknown) => e);

    // Assess
    expect(String((refused as Error).message)).toMatch(/expected string, received number/);
    expect(await mod.handler('{"hotkey": "h", "value": 2}')).toEqual({ hotkey: 'h', value: 2 });
  });
});
