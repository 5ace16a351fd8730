// ss58 (lib/validator/ss58.ts) against @polkadot/util-crypto's encoder as the oracle: any key, any prefix (one- and
// two-byte forms); the checksum is checked; identity is the key, whatever the prefix.
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSs58, encodeSs58, Ss58Error } from '../../lib/validator';

const prefix = fc.integer({ min: 0, max: 16_383 }).filter((p) => p !== 46 && p !== 47);
const key = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('ss58', () => {
  it('encodes as @polkadot does and decodes what it encodes, for any key and prefix', () => {
    fc.assert(
      fc.property(key, prefix, (k, p) => {
        const ours = encodeSs58(k, p);
        expect(ours).toBe(encodeAddress(k, p));
        const back = decodeSs58(ours);
        expect(back.prefix).toBe(p);
        expect(Buffer.from(back.publicKey)).toEqual(Buffer.from(decodeAddress(ours)));
      }),
      { numRuns: 300 },
    );
  });

  it("decodes Alice's well-known address (Bittensor/Substrate prefix 42)", () => {
    const alice = decodeSs58('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    expect(alice.prefix).toBe(42);
    expect(Buffer.from(alice.publicKey).toString('hex')).toBe('d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d');
  });

  it.each([
    ['an empty string', ''],
    ['characters outside base58', '0OIl'.repeat(12)],
    ['a 33-byte key', encodeAddress(new Uint8Array(33).fill(1), 42)],
    ['a short id', '5Grwva'],
    ['something long', '5'.repeat(80)],
  ])('refuses %s', (_name, text) => {
    expect(() => decodeSs58(text)).toThrow(Ss58Error);
  });

  it('refuses every single-character change of an address it accepts (the checksum)', () => {
    const address = encodeSs58(new Uint8Array(32).map((_, i) => i * 7), 42);
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let refused = 0;
    let checked = 0;
    for (let i = 0; i < address.length; i++) {
      for (const c of alphabet) {
        if (c === address[i]) continue;
        checked++;
        try {
          decodeSs58(address.slice(0, i) + c + address.slice(i + 1));
        } catch (err) {
          expect(err).toBeInstanceOf(Ss58Error);
          refused++;
        }
      }
    }
    expect(refused).toBe(checked);
  });
});
