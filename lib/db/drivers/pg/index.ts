export { PgDriver, type PgDriverOptions } from './driver';
export { IamTokenSource, rdsSigner, IAM_TOKEN_LIFETIME_MS, IAM_TOKEN_REFRESH_AFTER_MS, type IamEndpoint, type SignToken } from './iam-token';
