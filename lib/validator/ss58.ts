// ss58 addresses (Substrate/Bittensor account ids): base58 of (prefix + 32-byte public key + 2 checksum bytes),
// the checksum being the first 2 bytes of blake2b-512("SS58PRE" + prefix + key). Identity is the public key:
// the same key under another network prefix (Polkadot 0, Kusama 2, Bittensor 42) is the same account, so
// callers compare the 32-byte keys this module returns, never the address text.
import { blake2b } from '@noble/hashes/blake2.js';
import { base58 } from '@scure/base';

export const PUBLIC_KEY_BYTES = 32;
/** Bittensor's network prefix (the generic Substrate one). */
export const BITTENSOR_SS58_PREFIX = 42;

const SS58PRE = new TextEncoder().encode('SS58PRE');
/** 1-byte prefix: 35 bytes -> 47-48 characters; 2-byte prefix: 36 bytes -> 48-49. Anything longer is not an account id. */
const MAX_ADDRESS_LENGTH = 50;

export class Ss58Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Ss58Error';
  }
}

export type DecodedAddress = { publicKey: Uint8Array; prefix: number };

/** The public key and network prefix of an address; Ss58Error when it is not one (alphabet, length, checksum). */
export function decodeSs58(address: string): DecodedAddress {
  if (typeof address !== 'string' || address.length === 0 || address.length > MAX_ADDRESS_LENGTH) throw new Ss58Error('not an ss58 address');
  let raw: Uint8Array;
  try {
    raw = base58.decode(address);
  } catch {
    throw new Ss58Error('not base58');
  }
  // Prefixes 0..63 take one byte; 64..16383 two (the "simple" and "full" formats).
  const prefixBytes = raw.length > 0 && (raw[0]! & 0b0100_0000) !== 0 ? 2 : 1;
  if (raw.length !== prefixBytes + PUBLIC_KEY_BYTES + 2) throw new Ss58Error('not a 32-byte account id');
  const body = raw.subarray(0, prefixBytes + PUBLIC_KEY_BYTES);
  const sum = checksum(body);
  if (sum[0] !== raw[body.length] || sum[1] !== raw[body.length + 1]) throw new Ss58Error('bad checksum');
  const prefix =
    prefixBytes === 1 ? raw[0]! : ((raw[0]! & 0b0011_1111) << 2) | (raw[1]! >> 6) | ((raw[1]! & 0b0011_1111) << 8);
  return { publicKey: raw.slice(prefixBytes, prefixBytes + PUBLIC_KEY_BYTES), prefix };
}

/** The address of a 32-byte public key under a network prefix (default Bittensor's 42). */
export function encodeSs58(publicKey: Uint8Array, prefix = BITTENSOR_SS58_PREFIX): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) throw new Ss58Error('a public key is 32 bytes');
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16_383 || prefix === 46 || prefix === 47) throw new Ss58Error(`invalid ss58 prefix ${prefix}`);
  const head =
    prefix < 64
      ? [prefix]
      : [((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b0000_0011) << 6)];
  const body = new Uint8Array(head.length + PUBLIC_KEY_BYTES);
  body.set(head);
  body.set(publicKey, head.length);
  const sum = checksum(body);
  const raw = new Uint8Array(body.length + 2);
  raw.set(body);
  raw.set(sum.subarray(0, 2), body.length);
  return base58.encode(raw);
}

function checksum(body: Uint8Array): Uint8Array {
  const input = new Uint8Array(SS58PRE.length + body.length);
  input.set(SS58PRE);
  input.set(body, SS58PRE.length);
  return blake2b(input, { dkLen: 64 });
}

/** Hex of a public key: how it travels as a statement parameter (decode($n, 'hex') in SQL; every driver sends text alike). */
export function keyHex(publicKey: Uint8Array): string {
  return Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
}

/** Two public keys are the same account. */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
