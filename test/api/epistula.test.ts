// Epistula v2 verification (lib/api/epistula.ts) against signatures made the way miners make them: by
// @polkadot/keyring (schnorrkel compiled to WASM: the implementation substrate-interface and bittensor wallets
// bind), raw and <Bytes>-wrapped, and by our own client (dev/miner/sign.ts). Every signed part, tampered, is refused.
import { Keyring } from '@polkadot/keyring';
import { u8aWrapBytes } from '@polkadot/util';
import { cryptoIsReady, cryptoWaitReady } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyDigest, EpistulaError, signedText, verifyEpistula, type VerifyOptions } from '../../lib/api';
import { decodeSs58, encodeSs58 } from '../../lib/validator';
import { devKeypair, keypairFromSeed } from '../../dev/miner/keys';
import { epistulaHeaders } from '../../dev/miner/sign';

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const validator = devKeypair('epistula-test/validator');
const options: VerifyOptions = { validatorKeys: [validator.publicKey], toleranceMs: 8_000, now: NOW };
const body = Buffer.from(JSON.stringify({ queryTime: '2026-01-01T01:00:00Z', value: -0.42 }));
const UUID = '0d6f6c2e-4b8e-4f7e-9c35-2f3b8f6a9e10';

type Pair = { address: string; sign(message: Uint8Array): Uint8Array };
let alice: Pair;

/** Headers signed by a @polkadot/keyring pair over the signed text (or its <Bytes> wrapping). */
function polkadotHeaders(pair: Pair, o: { wrap?: boolean; timestamp?: number; uuid?: string; signedFor?: string; bytes?: Uint8Array } = {}) {
  const timestamp = String(o.timestamp ?? NOW);
  const uuid = o.uuid ?? UUID;
  const signedFor = o.signedFor ?? validator.address;
  const text = new TextEncoder().encode(signedText(bodyDigest(o.bytes ?? body), uuid, timestamp, signedFor));
  const signature = pair.sign(o.wrap ? u8aWrapBytes(text) : text);
  return {
    'epistula-version': '2',
    'epistula-timestamp': timestamp,
    'epistula-uuid': uuid,
    'epistula-signed-by': pair.address,
    'epistula-signed-for': signedFor,
    'epistula-request-signature': `0x${Buffer.from(signature).toString('hex')}`,
  };
}

const refusal = (headers: Record<string, string | undefined>, bytes: Uint8Array = body, o: VerifyOptions = options) => {
  try {
    verifyEpistula(headers, bytes, o);
  } catch (err) {
    expect(err).toBeInstanceOf(EpistulaError);
    return (err as EpistulaError).message;
  }
  throw new Error('expected a refusal');
};

beforeAll(async () => {
  await cryptoWaitReady(); // the WASM schnorrkel, as substrate-interface uses the Rust one
  expect(cryptoIsReady()).toBe(true); // (before it is ready, @polkadot falls back to a JS implementation)
  alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
});

describe('signatures made by @polkadot/keyring (sr25519, "substrate" context)', () => {
  it('verifies a signature of the text and of the text wrapped in <Bytes>', () => {
    // Act
    const raw = verifyEpistula(polkadotHeaders(alice), body, options);
    const wrapped = verifyEpistula(polkadotHeaders(alice, { wrap: true }), body, options);
    // Assess
    expect(raw.signer).toBe(alice.address);
    expect(Buffer.from(raw.signerKey)).toEqual(Buffer.from(decodeSs58(alice.address).publicKey));
    expect(raw).toEqual({ ...wrapped, signerKey: raw.signerKey });
    expect(raw.uuid).toBe(UUID);
    expect(raw.timestampMs).toBe(NOW);
  });

  it('accepts the same keys under other network prefixes (Polkadot 0, Kusama 2): keys are compared, not text', () => {
    // Prepare
    const polkadotAlice = { address: encodeSs58(decodeSs58(alice.address).publicKey, 0), sign: alice.sign.bind(alice) };
    const forKusama = encodeSs58(validator.publicKey, 2);
    // Act
    const v = verifyEpistula(polkadotHeaders(polkadotAlice, { signedFor: forKusama }), body, options);
    // Assess
    expect(v.signer).toBe(polkadotAlice.address);
    expect(Buffer.from(v.signerKey)).toEqual(Buffer.from(decodeSs58(alice.address).publicKey));
  });

  it('is the same key @scure/sr25519 derives from a seed, and each verifies the other', () => {
    // Prepare
    const seed = new Uint8Array(32).fill(7);
    const ours = keypairFromSeed(seed);
    const theirs = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromSeed(seed);
    // Act
    const ourHeaders = epistulaHeaders(ours, body, { signedFor: validator.address, timestampMs: NOW, uuid: UUID });
    const theirHeaders = polkadotHeaders(theirs);
    // Assess
    expect(ours.address).toBe(theirs.address);
    expect(verifyEpistula(ourHeaders, body, options).signer).toBe(ours.address);
    expect(verifyEpistula(theirHeaders, body, options).signer).toBe(ours.address);
  });
});

