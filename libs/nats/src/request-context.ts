import {
  ACTOR_HEADER,
  CORRELATION_HEADER,
  orgOfSubject,
  RequestValidationError,
  RESERVED_ORGS,
} from '@gwpool/contracts';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { NatsContext } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  org: string;
  actor?: string;
  /** Identifies this request; events it causes name it as their causation. */
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
  const requestId = randomUUID();
  return {
    org,
    actor: header(h, ACTOR_HEADER),
    requestId,
    correlationId: header(h, CORRELATION_HEADER) ?? requestId,
  };
}
