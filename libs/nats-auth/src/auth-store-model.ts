import { RESERVED_ORGS } from '@gwpool/contracts';
import { isToken } from '@gwpool/domain';
import { AuthError } from './auth-error.js';
import type { Role } from './role-permissions.js';

/** A signing identity of the store: its seed is the secret, its JWT and public key are not. */
export interface KeyRecord {
  name: string;
  seed: string;
  publicKey: string;
  jwt: string;
}

export type CredentialKind = 'user' | 'gateway' | 'service' | 'system';

/** An issued credential. The store keeps no user seed: that lives only in the `.creds` file handed out. */
export interface CredentialRecord {
  kind: CredentialKind;
  name: string;
  role: Role;
  publicKey: string;
  /** The user JWT's `iat` (epoch seconds). */
  issuedAt: number;
  revokedAt?: number;
  /** Relative to the store directory; removed when the credential is revoked. */
  credsFile: string;
}

export interface OrgRecord extends KeyRecord {
  org: string;
  disabledAt?: number;
  credentials: CredentialRecord[];
}

export interface StoreData {
  version: 1;
  operator: KeyRecord;
  system: KeyRecord;
  services: KeyRecord;
  /** Users of the system and services accounts. */
  credentials: CredentialRecord[];
  orgs: OrgRecord[];
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Org, user and gateway names become subject tokens, JWT names and file names: tokens only. */
export function checkName(what: string, name: unknown): string {
  if (!isToken(name) || FORBIDDEN_NAMES.has(name)) {
    throw new AuthError('INVALID_NAME', `${what} must be 1 to 64 letters, digits, underscores or hyphens`);
  }
  return name;
}

export function checkOrgName(org: unknown): string {
  const name = checkName('an org name', org);
  if (RESERVED_ORGS.has(name)) {
    throw new AuthError('INVALID_NAME', `'${name}' is reserved for operator subjects and cannot name an org`);
  }
  return name;
}

export const liveCredentials = (records: readonly CredentialRecord[]) =>
  records.filter((c) => c.revokedAt === undefined);

/** User public key → revocation time, as the account JWT carries it. */
export const revocationsOf = (records: readonly CredentialRecord[]): Map<string, number> =>
  new Map(records.flatMap((c) => (c.revokedAt === undefined ? [] : [[c.publicKey, c.revokedAt] as const])));

const isKeyRecord = (v: unknown): v is KeyRecord =>
  typeof v === 'object' &&
  v !== null &&
  ['name', 'seed', 'publicKey', 'jwt'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

const isCredential = (v: unknown): v is CredentialRecord => {
  const c = v as Partial<CredentialRecord> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.kind === 'string' &&
    typeof c.name === 'string' &&
    typeof c.role === 'string' &&
    typeof c.publicKey === 'string' &&
    typeof c.issuedAt === 'number' &&
    (c.revokedAt === undefined || typeof c.revokedAt === 'number') &&
    typeof c.credsFile === 'string'
  );
};

/** The store file, checked shape by shape: a hand-edited or truncated file is refused, not half read. */
export function parseStore(text: string, path: string): StoreData {
  const fail = (why: string) => new AuthError('STORE_UNREADABLE', `the auth store ${path} is unreadable: ${why}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw fail('not JSON');
  }
  const d = data as Partial<StoreData> | null;
  if (typeof d !== 'object' || d === null || d.version !== 1) throw fail('unknown version');
  if (!isKeyRecord(d.operator) || !isKeyRecord(d.system) || !isKeyRecord(d.services)) throw fail('missing keys');
  if (!Array.isArray(d.credentials) || !d.credentials.every(isCredential)) throw fail('bad credentials');
  if (!Array.isArray(d.orgs)) throw fail('bad orgs');
  for (const o of d.orgs as unknown[]) {
    const org = o as Partial<OrgRecord>;
    if (!isKeyRecord(o) || typeof org.org !== 'string' || !Array.isArray(org.credentials)) throw fail('bad org');
    if (!org.credentials.every(isCredential)) throw fail(`bad credentials in org ${org.org}`);
    if (org.disabledAt !== undefined && typeof org.disabledAt !== 'number') throw fail(`bad org ${org.org}`);
  }
  return d as StoreData;
}
