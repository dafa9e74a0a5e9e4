import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createUser, fromPublic } from '@nats-io/nkeys';
import { keyPair, seedOf, userCreds } from './claims.js';
import { credsAuthenticatorOf, readNatsCreds } from './creds-authenticator.js';

describe('a .creds file as a connection uses it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gwpool-creds-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("answers the server's nonce as nats.js would, and names the account that issued the user", async () => {
    const account = keyPair(seedOf(createAccount()));
    const user = keyPair(seedOf(createUser()));
    const { jwt, creds } = await userCreds(user, account, { name: 'alice', tags: [] });

    const { authenticator, account: issuer } = credsAuthenticatorOf(creds);
    const answer = authenticator('a-nonce') as { jwt: string; nkey: string; sig: string };

    expect(issuer).toBe(account.getPublicKey());
    expect([answer.jwt, answer.nkey]).toEqual([jwt, user.getPublicKey()]);
    const signed = fromPublic(user.getPublicKey()).verify(
      new TextEncoder().encode('a-nonce'),
      Buffer.from(answer.sig, 'base64'),
    );
    expect(signed).toBe(true);
  });

  it('names the file and never its content when it cannot be used', async () => {
    const path = join(dir, 'broken.creds');
    await writeFile(path, 'SUAPRIVATESEEDTHATMUSTNOTBELOGGED');

    expect(() => readNatsCreds(path)).toThrow(`${path}: not a NATS .creds file: it needs a user JWT and a seed`);
    expect(() => readNatsCreds(path)).not.toThrow(/SUAPRIVATE/);
    expect(() => readNatsCreds(join(dir, 'missing.creds'))).toThrow(
      `cannot read the NATS credential ${join(dir, 'missing.creds')}: ENOENT`,
    );
  });
});
