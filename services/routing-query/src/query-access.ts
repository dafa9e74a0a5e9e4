import { CatalogFollower } from '@gwpool/log-followers';
import { requestContext, TransportTenancy } from '@gwpool/nats';
import type { MsgHdrs } from '@nats-io/transport-node';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { ReadFence } from './read-fence.js';

/** What every query does before it answers: who may ask for the org, and how fresh the answer must be. */
@Injectable()
export class QueryAccess {
  constructor(
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
    @Inject(CatalogFollower) private readonly catalog: CatalogFollower,
    @Inject(ReadFence) private readonly fence: ReadFence,
  ) {}

  /** The org of the subject, once the caller is known to act for it (FORBIDDEN otherwise). */
  orgOf(ctx: NatsContext): string {
    const boundAccount = (org: string) => this.catalog.get(org)?.accountPublicKey;
    return requestContext(ctx, this.tenancy, { boundAccount }).org;
  }

  /** Answers at once unless the view must first apply a newer position: the usual case costs one map lookup. */
  read<T>(org: string, ctx: NatsContext, fromBody: string | undefined, answer: () => Promise<T>): Promise<T> {
    const minPosition = this.fence.minPosition(ctx.getHeaders() as MsgHdrs | undefined, fromBody);
    const wait = this.fence.before(org, minPosition);
    return wait ? wait.then(answer) : answer();
  }
}
