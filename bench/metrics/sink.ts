// A Metrics instance as Lambda has it, except where its lines go: written synchronously to /dev/null, as Node writes
// to the pipe that is Lambda's stdout (synchronous on Linux), so the cost measured includes the write call itself.
import { closeSync, openSync, writeSync } from 'node:fs';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../lib/app/metrics';

export type MetricsSink = { metrics: Metrics; lines(): number; bytes(): number; close(): void };

export function devNullMetrics(): MetricsSink {
  const fd = openSync('/dev/null', 'w');
  let lines = 0;
  let bytes = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writeSync(fd, chunk);
      lines++;
      bytes += chunk.length;
      done();
    },
  });
  // Enabled for this instance only (Powertools reads the variable when it is constructed): other suites' handlers
  // keep the runner's setting.
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'gaia-validator-bench' });
  if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  // Powertools writes through its own Console on process.stdout; here the same Console class on the sink.
  (metrics as unknown as { console: Console }).console = new Console({ stdout: out, stderr: out });
  return { metrics, lines: () => lines, bytes: () => bytes, close: () => closeSync(fd) };
}
