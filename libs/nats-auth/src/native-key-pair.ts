import { fromSeed, type KeyPair, Prefix } from '@nats-io/nkeys';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/*
 * @nats-io/nkeys signs with tweetnacl in plain JavaScript and derives the key pair again on every call: about 70 ms
 * per JWT on a busy machine, and ten times that inside a test sandbox. Ed25519 is deterministic, so node:crypto
 * gives the same signatures natively. The nkeys codec is not exported, so its encoding is rebuilt here (checked
 * against nkeys itself in native-key-pair.unit.spec.ts).
 */

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ROLES: Record<string, Prefix> = { O: Prefix.Operator, A: Prefix.Account, U: Prefix.User };

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** An nkey string: one prefix byte, the key bytes, a CRC-16 (little-endian), in unpadded base32. */
function encodeNkey(prefix: Prefix, key: Uint8Array): string {
  const body = Uint8Array.of(prefix, ...key);
  const crc = crc16(body);
  return base32(Uint8Array.of(...body, crc & 0xff, crc >> 8));
}

/** The key pair of an operator, account or user seed, signing with node:crypto. */
export function nativeKeyPair(seed: string): KeyPair {
  const role = ROLES[seed.charAt(1)];
  if (seed.charAt(0) !== 'S' || role === undefined) throw new Error('not an operator, account or user seed');
  const inner = fromSeed(new TextEncoder().encode(seed));
  const rawSeed = (inner as KeyPair & { getRawSeed(): Uint8Array }).getRawSeed();
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, rawSeed]), format: 'der', type: 'pkcs8' });
  const publicKeyObject = createPublicKey(privateKey);
  const rawPublic = new Uint8Array(publicKeyObject.export({ format: 'der', type: 'spki' }).subarray(-32));
  const publicKey = encodeNkey(role, rawPublic);
  return {
    getPublicKey: () => publicKey,
    getPrivateKey: () => new TextEncoder().encode(encodeNkey(Prefix.Private, Uint8Array.of(...rawSeed, ...rawPublic))),
    getSeed: () => inner.getSeed(),
    sign: (input) => new Uint8Array(sign(null, input, privateKey)),
    verify: (input, sig) => verify(null, input, publicKeyObject, sig),
    clear: () => inner.clear(),
    seal: (input, recipient, nonce) => inner.seal(input, recipient, nonce),
    open: (message, sender) => inner.open(message, sender),
  };
}
