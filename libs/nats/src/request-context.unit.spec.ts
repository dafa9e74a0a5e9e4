import { DomainError } from '@gwpool/domain';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { NatsContext } from '@nestjs/microservices';
import { assertOperatorCaller, requestContext } from './request-context.js';
import { TransportTenancy } from './transport-tenancy.js';

const SERVICES = `A${'S'.repeat(55)}`;
const ACME = `A${'B'.repeat(55)}`;
const GLOBEX = `A${'C'.repeat(55)}`;
const ALICE = `U${'D'.repeat(55)}`;
const enforced = TransportTenancy.ofAccount(SERVICES);
const open = TransportTenancy.ofAccount(undefined);
const bound: Record<string, string> = { acme: ACME, globex: GLOBEX };
const boundAccount = (org: string) => bound[org];

function ctx(subject: string, values: Record<string, string> = {}): NatsContext {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(values)) h.set(key, value);
  return new NatsContext([subject, h]);
}

/** As the server writes it on a request that crossed a shared import. */
const info = (acc: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ acc, user: ALICE, name_tag: 'alice', name: 'root', tags: ['org:acme', 'role:admin'], ...extra });

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the request was accepted');
}

describe('the request context', () => {
  it("records a tenant's authenticated name and key as the actor, and ignores its Gwpool-Actor", () => {
    const request = requestContext(
      ctx('gwpool.v1.acme.cmd.pool.create', { 'Nats-Request-Info': info(ACME), 'Gwpool-Actor': 'mallory' }),
      enforced,
      { boundAccount },
    );

    expect(request).toMatchObject({ org: 'acme', actor: 'alice', actorKey: ALICE, callerAccount: ACME });
  });

  it('lets a caller of the services account name the actor, and records no account for it', () => {
    const request = requestContext(ctx('gwpool.v1.acme.cmd.pool.create', { 'Gwpool-Actor': 'ops' }), enforced);

    expect(request).toMatchObject({ org: 'acme', actor: 'ops', caller: { kind: 'trusted' } });
    expect(request.callerAccount).toBeUndefined();
    expect(request.actorKey).toBeUndefined();
  });

  it("refuses with FORBIDDEN a tenant on another org's subject", () => {
    const error = refusal(() =>
      requestContext(ctx('gwpool.v1.globex.query.pool.list', { 'Nats-Request-Info': info(ACME) }), enforced, {
        boundAccount,
      }),
    );

    expect([error.code, error.message]).toEqual(['FORBIDDEN', `account '${ACME}' may not act for org 'globex'`]);
  });

  it('refuses with FORBIDDEN a tenant of an org bound to no account', () => {
    const error = refusal(() =>
      requestContext(ctx('gwpool.v1.initech.query.pool.list', { 'Nats-Request-Info': info(ACME) }), enforced, {
        boundAccount,
      }),
    );

    expect(error.code).toBe('FORBIDDEN');
  });

  it('refuses a tenant on an operator subject, whatever org the body names', () => {
    const subject = ctx('gwpool.v1.admin.entitlement.set', { 'Nats-Request-Info': info(ACME) });

    expect(refusal(() => requestContext(subject, enforced, { org: 'acme' })).code).toBe('FORBIDDEN');
    expect(refusal(() => assertOperatorCaller(subject, enforced)).message).toMatch(/operators' account only/);
    expect(() => assertOperatorCaller(ctx('gwpool.v1.admin.projector.status'), enforced)).not.toThrow();
  });

  it('takes every caller at its word when the transport enforces nothing, identity header included', () => {
    const request = requestContext(
      ctx('gwpool.v1.globex.cmd.pool.create', { 'Nats-Request-Info': info(ACME), 'Gwpool-Actor': 'bob' }),
      open,
      { boundAccount },
    );

    expect(request).toMatchObject({ org: 'globex', actor: 'bob', caller: { kind: 'trusted' } });
  });
});
