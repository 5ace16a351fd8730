// What signed submissions share: who signed (a verified public key), the request's uuid and times, and how the
// one statement of a submission runs and reports.
//
// A submission is ONE statement whose parts do not depend on anything read before it: the signer's slot
// (looked up by public key), the state of what it predicts (closed, echo, window), the nonce insert and the
// prediction upsert are CTEs of that statement, each write gated on the checks before it. The statement always
// returns one row saying which check failed, so a refused submission writes nothing (not even its nonce) and
// the reason comes back with the same round trip. Because nothing is read between statements, the submission
// is a one-statement batch: a transaction today (BEGIN, the statement, COMMIT), a single request where
// session.batch is one (neon-http, and any driver that pipelines a batch).
import { checkDate, fail } from './validate';
import { PUBLIC_KEY_BYTES, keyHex } from './ss58';
import { atomicStatement, type Executor } from './sql';

/** The verified facts of a signed request (lib/api/identity decides them; this layer trusts its caller). */
export type SignedSubmission = {
  /** The signer's 32-byte sr25519 public key (Epistula-Signed-By, checksum-verified). */
  signerKey: Uint8Array;
  /** Epistula-Uuid: refused as a replay when this signer used it before. */
  nonce: string;
  /** Epistula-Timestamp. */
  signedAt: Date;
  /** When the request arrived, by the server's clock: the windows are judged on it and it is stored. */
  receivedAt: Date;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkSignedSubmission(s: SignedSubmission): void {
  if (typeof s !== 'object' || s === null) fail('submission must be an object');
  if (!(s.signerKey instanceof Uint8Array) || s.signerKey.length !== PUBLIC_KEY_BYTES) fail(`signerKey must be ${PUBLIC_KEY_BYTES} bytes`);
  if (typeof s.nonce !== 'string' || !UUID_RE.test(s.nonce)) fail('nonce must be a UUID');
  checkDate('signedAt', s.signedAt);
  checkDate('receivedAt', s.receivedAt);
}

/** The first four parameters of every submission statement, in this order. */
export function submissionParams(s: SignedSubmission): unknown[] {
  return [keyHex(s.signerKey), s.nonce.toLowerCase(), s.signedAt, s.receivedAt];
}

/**
 * CTEs every submission statement starts with. `signer`: the registered slot of $1 (FOR KEY SHARE: a
 * deregistration, which deletes the row, waits for this statement, and this one sees a deleted row as gone;
 * ordinary metagraph updates of stake or ip do not conflict). `nonce` is built by each statement from its own
 * accepted-row CTE, with NONCE_INSERT.
 */
export const SIGNER_CTE = `signer AS (SELECT uid, hotkey FROM miners WHERE public_key = decode($1, 'hex') FOR KEY SHARE)`;

/** The nonce of an accepted request (`source` yields one row when every check passed); nothing on a replay. */
export const nonceCte = (source: string) => `nonce AS (
  INSERT INTO request_nonces (signer_key, uuid, signed_at, received_at)
  SELECT decode($1, 'hex'), $2::uuid, $3::timestamptz, $4::timestamptz FROM ${source}
  ON CONFLICT (signer_key, uuid) DO NOTHING
  RETURNING 1)`;

/** Runs one submission statement as an atomic unit (in the caller's transaction when given one) and returns its row. */
export async function runSubmission<R>(q: Executor, text: string, params: unknown[]): Promise<R> {
  const row = (await atomicStatement<R>(q, text, params)).rows[0];
  // The statement's final SELECT has no FROM filter: exactly one row whatever happened.
  if (!row) throw new Error('submission statement returned no row');
  return row;
}
