import {
  ACTOR_HEADER,
  CORRELATION_HEADER,
  orgOfSubject,
  RequestValidationError,
  RESERVED_ORGS,
  TRACEPARENT_HEADER,
} from '@gwpool/contracts';
import { parseTraceparent } from '@gwpool/domain';
import { assertActsFor, callerOf, REQUEST_INFO_HEADER, type TransportCaller } from '@gwpool/nats-auth';
import { currentLogScope, type LogScope, runInLogScope } from '@gwpool/observability';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { NatsContext } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { TransportTenancy } from './transport-tenancy.js';

export interface RequestContext {
  org: string;
  /** Who acted: a tenant's authenticated name, else what a trusted caller said in `Gwpool-Actor`. */
  actor?: string;
  /** The public key of a tenant's credential, as the server reported it. */
  actorKey?: string;
  /** A tenant's account, as the server reported it; absent for trusted callers. */
  callerAccount?: string;
  caller: TransportCaller;
  /** Identifies this request; events it causes name it as their causation. */
  requestId: string;
  correlationId: string;
  /** W3C trace context, when the request carried a valid one. */
  traceparent?: string;
}

/** What the edge knows of a message before its handler runs; log lines written while it is handled carry it. */
export interface EdgeScope extends LogScope {
  requestId: string;
  correlationId: string;
}

export interface RequestContextOptions {
  /** The org of an operator subject, which carries it in the body; its subject is then refused to tenants. */
  org?: string;
  /**
   * The account the org is bound to, when the service knows it at once: a tenant of any other account is refused
   * here with FORBIDDEN. pool-command leaves it out and lets its decider refuse, on the org's own state.
   */
  boundAccount?: (org: string) => string | undefined;
}

const MAX_HEADER = 256;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Trimmed, cut to MAX_HEADER without splitting a character, and free of control characters, so it can be stored. */
function header(h: MsgHdrs | undefined, name: string): string | undefined {
  const value = h?.get(name)?.replace(CONTROL, ' ').trim();
  if (!value) return undefined;
  const cut = value.slice(0, MAX_HEADER);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The scope of one incoming message: its org when the subject names a valid one, its ids and trace context. */
export function edgeScope(subject: string, h: MsgHdrs | undefined): EdgeScope {
  const requestId = randomUUID();
  const scope: EdgeScope = { requestId, correlationId: requestId };
  const org = orgOfSubject(subject);
  if (org) scope.org = org;
  if (h) {
    scope.correlationId = header(h, CORRELATION_HEADER) ?? requestId;
    const traceparent = parseTraceparent(h.get(TRACEPARENT_HEADER));
    if (traceparent) scope.traceparent = traceparent;
  }
  return scope;
}

/** Runs a message's handler in its scope. */
export const runInEdgeScope = <T>(scope: EdgeScope, work: () => T): T => runInLogScope(scope, work);

/**
 * The org, the caller and the conversation of a request. Identity comes from the transport (see
 * docs/security.md): a tenant is who nats-server says, and its `Gwpool-Actor` is ignored.
 */
export function requestContext(
  ctx: NatsContext,
  tenancy: TransportTenancy,
  options: RequestContextOptions = {},
): RequestContext {
  const subject = ctx.getSubject();
  const org = options.org ?? orgOfSubject(subject);
  if (!org) {
    throw new RequestValidationError(`the org token of subject '${subject}' is not valid`, {
      org: 'must be 1 to 64 letters, digits, underscores or hyphens',
    });
  }
  if (RESERVED_ORGS.has(org)) {
    throw new RequestValidationError(`'${org}' is reserved for operator subjects and cannot name an org`, {
      org: `must not be one of: ${[...RESERVED_ORGS].join(', ')}`,
    });
  }
  const h = ctx.getHeaders() as MsgHdrs | undefined;
  // The edge made the ids before the handler ran; outside it (a handler called directly) they are made here.
  const inScope: Partial<EdgeScope> | undefined = currentLogScope();
  const scope = inScope?.requestId && inScope.correlationId ? (inScope as EdgeScope) : edgeScope(subject, h);
  // Log lines of an operator command carry the org named in its body.
  scope.org = org;
  const caller = callerOf(
    {
      operatorSubject: options.org !== undefined,
      // Not trimmed or cut: the server wrote it, and a changed header would read as another.
      requestInfo: h?.get(REQUEST_INFO_HEADER),
      claimedActor: header(h, ACTOR_HEADER),
    },
    tenancy.ownAccount,
  );
  if (options.boundAccount) assertActsFor(caller, org, options.boundAccount(org));
  const context: RequestContext = {
    org,
    caller,
    requestId: scope.requestId,
    correlationId: scope.correlationId,
    ...(scope.traceparent ? { traceparent: scope.traceparent } : {}),
  };
  if (caller.actor) context.actor = caller.actor;
  if (caller.kind === 'tenant') {
    context.callerAccount = caller.account;
    if (caller.actorKey) context.actorKey = caller.actorKey;
  }
  return context;
}

/** An operator subject that names no org (a status, counters): refused with FORBIDDEN to any tenant. */
export function assertOperatorCaller(ctx: NatsContext, tenancy: TransportTenancy): void {
  const h = ctx.getHeaders() as MsgHdrs | undefined;
  callerOf(
    { operatorSubject: true, requestInfo: h?.get(REQUEST_INFO_HEADER), claimedActor: undefined },
    tenancy.ownAccount,
  );
}
