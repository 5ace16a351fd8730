// The dev keyring: sr25519 keypairs derived from public names (seed = sha256("gaia-dev/" + name)), so the demo,
// the tests, the local server and `npm run miner` agree on every miner's hotkey without sharing files. Anyone can
// derive these keys: they exist for local runs only and must never hold a slot on a real subnet.
import { sha256 } from '@noble/hashes/sha2.js';
import { getPublicKey, secretFromSeed } from '@scure/sr25519';
import { encodeSs58 } from '../../lib/validator';

export type Keypair = {
  /** 64-byte sr25519 secret (scalar and nonce), as @scure/sr25519 takes it. */
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** ss58, Bittensor prefix 42. */
  readonly address: string;
};

/** The keypair of a 32-byte seed (substrate-interface: Keypair.create_from_seed(seed_hex) gives the same key). */
export function keypairFromSeed(seed: Uint8Array): Keypair {
  const secretKey = secretFromSeed(seed);
  const publicKey = getPublicKey(secretKey);
  return { secretKey, publicKey, address: encodeSs58(publicKey) };
}

const named = new Map<string, Keypair>();

/** A dev keypair by name (cached: deriving one costs a scalar multiplication). */
export function devKeypair(name: string): Keypair {
  let kp = named.get(name);
  if (!kp) {
    kp = keypairFromSeed(sha256(new TextEncoder().encode(`gaia-dev/${name}`)));
    named.set(name, kp);
  }
  return kp;
}

/** The dev hotkey of a miner slot (the same for a uid in every run). */
export function devMiner(uid: number, generation = 0): Keypair {
  return devKeypair(generation === 0 ? `miner/${uid}` : `miner/${uid}/${generation}`);
}
