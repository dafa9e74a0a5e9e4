import type { LeaseEnd, ReadModelStore, WriterLease } from '@gwpool/read-model';
import { Logger } from '@nestjs/common';

/**
 * - `active`: holds the writer lease; writes the views and publishes health.
 * - `standby`: follows the log in memory; writes nothing, publishes nothing, tries to take the lease.
 * - `reconnecting`: lost the lease because the read model went away. It keeps publishing health (which needs only
 *   NATS and memory) but writes nothing, until the store answers again: then it takes the lease back, or finds
 *   another holder and stands by.
 */
export type WriterRole = 'active' | 'standby' | 'reconnecting';

export interface LeadershipHooks {
  /** Makes this instance the writer; throws (the lease is then released) when it cannot. */
  activate(lease: WriterLease): Promise<void>;
  /** Stops writing at once. */
  deactivate(): void;
  roleChanged(role: WriterRole): void;
}

const TRY_EVERY_MS = 250;

/**
 * Exactly one projector writes at a time: the one holding the read model's writer lease. The others try to take it
 * every 250 ms, so a standby takes over as soon as the holder's lease ends (PostgreSQL: the moment its session
 * closes; MongoDB: when it expires).
 */
export class WriterLeadership {
  role: WriterRole = 'standby';
  lease?: WriterLease;
  /** A lease taken and not yet written under (the writer is catching up with its checkpoint). */
  private taking?: WriterLease;
  /** Leases taken by this instance. */
  terms = 0;
  private stopped = false;
  private loop?: Promise<void>;
  private outageLogged = false;
  private readonly logger = new Logger(WriterLeadership.name);

  constructor(
    private readonly store: ReadModelStore,
    private readonly name: string,
    private readonly holder: string,
    private readonly hooks: LeadershipHooks,
    private readonly tryEveryMs = TRY_EVERY_MS,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Gives the lease up (after the caller's last write), so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.lease?.release();
    await this.loop;
  }

  /** The writer was fenced out: someone else holds the lease now. */
  async lost(): Promise<void> {
    await this.lease?.release();
  }

  /**
   * Gives up whatever lease this instance holds or is taking, and tries again at once: after a swap to rebuilt views,
   * whose lease is another one (the store now names the new namespace).
   */
  async stepDown(): Promise<void> {
    await Promise.all([this.taking?.release(), this.lease?.release()]);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const lease = await this.tryAcquire();
      if (lease === undefined || this.stopped) {
        await lease?.release();
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, this.tryEveryMs));
        continue;
      }
      try {
        this.taking = lease;
        await this.hooks.activate(lease);
      } catch (error) {
        this.logger.warn(`took the writer lease but could not start writing, giving it back: ${String(error)}`);
        await lease.release();
        continue;
      } finally {
        this.taking = undefined;
      }
      this.lease = lease;
      this.terms += 1;
      this.setRole('active');
      this.logger.log(`holds the writer lease '${this.name}' (token ${lease.token}): writing views, publishing health`);
      const end = await lease.ended;
      this.lease = undefined;
      this.hooks.deactivate();
      this.ended(end);
    }
  }

  /** The lease, or undefined when someone else has it or the store cannot be reached. */
  private async tryAcquire(): Promise<WriterLease | undefined> {
    try {
      const lease = await this.store.tryAcquireWriterLease(this.name, this.holder);
      if (this.outageLogged) this.logger.log('the read model answers again');
      this.outageLogged = false;
      // Someone else holds it: a holder cut off by the outage stops publishing.
      if (lease === null && this.role === 'reconnecting') this.setRole('standby');
      return lease ?? undefined;
    } catch (error) {
      if (!this.outageLogged) this.logger.warn(`cannot reach the read model for the writer lease: ${String(error)}`);
      this.outageLogged = true;
      return undefined;
    }
  }

  private ended(end: LeaseEnd): void {
    if (end.reason === 'unavailable') {
      this.logger.warn(`lost the writer lease, the read model is unavailable: ${String(end.error)}`);
      this.setRole(this.stopped ? 'standby' : 'reconnecting');
    } else {
      if (!this.stopped) this.logger.warn(`the writer lease ended (${end.reason}): standing by`);
      this.setRole('standby');
    }
  }

  private setRole(role: WriterRole): void {
    if (this.role === role) return;
    this.role = role;
    this.hooks.roleChanged(role);
  }
}
