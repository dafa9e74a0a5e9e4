import {
  ACTOR_HEADER,
  CORRELATION_HEADER,
  orgOfSubject,
  RequestValidationError,
  RESERVED_ORGS,
  TRACEPARENT_HEADER,
} from '@gwpool/contracts';
import { parseTraceparent } from '@gwpool/domain';
import { currentLogScope, type LogScope, runInLogScope } from '@gwpool/observability';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { NatsContext } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  org: string;
  actor?: string;
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

/** `explicitOrg` serves subjects that carry the org in the body (operator commands). */
export function requestContext(ctx: NatsContext, explicitOrg?: string): RequestContext {
  const subject = ctx.getSubject();
  const org = explicitOrg ?? orgOfSubject(subject);
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
  return {
    org,
    actor: header(h, ACTOR_HEADER),
    requestId: scope.requestId,
    correlationId: scope.correlationId,
    ...(scope.traceparent ? { traceparent: scope.traceparent } : {}),
  };
}
