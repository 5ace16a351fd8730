// EMF metrics lines in tests. Metrics are off for the whole run (vitest.config.ts: POWERTOOLS_METRICS_DISABLED),
// so routes do not flood the output; a file that asserts metrics turns them on before its first line is built.
import { vi } from 'vitest';

export type Line = Record<string, any>;

/** Call at the top of a test file (before any handler publishes): lib/lambda makes its Metrics at first use. */
export function enableMetricsOutput(): void {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
}

/**
 * Runs fn and returns what it wrote to stdout and stderr (Powertools: EMF and INFO to stdout, WARN and ERROR to
 * stderr) as JSON lines, with fn's result or error.
 */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; lines: Line[] }> {
  const out: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    out.push(chunk.toString());
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (err) {
    error = err;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const lines = out.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  return { result, error, lines };
}

/** The EMF documents among the lines. */
export const emfOf = (lines: Line[]): Line[] => lines.filter((l) => l._aws?.CloudWatchMetrics);

/** The metric names of an EMF document, sorted. */
export const metricNames = (doc: Line): string[] => (doc._aws.CloudWatchMetrics[0].Metrics as { Name: string }[]).map((m) => m.Name).sort();

/** The dimension sets of an EMF document. */
export const dimensionSets = (doc: Line): string[][] => doc._aws.CloudWatchMetrics[0].Dimensions as string[][];
