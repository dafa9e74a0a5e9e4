import type { Authenticator } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { accountOfCreds } from './claims.js';
import { nativeKeyPair } from './native-key-pair.js';

/** A `.creds` file as a connection needs it: how to answer the server's nonce, and the account it belongs to. */
export interface NatsCreds {
  authenticator: Authenticator;
  /** The account that issued the user: the services read their own account from their credential. */
  account: string;
}

const BLOCK = /-{3,}[^\n]*-{3,}\r?\n(.+)\r?\n\s*-{3,}[^\n]*-{3,}/g;

/**
 * What nats.js's `credsAuthenticator` sends (the user JWT, the user's public key, the nonce's signature), signed with
 * node:crypto: nats.js signs in plain JavaScript, slowly enough on a busy machine that parallel connects miss the
 * server's 2 s authentication timeout. The seed stays in memory and is never logged.
 */
export function credsAuthenticatorOf(creds: string): NatsCreds {
  const [jwt, seed] = [...creds.matchAll(BLOCK)].map((m) => m[1]!.trim());
  if (!jwt || !seed) throw new Error('not a NATS .creds file: it needs a user JWT and a seed');
  const user = nativeKeyPair(seed);
  const nkey = user.getPublicKey();
  const authenticator: Authenticator = (nonce?: string) => ({
    jwt,
    nkey,
    sig: nonce ? Buffer.from(user.sign(new TextEncoder().encode(nonce))).toString('base64') : '',
  });
  return { authenticator, account: accountOfCreds(creds) };
}

/** Reads a `.creds` file; the error names the file, never its content. */
export function readNatsCreds(path: string): NatsCreds {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot read the NATS credential ${path}: ${why}`, { cause: error });
  }
  try {
    return credsAuthenticatorOf(text);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
