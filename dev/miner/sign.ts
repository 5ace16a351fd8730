// Signing a request the way a Bittensor miner does (Epistula v2): the headers for a body, by a keypair, for a
// validator. Used by the miner client, the demo, the tests and the benchmark; the text signed is lib/api's.
import { randomUUID } from 'node:crypto';
import { sign } from '@scure/sr25519';
import { bodyDigest, EPISTULA_VERSION, signedText } from '../../lib/api';
import type { Keypair } from './keys';

export type SignOptions = {
  /** The validator's ss58 hotkey (Epistula-Signed-For). */
  signedFor: string;
  /** Epistula-Timestamp, epoch ms (default now). */
  timestampMs?: number;
  /** Epistula-Uuid (default a random v4). */
  uuid?: string;
  /** Sign `<Bytes>text</Bytes>`, as browser wallets do. */
  wrapBytes?: boolean;
  /** Epistula-Signed-By text (default the keypair's address; another prefix names the same key). */
  signedBy?: string;
};

/** The six Epistula headers (lowercase, as API Gateway delivers them) signing `body`. */
export function epistulaHeaders(keypair: Keypair, body: Uint8Array, o: SignOptions): Record<string, string> {
  const timestamp = String(o.timestampMs ?? Date.now());
  const uuid = o.uuid ?? randomUUID();
  const text = signedText(bodyDigest(body), uuid, timestamp, o.signedFor);
  const message = new TextEncoder().encode(o.wrapBytes ? `<Bytes>${text}</Bytes>` : text);
  return {
    'epistula-version': EPISTULA_VERSION,
    'epistula-timestamp': timestamp,
    'epistula-uuid': uuid,
    'epistula-signed-by': o.signedBy ?? keypair.address,
    'epistula-signed-for': o.signedFor,
    'epistula-request-signature': `0x${Buffer.from(sign(keypair.secretKey, message)).toString('hex')}`,
  };
}
