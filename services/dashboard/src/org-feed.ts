import { type AuditEntry, healthSubject } from '@gwpool/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import type { OrgReader, OrgSnapshot } from './org-snapshot.js';

/** Heartbeat ages and catalog changes (which the health stream does not carry) refresh this often. */
const REFRESH_MS = 2000;
/** The log is followed for new health transitions this often. */
const TRANSITIONS_MS = 1000;
const KEPT_TRANSITIONS = 30;

export type FeedMessage = { kind: 'snapshot'; snapshot: OrgSnapshot } | { kind: 'error'; message: string };
export type FeedListener = (message: FeedMessage) => void;

/**
 * One org as the browsers watching it see it: a new snapshot as soon as the org's health stream says a pool changed,
 * and every two seconds otherwise. The recent health transitions are followed from the log through the audit
 * query. Shared by every browser on the org; it stops when the last one leaves.
 */
export class OrgFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly logger = new Logger(OrgFeed.name);
  private subscription?: Subscription;
  private timers: NodeJS.Timeout[] = [];
  private transitions: AuditEntry[] = [];
  private cursor?: string;
  private caughtUp = false;
  private refreshing?: Promise<void>;
  private again = false;
  last?: FeedMessage;

  constructor(
    readonly org: string,
    private readonly nc: NatsConnection,
    private readonly reader: OrgReader,
  ) {}

  get watchers(): number {
    return this.listeners.size;
  }

  add(listener: FeedListener): void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    if (this.listeners.size === 1) this.start();
  }

  /** True when that was the last listener. */
  remove(listener: FeedListener): boolean {
    this.listeners.delete(listener);
    if (this.listeners.size > 0) return false;
    this.stop();
    return true;
  }

  private start(): void {
    this.subscription = this.nc.subscribe(healthSubject(this.org, '*'), { callback: () => this.refresh() });
    this.timers = [
      setInterval(() => this.refresh(), REFRESH_MS),
      setInterval(() => void this.followLog(), TRANSITIONS_MS),
    ];
    void this.followLog().then(() => this.refresh());
  }

  private stop(): void {
    this.subscription?.unsubscribe();
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** A snapshot now, or right after the one being taken; never two at once. */
  refresh(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.reader
      .snapshot(this.org, this.transitions)
      .then(
        (snapshot) => this.send({ kind: 'snapshot', snapshot }),
        (error: unknown) =>
          this.send({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private following = false;

  /** Reads the log's new events, keeping the latest health transitions; the first read catches up to the end. */
  private async followLog(): Promise<void> {
    if (this.following) return;
    this.following = true;
    try {
      let found = false;
      for (let pages = 0; pages < 50; pages += 1) {
        const page = await this.reader.audit(this.org, this.cursor);
        const health = page.events.filter((e) => e.type.startsWith('GatewayBecame'));
        if (health.length > 0) {
          this.transitions = [...health.reverse(), ...this.transitions].slice(0, KEPT_TRANSITIONS);
          found = true;
        }
        this.cursor = page.next ?? this.cursor;
        if (page.next === undefined) {
          this.caughtUp = true;
          break;
        }
      }
      if (found && this.caughtUp) this.refresh();
    } catch (error) {
      this.logger.warn(`could not follow the log of org '${this.org}': ${String(error)}`);
    } finally {
      this.following = false;
    }
  }

  private send(message: FeedMessage): void {
    this.last = message;
    for (const listener of this.listeners) listener(message);
  }
}
