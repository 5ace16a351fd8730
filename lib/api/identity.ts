// Who a miner request speaks for. Decided here and only here, before the body's JSON is parsed: the Epistula v2
// signature over the exact bytes API Gateway delivered names the signer (Epistula-Signed-By). The body does not
// name the miner; a `hotkey` field, kept for older clients, is accepted only when it is the signer's key.
// Whether the signer holds a slot, and whether its uuid is fresh, the submission statement decides (lib/validator:
// the checks and the write are one statement, so a refused request writes nothing).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeSs58, sameKey, Ss58Error, type SignedSubmission } from '../validator';
import { EpistulaError, verifyEpistula } from './epistula';
import { ApiErrorCode, HttpError } from './http-error';
import { trustSettings, validatorPublicKeys } from './trust-config';

/** A verified miner request: what the submission repositories take, and the signer's address as sent. */
export type SignedMiner = SignedSubmission & { signer: string };

/** RFC 9110: a 401 names the scheme that would be accepted. */
const CHALLENGE = { 'www-authenticate': 'Epistula version="2"' };

export function unauthorized(message: string): HttpError {
  return new HttpError(401, ApiErrorCode.UNAUTHORIZED, message, { headers: CHALLENGE });
}

/**
 * The signer of a miner request, from its headers and raw body, judged at `receivedAt` (the server clock when
 * the request arrived). 401 naming the failed check; 503 when this validator's hotkey is not configured.
 */
export async function minerIdentity(event: Pick<APIGatewayProxyEventV2, 'headers'>, body: Uint8Array, receivedAt: Date): Promise<SignedMiner> {
  const validatorKeys = await validatorPublicKeys();
  if (!validatorKeys) throw new HttpError(503, ApiErrorCode.UNAVAILABLE, 'validator hotkey not configured: miner routes are closed');
  const { toleranceMs } = trustSettings();
  try {
    const v = verifyEpistula(event.headers ?? {}, body, { validatorKeys, toleranceMs, now: receivedAt.getTime() });
    return { signer: v.signer, signerKey: v.signerKey, nonce: v.uuid, signedAt: new Date(v.timestampMs), receivedAt };
  } catch (err) {
    if (err instanceof EpistulaError) throw unauthorized(err.message);
    throw err;
  }
}

/** 401 when the body names a hotkey that is not the signer's (compared as public keys, any prefix). */
export function checkClaimedHotkey(body: unknown, miner: SignedMiner): void {
  const claimed = (body as { hotkey?: unknown } | null | undefined)?.hotkey;
  if (claimed === undefined) return;
  let key: Uint8Array | undefined;
  try {
    key = typeof claimed === 'string' ? decodeSs58(claimed).publicKey : undefined;
  } catch (err) {
    if (!(err instanceof Ss58Error)) throw err;
  }
  if (!key || !sameKey(key, miner.signerKey)) throw unauthorized('body.hotkey: must be the Epistula-Signed-By hotkey when given');
}
