// A DbLogger that keeps lines in memory, so tests can assert what the layer logged.
import type { DbLogger, LogFields } from '../../lib/db';

export type LogLine = { level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields: LogFields };

export function captureLogger(): DbLogger & { lines: LogLine[]; find(prefix: string): LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields: LogFields = {}) => void lines.push({ level, message, fields });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    find: (prefix) => lines.filter((l) => l.message.startsWith(prefix)),
  };
}
