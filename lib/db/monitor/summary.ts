// The public face of a report (GET /health): status, reasons and counts. No query text, no pid, no
// application or user name: only what any caller may see about the service's health.
import type { HealthReport, HealthStatus, ReasonCode } from './report';

export type HealthSummary = {
  status: HealthStatus;
  checkedAt: string;
  reasons: { code: ReasonCode; severity: 'degraded' | 'failing'; message: string }[];
  database: { reachable: boolean; rttMs: number | null };
  counts: {
    connectionsUsed: number | null;
    connectionsMax: number | null;
    connectionsUsedRatio: number | null;
    longRunning: number;
    idleInTransaction: number;
    blockedSessions: number;
    oldestTransactionAgeMs: number | null;
    policyActions: number;
  };
};

/** Picks the public fields; reason messages are built from counts and limits only (see status.ts). */
export function healthSummary(report: HealthReport): HealthSummary {
  return {
    status: report.status,
    checkedAt: report.checkedAt,
    reasons: report.reasons.map((r) => ({ code: r.code, severity: r.severity, message: r.message })),
    database: { reachable: report.database.reachable, rttMs: report.database.rttMs },
    counts: {
      connectionsUsed: report.connections?.used ?? null,
      connectionsMax: report.connections?.max ?? null,
      connectionsUsedRatio: report.connections?.usedRatio ?? null,
      longRunning: report.longRunning.count,
      idleInTransaction: report.idleInTransaction.count,
      blockedSessions: report.blocking.blockedCount,
      oldestTransactionAgeMs: report.oldestTransaction?.ageMs ?? null,
      policyActions: report.policy.actions.length,
    },
  };
}
