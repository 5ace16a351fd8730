// HTTP plumbing of the API Gateway v2 routes.
//
// Validation rule set (one rule per status):
//   413  the body is larger than the route's maxBodyBytes (lib/app/functions.ts); routes without a body take 0 bytes
//   400  the body cannot be read as JSON: missing, not UTF-8, not JSON
//   422  the JSON (or a query parameter) breaks the route's schema: wrong type, out of range, wrong shape,
//        unknown field, NaN/Infinity (JSON numbers must be finite; strings are never coerced to numbers);
//        also a domain rule the database decides (hotkey not registered, echo mismatch, a value it refused)
//   404  a referenced record does not exist (unknown region)
//   401  admin route without / with a wrong bearer token; 503 when no admin token is configured;
//        miner route whose Epistula v2 signature fails a check (the message names the header), whose signer is
//        not a registered miner, or whose body `hotkey` is not the signer; 503 when VALIDATOR_HOTKEY is not set
//   409  a constraint of the database refused the write; a miner request whose Epistula-Uuid was used before
//   422  (also) a prediction outside its submission window, naming body.queryTime / body.regionId
//   503  no database connection right now (pool exhausted, connection lost/refused, too many connections,
//        conflicts left after retries), with Retry-After
//   504  a database deadline passed (statement, lock, transaction, the invocation's own deadline)
//   500  anything else: a generic message with the request id, never a stack, SQL or secret
// Every response is JSON with an `x-request-id` header; error bodies are { error: { code, message, requestId, issues? } }.
export { httpRoute, routeSpecOf, type HttpHandler, type RouteDefinition, type RouteHandler, type RouteRequest } from './route';
export { ApiErrorCode, HttpError, badRequest, notFound, payloadTooLarge, unprocessable, type Issue } from './http-error';
export { ok, created, toResult, REQUEST_ID_HEADER, type Reply, type ErrorBody } from './reply';
export { replyForError, RETRY_AFTER_SECONDS, SCHEMA_RETRY_AFTER_SECONDS } from './error-reply';
export { requireAdmin, configuredAdminToken, tokensMatch, bearerToken, ADMIN_TOKEN_ENV, MIN_ADMIN_TOKEN_LENGTH } from './admin-auth';
export { minerIdentity, checkClaimedHotkey, unauthorized, type SignedMiner } from './identity';
export {
  verifyEpistula,
  signedText,
  bodyDigest,
  EpistulaError,
  EPISTULA_HEADERS,
  EPISTULA_HEADER_NAMES,
  EPISTULA_VERSION,
  type EpistulaHeader,
  type VerifiedRequest,
  type VerifyOptions,
} from './epistula';
export {
  trustSettings,
  validatorPublicKeys,
  TRUST_SETTINGS,
  TrustConfigError,
  VALIDATOR_HOTKEY_ENV,
  VALIDATOR_HOTKEY_SECRET,
  MAX_TIMESTAMP_TOLERANCE_MS,
  type TrustSettings,
} from './trust-config';
export { validate, MAX_ISSUES } from './validate';
export * as fields from './fields';
export { sharedDatabase, closeSharedDatabase } from './database';
export { openApiDocument, MINER_REQUEST_HEADERS, type RouteContract, type HeaderDoc, type OpenApiInfo } from './openapi';
