// Epistula v2, the Bittensor convention for signed HTTP between neurons: verification of a request's headers
// against its exact body bytes. Pure (no I/O, the clock passed in), so it is the same code the tests and the
// benchmark call. Each failure names the header whose check failed, never the value that was expected.
//
//   Epistula-Version            2
//   Epistula-Timestamp          ms since the epoch, decimal; within ±tolerance of the server clock
//   Epistula-Uuid               a UUID (the replay check is the database's: see lib/validator/submission.ts)
//   Epistula-Signed-By          ss58 of the signer's hotkey (checksum verified; any network prefix)
//   Epistula-Signed-For         ss58 of this validator's hotkey (compared as a public key)
//   Epistula-Request-Signature  0x + 128 hex: sr25519 ("substrate" signing context) of the UTF-8 text
//                               `<sha256 hex of the body>.<uuid>.<timestamp>.<signed-for>`, or of that text
//                               wrapped in <Bytes>...</Bytes> (what browser wallets sign; substrate-interface accepts both)
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { verify as sr25519Verify } from '@scure/sr25519';
import { decodeSs58, sameKey } from '../validator';

export const EPISTULA_VERSION = '2';

/** The header names as written in documents and messages. */
export const EPISTULA_HEADER_NAMES = {
  version: 'Epistula-Version',
  timestamp: 'Epistula-Timestamp',
  uuid: 'Epistula-Uuid',
  signedBy: 'Epistula-Signed-By',
  signedFor: 'Epistula-Signed-For',
  signature: 'Epistula-Request-Signature',
} as const;

/** Header names as API Gateway v2 delivers them (lowercase). */
export const EPISTULA_HEADERS = Object.fromEntries(Object.entries(EPISTULA_HEADER_NAMES).map(([k, v]) => [k, v.toLowerCase()])) as {
  readonly [K in keyof typeof EPISTULA_HEADER_NAMES]: Lowercase<(typeof EPISTULA_HEADER_NAMES)[K]>;
};

export type EpistulaHeader = keyof typeof EPISTULA_HEADERS;

/** A refused request: which header's check failed and why (safe to show: it repeats nothing secret). */
export class EpistulaError extends Error {
  constructor(
    readonly header: EpistulaHeader,
    readonly reason: string,
  ) {
    super(`${EPISTULA_HEADER_NAMES[header]}: ${reason}`);
    this.name = 'EpistulaError';
  }
}

export type VerifyOptions = {
  /** This validator's public key(s): Epistula-Signed-For must name one (two only while its hotkey is rotated). */
  validatorKeys: readonly Uint8Array[];
  /** Largest |timestamp - now|, ms. */
  toleranceMs: number;
  /** The server clock, epoch ms. */
  now: number;
};

export type VerifiedRequest = {
  /** Epistula-Signed-By as sent. */
  signer: string;
  /** Its 32-byte public key. */
  signerKey: Uint8Array;
  /** Epistula-Uuid, lowercase. */
  uuid: string;
  /** Epistula-Timestamp, epoch ms. */
  timestampMs: number;
};

/** The text a request's signature covers. */
export function signedText(bodySha256Hex: string, uuid: string, timestamp: string, signedFor: string): string {
  return `${bodySha256Hex}.${uuid}.${timestamp}.${signedFor}`;
}

/** sha256 of the body, lowercase hex. */
export function bodyDigest(body: Uint8Array): string {
  return bytesToHex(sha256(body));
}

/** The formats the headers are checked against (also what the API reference documents: openapi.ts). */
export const EPISTULA_FORMATS = {
  timestamp: /^[0-9]{1,15}$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  signature: /^0x[0-9a-fA-F]{128}$/,
} as const;
const { timestamp: TIMESTAMP_RE, uuid: UUID_RE, signature: SIGNATURE_RE } = EPISTULA_FORMATS;
const encoder = new TextEncoder();
const BYTES_OPEN = encoder.encode('<Bytes>');
const BYTES_CLOSE = encoder.encode('</Bytes>');

/** Decoded signer addresses (256 miners, a few prefixes each); bounded so a stream of new addresses cannot grow it. */
const KEY_CACHE_MAX = 4_096;
const keyCache = new Map<string, Uint8Array>();

/**
 * Verifies a request's Epistula v2 headers over its raw body; returns who signed it, or throws EpistulaError.
 * Cheap checks first (format, clock, recipient), the body hash and signature last.
 */
export function verifyEpistula(headers: Readonly<Record<string, string | undefined>>, body: Uint8Array, o: VerifyOptions): VerifiedRequest {
  const h = (name: EpistulaHeader): string => {
    const v = headers[EPISTULA_HEADERS[name]];
    if (v === undefined || v === '') throw new EpistulaError(name, 'required (this route takes Epistula v2 signed requests)');
    return v;
  };
  if (h('version') !== EPISTULA_VERSION) throw new EpistulaError('version', `must be ${EPISTULA_VERSION}`);

  const timestamp = h('timestamp');
  if (!TIMESTAMP_RE.test(timestamp)) throw new EpistulaError('timestamp', 'must be milliseconds since the epoch, in decimal digits');
  const timestampMs = Number(timestamp);
  if (Math.abs(o.now - timestampMs) > o.toleranceMs) throw new EpistulaError('timestamp', `more than ${o.toleranceMs} ms away from the server clock`);

  const uuid = h('uuid');
  if (!UUID_RE.test(uuid)) throw new EpistulaError('uuid', 'must be a UUID (8-4-4-4-12 hex digits)');

  const signer = h('signedBy');
  const signerKey = addressKey(signer, 'signedBy');
  const signedFor = h('signedFor');
  const recipient = addressKey(signedFor, 'signedFor');
  if (!o.validatorKeys.some((k) => sameKey(recipient, k))) throw new EpistulaError('signedFor', "is not this validator's hotkey");

  const signatureHex = h('signature');
  if (!SIGNATURE_RE.test(signatureHex)) throw new EpistulaError('signature', 'must be 0x followed by 128 hex digits (a 64-byte sr25519 signature)');
  const signature = Buffer.from(signatureHex.slice(2), 'hex');
  const message = encoder.encode(signedText(bodyDigest(body), uuid, timestamp, signedFor));
  if (!sr25519Matches(message, signature, signerKey) && !sr25519Matches(wrapBytes(message), signature, signerKey)) {
    throw new EpistulaError('signature', 'does not verify against Epistula-Signed-By over this body, uuid, timestamp and Epistula-Signed-For');
  }
  return { signer, signerKey, uuid: uuid.toLowerCase(), timestampMs };
}

function addressKey(address: string, header: 'signedBy' | 'signedFor'): Uint8Array {
  const known = keyCache.get(address);
  if (known) return known;
  let key: Uint8Array;
  try {
    key = decodeSs58(address).publicKey;
  } catch (err) {
    throw new EpistulaError(header, `not an ss58 address (${(err as Error).message})`);
  }
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(address, key);
  return key;
}

/** The library throws on a malformed point or a missing schnorrkel marker: for us that is just "does not verify". */
function sr25519Matches(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return sr25519Verify(message, signature, publicKey);
  } catch {
    return false;
  }
}

function wrapBytes(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(BYTES_OPEN.length + message.length + BYTES_CLOSE.length);
  out.set(BYTES_OPEN);
  out.set(message, BYTES_OPEN.length);
  out.set(BYTES_CLOSE, BYTES_OPEN.length + message.length);
  return out;
}
