// The report of a connection the pool refused to take back: it came back inside a transaction (a statement
// opened one that nothing closed). The pool has destroyed it, so the server rolled the transaction back; the
// report names the statement that opened it by fingerprint (never its literals).
import type { DriverConnection } from './driver';
import { fingerprint } from './fingerprint';
import type { DbLogger } from './log';

export function reportUncleanRelease(logger: DbLogger, conn: DriverConnection): void {
  const openedBy = conn.transactionOpenedBy;
  logger.error('leak: connection released inside a transaction; destroyed and rolled back, never pooled', {
    connection: conn.id,
    transactionStatus: conn.transactionStatus,
    statement: openedBy === undefined ? 'unknown' : fingerprint(openedBy).text,
  });
}
