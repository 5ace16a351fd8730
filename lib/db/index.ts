// The public face of the database layer.
export { createDatabase, type Database, type CreateDatabaseOptions } from './database';
export { loadConfig, NUMERIC_SETTINGS, STRING_SETTINGS_DOC, DRIVERS, PROXY_PROFILES, type DbConfig, type DbConfigInput, type DriverName } from './config';
export type { Session, SessionOptions, TransactionOptions } from './session';
export type { Transaction, TransactionState } from './transaction';
export type { IsolationLevel } from './timeouts';
export type { DbLogger, LogFields } from './log';
export type { DatabaseStats, PoolCounters, LayerCounters, SessionSummary } from './stats';
export { PROFILES, resolveProfile, type ProxyProfile } from './profiles';
export { fingerprint } from './fingerprint';
export { redact } from './redact';
export * from './errors';