describe('tampering with any signed part is refused', () => {
  const good = () => polkadotHeaders(alice);

  it('a body byte', () => {
    const bytes = Buffer.from(body);
    bytes[10]! ^= 0x01;
    expect(refusal(good(), bytes)).toMatch(/^Epistula-Request-Signature: does not verify/);
  });
  it('the uuid', () => expect(refusal({ ...good(), 'epistula-uuid': '0d6f6c2e-4b8e-4f7e-9c35-2f3b8f6a9e11' })).toMatch(/^Epistula-Request-Signature: does not verify/));
  it('the timestamp (still within the tolerance)', () =>
    expect(refusal({ ...good(), 'epistula-timestamp': String(NOW + 1) })).toMatch(/^Epistula-Request-Signature: does not verify/));
  it("signed-for (the same validator key under another prefix: the recipient check passes, the signed text differs)", () =>
    expect(refusal({ ...good(), 'epistula-signed-for': encodeSs58(validator.publicKey, 0) })).toMatch(/^Epistula-Request-Signature: does not verify/));
  it('a signature byte', () => {
    const h = good();
    const sig = h['epistula-request-signature'];
    const flipped = `${sig.slice(0, 20)}${sig[20] === '0' ? '1' : '0'}${sig.slice(21)}`;
    expect(refusal({ ...h, 'epistula-request-signature': flipped })).toMatch(/^Epistula-Request-Signature: does not verify/);
  });
  it('the signer', () => expect(refusal({ ...good(), 'epistula-signed-by': devKeypair('someone else').address })).toMatch(/^Epistula-Request-Signature: does not verify/));
  it('the <Bytes> wrapping is the only other form accepted', () => {
    const other = { address: alice.address, sign: (m: Uint8Array) => alice.sign(new Uint8Array([...new TextEncoder().encode('<Data>'), ...m])) };
    expect(refusal(polkadotHeaders(other))).toMatch(/^Epistula-Request-Signature: does not verify/);
  });
});

describe('each check names its header, never the expected value', () => {
  const good = () => polkadotHeaders(alice);
  it.each([
    ['epistula-version', 'Epistula-Version: required'],
    ['epistula-timestamp', 'Epistula-Timestamp: required'],
    ['epistula-uuid', 'Epistula-Uuid: required'],
    ['epistula-signed-by', 'Epistula-Signed-By: required'],
    ['epistula-signed-for', 'Epistula-Signed-For: required'],
    ['epistula-request-signature', 'Epistula-Request-Signature: required'],
  ])('a missing %s', (header, message) => expect(refusal({ ...good(), [header]: undefined })).toMatch(new RegExp(`^${message}`)));

  it.each([
    [{ 'epistula-version': '1' }, /^Epistula-Version: must be 2$/],
    [{ 'epistula-timestamp': '1.7e12' }, /^Epistula-Timestamp: must be milliseconds/],
    [{ 'epistula-uuid': 'not-a-uuid' }, /^Epistula-Uuid: must be a UUID/],
    [{ 'epistula-signed-by': 'not-an-address' }, /^Epistula-Signed-By: not an ss58 address/],
    [{ 'epistula-signed-by': `${'1'.repeat(47)}` }, /^Epistula-Signed-By: not an ss58 address/],
    [{ 'epistula-request-signature': '0x1234' }, /^Epistula-Request-Signature: must be 0x followed by 128 hex digits/],
  ])('a malformed header %j', (patch, message) => expect(refusal({ ...good(), ...patch })).toMatch(message));

  it('an address whose checksum is wrong', () => {
    const address = alice.address;
    const bad = `${address.slice(0, -1)}${address.endsWith('Y') ? 'Z' : 'Y'}`;
    expect(refusal({ ...good(), 'epistula-signed-by': bad })).toMatch(/^Epistula-Signed-By: not an ss58 address/);
  });

  it('a request for another validator: says so without naming ours', () => {
    const message = refusal(polkadotHeaders(alice, { signedFor: devKeypair('another validator').address }));
    expect(message).toBe("Epistula-Signed-For: is not this validator's hotkey");
    expect(message).not.toContain(validator.address);
  });

  it('accepts a timestamp up to the tolerance away, either side; refuses one millisecond more', () => {
    for (const t of [NOW - 8_000, NOW + 8_000]) expect(verifyEpistula(polkadotHeaders(alice, { timestamp: t }), body, options).timestampMs).toBe(t);
    for (const t of [NOW - 8_001, NOW + 8_001]) expect(refusal(polkadotHeaders(alice, { timestamp: t }))).toBe('Epistula-Timestamp: more than 8000 ms away from the server clock');
  });
});

describe('properties (fast-check)', () => {
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((seed) => keypairFromSeed(seed));
  const bytes = fc.uint8Array({ minLength: 0, maxLength: 512 });
  const skew = fc.integer({ min: -8_000, max: 8_000 });

  it('whatever the key, body and clock skew within tolerance, our client signs what the server verifies', () => {
    fc.assert(
      fc.property(key, bytes, skew, fc.uuid(), fc.boolean(), (kp, b, s, uuid, wrapBytes) => {
        const headers = epistulaHeaders(kp, b, { signedFor: validator.address, timestampMs: NOW + s, uuid, wrapBytes });
        const v = verifyEpistula(headers, b, options);
        return v.signer === kp.address && v.timestampMs === NOW + s && v.uuid === uuid.toLowerCase();
      }),
      { numRuns: 40 },
    );
  });

  it('any change of one body byte, or of one bit of the signature, is refused', () => {
    fc.assert(
      fc.property(key, bytes.filter((b) => b.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: 511 }), (kp, b, at, xor, bit) => {
        const headers = epistulaHeaders(kp, b, { signedFor: validator.address, timestampMs: NOW, uuid: UUID });
        const changed = Uint8Array.from(b);
        changed[at % b.length]! ^= xor;
        const sig = Buffer.from(headers['epistula-request-signature']!.slice(2), 'hex');
        sig[bit >> 3]! ^= 1 << (bit & 7);
        const badSig = { ...headers, 'epistula-request-signature': `0x${sig.toString('hex')}` };
        return refusal(headers, changed).startsWith('Epistula-Request-Signature') && refusal(badSig, b).startsWith('Epistula-Request-Signature');
      }),
      { numRuns: 40 },
    );
  });
});
