import { createAccount, createUser } from '@nats-io/nkeys';
import { AccountDirectory, isAccountPublicKey } from './account-directory.js';

describe('account directory', () => {
  it('maps an account to its org and back', () => {
    const directory = new AccountDirectory();
    directory.bind('acme', 'AACME');

    expect(directory.orgOf('AACME')).toBe('acme');
    expect(directory.accountOf('acme')).toBe('AACME');
    expect(directory.orgOf('AOTHER')).toBeUndefined();
  });

  it('drops the old account when an org is bound to a new one', () => {
    const directory = new AccountDirectory();
    directory.bind('acme', 'AOLD');
    directory.bind('acme', 'ANEW');

    expect(directory.orgOf('AOLD')).toBeUndefined();
    expect(directory.orgOf('ANEW')).toBe('acme');
  });

  it('keeps one org per account: a newer binding takes the account away from the older org', () => {
    const directory = new AccountDirectory();
    directory.bind('acme', 'AKEY');
    directory.bind('globex', 'AKEY');

    expect(directory.orgOf('AKEY')).toBe('globex');
    expect(directory.accountOf('acme')).toBeUndefined();
  });

  it('recognises account public keys, checksum included', () => {
    const key = createAccount().getPublicKey();
    const corrupted = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;

    expect(isAccountPublicKey(key)).toBe(true);
    expect(isAccountPublicKey(corrupted)).toBe(false);
    expect(isAccountPublicKey(createUser().getPublicKey())).toBe(false);
    expect(isAccountPublicKey(42)).toBe(false);
  });
});
