import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { nativeKeyPair } from './native-key-pair.js';

const seedOf = (kp: KeyPair) => new TextDecoder().decode(kp.getSeed());

describe('native key pair', () => {
  it.each([
    ['operator', createOperator()],
    ['account', createAccount()],
    ['user', createUser()],
  ])('gives the same public key, private key and signatures as nkeys for an %s seed', (_role, reference) => {
    const native = nativeKeyPair(seedOf(reference));
    const message = new TextEncoder().encode('gwpool.v1.acme.cmd.pool.create');

    expect(native.getPublicKey()).toBe(reference.getPublicKey());
    expect(new TextDecoder().decode(native.getPrivateKey())).toBe(new TextDecoder().decode(reference.getPrivateKey()));
    expect(native.sign(message)).toEqual(reference.sign(message));
    expect(reference.verify(message, native.sign(message))).toBe(true);
    expect(native.verify(message, reference.sign(message))).toBe(true);
  });

  it('refuses what is not an operator, account or user seed', () => {
    expect(() => nativeKeyPair(createAccount().getPublicKey())).toThrow(/not an operator, account or user seed/);
  });
});
