import { DomainError } from '@gwpool/domain';
import { parseRequestInfo, REQUEST_INFO_HEADER, RequestInfoError, tagValue } from './request-info.js';

/** How a service knows whether the transport enforces tenancy, and which account is which org. */
export interface Tenancy {
  /**
   * The services' own account (the issuer of their credential). Undefined when the services connect without a
   * credential: the transport then enforces nothing, and every caller is taken at its word.
   */
  ownAccount?: string;
  /** The org an account belongs to, from the bindings the org-creation tool records. */
  orgOfAccount(accountKey: string): string | undefined;
}

/**
 * Who sent a request.
 * - `trusted`: from the services' own account (the services, the operators' tools), or from anyone when the
 *   transport does not enforce tenancy. Only such a caller may name an actor (the `Gwpool-Actor` header).
 * - `tenant`: the request crossed an org account's import; identity is what the server reported.
 */
export type Caller =
  | { kind: 'trusted'; actor?: string }
  | {
      kind: 'tenant';
      org: string;
      account: string;
      /** The user JWT's name (`name_tag`), when the import shares identity: the actor to record. */
      actor?: string;
      /** The user's public key: identifies the exact credential, for the audit trail. */
      actorKey?: string;
      /** From the user JWT's `role:` tag: informative, the server enforces the permissions. */
      role?: string;
    };

export interface CallerInput {
  /** The org token of the subject, or undefined for an operator subject (`gwpool.v1.admin.…`). */
  subjectOrg: string | undefined;
  /** The raw `Nats-Request-Info` header; undefined or empty when absent (nats.js gives '' for a missing header). */
  requestInfo: string | undefined;
  /** The raw `Gwpool-Actor` header, if any: honoured for trusted callers only. */
  claimedActor: string | undefined;
}

const forbidden = (message: string, details: Record<string, unknown>) => new DomainError('FORBIDDEN', message, details);

/** Who sent a request, before any org is considered: what a service learns from the transport alone. */
export type TransportCaller = { kind: 'trusted'; actor?: string } | Omit<Extract<Caller, { kind: 'tenant' }>, 'org'>;

export interface TransportCallerInput {
  /** Whether the subject is an operator subject (`gwpool.v1.admin.…`), which no tenant may use. */
  operatorSubject: boolean;
  requestInfo: string | undefined;
  claimedActor: string | undefined;
}

/**
 * Who sent a request, as the transport says: trusted, or a tenant of an account. Refuses with FORBIDDEN a tenant on
 * an operator subject and an identity header that cannot be read.
 *
 * A request that crossed an import always carries `Nats-Request-Info` with its account, written by the server over
 * any copy the client sent. Without the header, or with the services' own account in it, the request came from
 * inside the services account, whose clients are trusted (they could write the header themselves). Without an own
 * account (`ownAccount` undefined) the transport enforces nothing, and every caller is taken at its word.
 */
export function callerOf(input: TransportCallerInput, ownAccount: string | undefined): TransportCaller {
  const claimedActor = input.claimedActor;
  if (ownAccount === undefined || !input.requestInfo) return trusted(claimedActor);
  let info;
  try {
    info = parseRequestInfo(input.requestInfo);
  } catch (error) {
    if (!(error instanceof RequestInfoError)) throw error;
    throw forbidden(`the caller's identity is unreadable: ${error.message}`, { header: REQUEST_INFO_HEADER });
  }
  if (info.account === ownAccount) return trusted(claimedActor);
  if (input.operatorSubject) {
    throw forbidden(`operator subjects are for the operators' account only`, { account: info.account });
  }
  const caller: TransportCaller = { kind: 'tenant', account: info.account };
  if (info.userName) caller.actor = info.userName;
  if (info.userKey) caller.actorKey = info.userKey;
  const role = tagValue(info.tags, 'role');
  if (role) caller.role = role;
  return caller;
}

/**
 * Defence in depth: a tenant acts only for the org bound to its account (`boundAccount`, undefined when the org is
 * bound to none). The imports already make anything else impossible when they are right.
 */
export function assertActsFor(caller: TransportCaller, org: string, boundAccount: string | undefined): void {
  if (caller.kind === 'trusted' || caller.account === boundAccount) return;
  throw forbidden(`account '${caller.account}' may not act for org '${org}'`, { org, account: caller.account });
}

/**
 * Decides who the caller is, and refuses with FORBIDDEN a request whose account does not belong to the org in the
 * subject (defence in depth: the imports already make that impossible when they are right). See `callerOf`.
 */
export function identifyCaller(input: CallerInput, tenancy: Tenancy): Caller {
  const caller = callerOf(
    {
      operatorSubject: input.subjectOrg === undefined,
      requestInfo: input.requestInfo,
      claimedActor: input.claimedActor,
    },
    tenancy.ownAccount,
  );
  if (caller.kind === 'trusted') return caller;
  const accountOrg = tenancy.orgOfAccount(caller.account);
  const subjectOrg = input.subjectOrg as string;
  if (accountOrg === undefined) {
    throw forbidden(`account '${caller.account}' belongs to no org`, { org: subjectOrg, account: caller.account });
  }
  if (accountOrg !== subjectOrg) {
    throw forbidden(`a caller of org '${accountOrg}' may not act for org '${subjectOrg}'`, {
      org: subjectOrg,
      account: caller.account,
    });
  }
  return { ...caller, org: accountOrg };
}

function trusted(actor: string | undefined): Caller {
  return actor === undefined ? { kind: 'trusted' } : { kind: 'trusted', actor };
}
