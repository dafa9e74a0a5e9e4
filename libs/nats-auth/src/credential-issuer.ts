import { createUser } from '@nats-io/nkeys';
import { join } from 'node:path';
import type { CredentialKind, CredentialRecord } from './auth-store-model.js';
import { keyPair, ownClaims, seedOf, userCreds } from './claims.js';
import type { Permissions, Role } from './role-permissions.js';

export interface CredentialSpec {
  kind: CredentialKind;
  name: string;
  role: Role;
  org?: string;
}

/**
 * Mints a user key and signs its JWT with the account seed. Returns the record to store and the `.creds` text to
 * write: the store writes the file only once the record is saved, so no valid credential ever goes unrecorded.
 */
export async function issueCredential(
  accountSeed: string,
  spec: CredentialSpec,
  permissions: Permissions | undefined,
  tags: string[],
): Promise<{ record: CredentialRecord; creds: string }> {
  const user = keyPair(seedOf(createUser()));
  const { jwt, creds } = await userCreds(user, keyPair(accountSeed), { name: spec.name, permissions, tags });
  const { kind, name, role } = spec;
  const record = { kind, name, role, publicKey: user.getPublicKey(), issuedAt: ownClaims(jwt).iat };
  return { record: { ...record, credsFile: credsFileOf(spec) }, creds };
}

/** Where a credential's `.creds` file lives, relative to the store directory. */
export function credsFileOf(spec: CredentialSpec): string {
  switch (spec.kind) {
    case 'user':
      return join('creds', 'orgs', spec.org!, 'users', `${spec.name}.creds`);
    case 'gateway':
      return join('creds', 'orgs', spec.org!, 'gateways', `${spec.name}.creds`);
    case 'service':
      return join('creds', 'services', `${spec.name}.creds`);
    case 'system':
      return join('creds', 'system', `${spec.name}.creds`);
    default: {
      const never: never = spec.kind;
      throw new Error(`unknown credential kind ${String(never)}`);
    }
  }
}
