import type { LeaseEnd, WriterLease } from '@gwpool/read-model';
import { type Collection, MongoServerError } from 'mongodb';

export interface StoredLease {
  _id: string;
  token: number;
  holder: string;
  /** The server's clock ($$NOW), so holders on other hosts need not agree on the time. */
  expiresAt: Date;
  batches?: number;
}

const DUPLICATE_KEY = 11000;

/**
 * A writer lease as a document that expires: taking it (when absent or expired) bumps its token, the fence of every
 * batch; the holder renews it every third of its TTL. A killed holder's lease is taken over once it expires. A holder
 * that cannot renew in time counts it as ended before it expires on the server, so two holders never both think
 * they hold it; the fence keeps a paused one from writing even then.
 */
export class MongoWriterLease implements WriterLease {
  readonly ended: Promise<LeaseEnd>;
  private end!: (end: LeaseEnd) => void;
  private timer?: NodeJS.Timeout;
  private over = false;
  /** Until when, by this process's clock, the lease is surely still ours. */
  private validUntil: number;

  private constructor(
    readonly name: string,
    readonly token: number,
    private readonly leases: Collection<StoredLease>,
    private readonly ttlMs: number,
    takenAt: number,
  ) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    this.validUntil = takenAt + ttlMs;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(ttlMs / 3)));
  }

  static async tryAcquire(
    leases: Collection<StoredLease>,
    name: string,
    holder: string,
    ttlMs: number,
  ): Promise<MongoWriterLease | null> {
    const sentAt = Date.now();
    try {
      // Matches only an expired lease; when there is none, the upsert inserts it, or fails on the key if it is held.
      const taken = await leases.findOneAndUpdate(
        { _id: name, $expr: { $lt: ['$expiresAt', '$$NOW'] } },
        [
          {
            $set: {
              token: { $add: [{ $ifNull: ['$token', 0] }, 1] },
              holder,
              expiresAt: { $add: ['$$NOW', ttlMs] },
            },
          },
        ],
        { upsert: true, returnDocument: 'after' },
      );
      if (!taken) return null;
      return new MongoWriterLease(name, taken.token, leases, ttlMs, sentAt);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return null;
      throw error;
    }
  }

  async release(): Promise<void> {
    if (this.over) return;
    this.finish({ reason: 'released' });
    await this.leases
      .updateOne({ _id: this.name, token: this.token }, { $set: { expiresAt: new Date(0) } })
      .catch(() => undefined);
  }

  private async renew(): Promise<void> {
    if (this.over) return;
    const sentAt = Date.now();
    try {
      const renewed = await this.leases.updateOne({ _id: this.name, token: this.token }, [
        { $set: { expiresAt: { $add: ['$$NOW', this.ttlMs] } } },
      ]);
      if (renewed.matchedCount === 0) return this.finish({ reason: 'taken' });
      this.validUntil = sentAt + this.ttlMs;
    } catch (error) {
      if (Date.now() >= this.validUntil - Math.floor(this.ttlMs / 3)) this.finish({ reason: 'unavailable', error });
    }
  }

  private finish(end: LeaseEnd): void {
    if (this.over) return;
    this.over = true;
    clearInterval(this.timer);
    this.end(end);
  }
}
