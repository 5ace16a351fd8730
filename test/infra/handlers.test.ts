// Every handler file of the deployment tables exists and exports a `handler` function
// (what API Gateway / EventBridge Scheduler invoke as `<file>.handler`).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allFunctions, lambdaHandlerOf } from '../../lib/app/functions';

const root = resolve(import.meta.dirname, '../..');

describe('handlers', () => {
  it.each(allFunctions.map((f) => [lambdaHandlerOf(f), f.handler] as const))('%s is an exported function', async (_name, file) => {
    // Prepare
    const path = resolve(root, file);
    expect(existsSync(path), `${file} does not exist`).toBe(true);
    // Act
    const mod = (await import(pathToFileURL(path).href)) as { handler?: unknown };
    // Assess
    expect(typeof mod.handler).toBe('function');
  });
});
