import { ADMIN_SUBJECTS, EmptyDto, parseRequest, type RebuildStarted } from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { errorHeaders, plainJsonBody, toWireError, type TransportTenancy } from '@gwpool/nats';
import { callerOf, REQUEST_INFO_HEADER } from '@gwpool/nats-auth';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

/** What the endpoint starts: a rebuild's first reply, and when it ends. */
export interface StartedRebuild {
  started: RebuildStarted;
  done: Promise<unknown>;
}

/**
 * `gwpool.v1.admin.projections.rebuild`, served only while this projector holds the writer lease: the rebuild runs
 * beside the live writer, which it must pause to hand over. Standbys do not subscribe, so exactly one projector
 * answers, and with no writer the caller hears "no responders" at once. One rebuild at a time.
 */
export class RebuildEndpoint {
  private subscription?: Subscription;
  private running?: StartedRebuild;
  private readonly logger = new Logger(RebuildEndpoint.name);

  constructor(
    private readonly nc: NatsConnection,
    private readonly tenancy: TransportTenancy,
    private readonly start: () => StartedRebuild,
  ) {}

  /** The rebuild under way, if any (it outlives a role change: it pauses the writer only at its end). */
  get current(): StartedRebuild | undefined {
    return this.running;
  }

  setActive(active: boolean): void {
    if (active && !this.subscription) {
      this.subscription = this.nc.subscribe(ADMIN_SUBJECTS.projectionsRebuild, {
        callback: (error, msg) => {
          if (error) return this.logger.warn(`rebuild endpoint: ${error.message}`);
          this.handle(msg);
        },
      });
    } else if (!active && this.subscription) {
      this.subscription.unsubscribe();
      this.subscription = undefined;
    }
  }

  private handle(msg: Msg): void {
    if (!msg.reply) return;
    try {
      callerOf(
        {
          operatorSubject: true,
          requestInfo: msg.headers?.get(REQUEST_INFO_HEADER) || undefined,
          claimedActor: undefined,
        },
        this.tenancy.ownAccount,
      );
      parseRequest(EmptyDto, plainJsonBody(msg.data));
      if (this.running)
        throw new DomainError('CONFLICT', `a rebuild is already running into '${this.running.started.namespace}'`, {
          rebuildId: this.running.started.rebuildId,
          namespace: this.running.started.namespace,
        });
      const rebuild = this.start();
      this.running = rebuild;
      void rebuild.done.finally(() => {
        if (this.running === rebuild) this.running = undefined;
      });
      msg.respond(JSON.stringify(rebuild.started));
    } catch (error) {
      const wire = toWireError(error);
      msg.respond(JSON.stringify({ error: wire }), { headers: errorHeaders(wire) });
    }
  }
}
