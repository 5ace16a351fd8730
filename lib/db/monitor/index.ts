// Monitoring: the health check, its settings, its report and the report's public summary.
export { checkHealth, type CheckHealthOptions } from './check';
export {
  HEALTH_SETTINGS,
  HEALTH_SCOPES,
  HEALTH_SCOPE_ENV,
  POLICY_MODES,
  POLICY_MODE_ENV,
  POLICY_SETTINGS,
  POLICY_OFF,
  loadHealthThresholds,
  loadHealthPolicy,
  loadLivenessSettings,
  LIVENESS_SETTINGS,
  type LivenessSettings,
  type HealthThresholds,
  type HealthThresholdsInput,
  type HealthPolicy,
  type HealthPolicyInput,
  type HealthScope,
  type PolicyMode,
} from './settings';
export { REASON_CODES, type HealthReport, type HealthStatus, type HealthReason, type ReasonCode, type ActivitySession, type LockSession, type PolicyAction, type DeltaCounters } from './report';
export { activityFingerprint } from './query-text';
export { livenessProbe, type Liveness, type LivenessProbe } from './liveness';
