// JWT issuance with @nats-io/jwt (0.0.11; its authors mark it unsupported, so its use stays in this one file).
import {
  decode,
  encodeAccount,
  encodeActivation,
  encodeOperator,
  encodeUser,
  type Export,
  fmtCreds,
  type Import,
} from '@nats-io/jwt';
import type { KeyPair } from '@nats-io/nkeys';
import { nativeKeyPair } from './native-key-pair.js';
import type { Permissions } from './role-permissions.js';
import { orgSubject, TENANT_EXPORTS } from './tenant-subjects.js';

/**
 * encodeAccount sets no limits at all, and an account without `imports`/`exports` limits has the server refuse
 * its imports: state every limit, unlimited.
 */
const UNLIMITED = {
  imports: -1,
  exports: -1,
  subs: -1,
  conn: -1,
  leaf: -1,
  data: -1,
  payload: -1,
  wildcards: true,
} as const;

export const keyPair = (seed: string): KeyPair => nativeKeyPair(seed);
export const seedOf = (kp: KeyPair): string => new TextDecoder().decode(kp.getSeed());

export function operatorJwt(name: string, operator: KeyPair, systemAccount: string): Promise<string> {
  return encodeOperator(name, operator, { system_account: systemAccount });
}

export function plainAccountJwt(name: string, account: KeyPair, operator: KeyPair): Promise<string> {
  return encodeAccount(name, account, { limits: UNLIMITED }, { signer: operator });
}

/**
 * The services account: exports every tenant slice privately (an activation token is required for each).
 * `revocations` are its own users' (user public key → epoch seconds).
 */
export function servicesAccountJwt(
  name: string,
  account: KeyPair,
  operator: KeyPair,
  revocations: ReadonlyMap<string, number>,
): Promise<string> {
  const exports: Export[] = TENANT_EXPORTS.map((e) => ({
    name: e.name,
    subject: e.pattern,
    type: e.kind,
    token_req: true,
  }));
  const claims = { limits: UNLIMITED, exports, revocations: Object.fromEntries(revocations) };
  return encodeAccount(name, account, claims, { signer: operator });
}

export interface OrgAccountState {
  /** User public key → epoch seconds: every JWT of that user issued at or before then is refused. */
  revocations: ReadonlyMap<string, number>;
  /** Set when the whole org is cut off: no connection, no import, every user issued until then revoked. */
  disabledAt?: number;
}

/**
 * An org account, named after the org: it imports its own slice of each export, with an activation token that the
 * services account signs for exactly that slice and this account.
 */
export async function orgAccountJwt(
  org: string,
  account: KeyPair,
  services: KeyPair,
  operator: KeyPair,
  state: OrgAccountState,
): Promise<string> {
  const revocations: Record<string, number> = Object.fromEntries(state.revocations);
  if (state.disabledAt !== undefined) {
    revocations['*'] = state.disabledAt;
    return encodeAccount(org, account, { limits: { ...UNLIMITED, conn: 0 }, revocations }, { signer: operator });
  }
  const imports: Import[] = [];
  for (const e of TENANT_EXPORTS) {
    const subject = orgSubject(e.pattern, org);
    const token = await encodeActivation(`${org} ${e.name}`, account.getPublicKey(), services, e.kind, { subject });
    imports.push({
      name: e.name,
      subject,
      account: services.getPublicKey(),
      token,
      type: e.kind,
      ...(e.kind === 'service' && e.share ? { share: true } : {}),
    });
  }
  return encodeAccount(org, account, { limits: UNLIMITED, imports, revocations }, { signer: operator });
}

export interface UserClaims {
  /** The JWT name: the server reports it as `name_tag`, so it is the trustworthy name of the user. */
  name: string;
  permissions?: Permissions;
  tags: string[];
}

/** A user JWT signed by its account, and the `.creds` text any NATS client reads (it holds the user's seed). */
export async function userCreds(
  user: KeyPair,
  account: KeyPair,
  claims: UserClaims,
): Promise<{ jwt: string; creds: string }> {
  const jwt = await encodeUser(claims.name, user, account, { ...(claims.permissions ?? {}), tags: claims.tags });
  return { jwt, creds: new TextDecoder().decode(fmtCreds(jwt, user)) };
}

/** The payload of a JWT this process has just signed (no signature check: use `decode` for others' JWTs). */
export function ownClaims(jwt: string): { iss: string; sub: string; name: string; iat: number } {
  const payload = jwt.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ReturnType<typeof ownClaims>;
}

/** The account a `.creds` file's user belongs to (its JWT's issuer), after checking the JWT's signature. */
export function accountOfCreds(creds: string): string {
  const jwt = /-----BEGIN NATS USER JWT-----\s*([A-Za-z0-9_.-]+)\s*------END NATS USER JWT------/.exec(creds)?.[1];
  if (!jwt) throw new Error('not a NATS .creds file: no user JWT in it');
  const claims = decode<{ issuer_account?: string }>(jwt);
  return claims.nats.issuer_account ?? claims.iss;
}
