import { APPENDED_SUBJECT, type AppendedNotice } from '@gwpool/contracts';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Tells the readers which log position holds a command's effect, just before the command's reply: on the connection
 * the reply leaves on, so a reader subscribed on the connection its queries arrive on gets the notice before any query
 * the caller sends after the reply. A hint only: the log stays the one record, and a lost notice costs a reader no
 * more than a stale moment it would have had anyway (see docs/design.md).
 */
export class AppendAnnouncer {
  private nc?: NatsConnection;

  /** The server's own connection, once it is connected (before it takes any command). */
  connect(nc: NatsConnection): void {
    this.nc = nc;
  }

  announce(org: string, position: string): void {
    if (!this.nc) throw new Error('the append announcer has no connection yet: a command arrived before the server');
    const notice: AppendedNotice = { org, position };
    this.nc.publish(APPENDED_SUBJECT, JSON.stringify(notice));
  }
}
