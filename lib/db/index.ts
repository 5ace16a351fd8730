// The public face of the database layer.
export { createDatabase, type Database, type CreateDatabaseOptions } from './database';
export { loadConfig, NUMERIC_SETTINGS, STRING_SETTINGS_DOC, DRIVERS, PROXY_PROFILES, TRANSACTION_MODES, type DbConfig, type DbConfigInput, type DriverName, type TransactionMode } from './config';
export type { Session, SessionOptions, TransactionOptions, BatchOptions } from './session';
export type { BatchStatement } from './driver';
export type { Transaction, TransactionState } from './transaction';
export type { IsolationLevel } from './timeouts';
export type { DbLogger, LogFields } from './log';
export type { DatabaseStats, PoolCounters, LayerCounters, SessionSummary } from './stats';
export { PROFILES, detectProfile, type ProxyProfile, type ProfileChoice } from './profiles';
export { refusal, type StatementScope } from './statement-rules';
export type { TransactionDb } from './drizzle';
export { segments, type Segment } from './sql-scan';
export { roleTimeoutsSql, type RoleTimeouts } from './role-timeouts';
export { fingerprint } from './fingerprint';
export { redact } from './redact';
export { migrate, MIGRATION_LOCK_KEY, type MigrateOptions, type MigrateResult, type AppliedMigration } from './migrate';
export * from './errors';
export * from './monitor';
