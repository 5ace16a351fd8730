// A logger that drops everything: benchmarks measure the layer, not log output to a terminal.
import type { DbLogger } from '../../lib/db';

const drop = () => undefined;

export const quietLogger: DbLogger = { debug: drop, info: drop, warn: drop, error: drop };
