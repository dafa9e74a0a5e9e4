import type { Settings } from '@gwpool/config';
import { DomainError } from '@gwpool/domain';
import { assertActsFor, callerOf, readNatsCreds } from '@gwpool/nats-auth';
import type { Authenticator, NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

/**
 * Whether the transport enforces tenancy for this service, from its credential (`NATS_CREDS`): with one, the
 * service connects with it, and its own account (the credential's issuer) is the root of trust; without one, every
 * caller is taken at its word. One per process and credential, so that every connection reads the file once.
 */
export class TransportTenancy {
  private static readonly byCreds = new Map<string, TransportTenancy>();
  private static warned = false;

  private constructor(
    /** The services' own account; undefined when the service connects without a credential. */
    readonly ownAccount: string | undefined,
    readonly authenticator: Authenticator | undefined,
  ) {}

  /** Throws, naming the file, when the credential cannot be read: a service must not start half-secured. */
  static of(settings: Pick<Settings, 'natsCreds'>): TransportTenancy {
    const path = settings.natsCreds ?? '';
    let tenancy = TransportTenancy.byCreds.get(path);
    if (!tenancy) {
      const creds = path ? readNatsCreds(path) : undefined;
      tenancy = new TransportTenancy(creds?.account, creds?.authenticator);
      TransportTenancy.byCreds.set(path, tenancy);
    }
    return tenancy;
  }

  /** The tenancy of a connection made elsewhere, from its account alone (undefined: enforces nothing). */
  static ofAccount(ownAccount: string | undefined): TransportTenancy {
    return new TransportTenancy(ownAccount, undefined);
  }

  /**
   * Why a message of a tenant may not act for `org` (defence in depth), or undefined when it may: for paths that are
   * not Nest handlers, such as heartbeats. `requestInfo` is the raw `Nats-Request-Info` header.
   */
  refusalFor(org: string, requestInfo: string | undefined, boundAccount: string | undefined): string | undefined {
    if (this.ownAccount === undefined || !requestInfo) return undefined;
    try {
      const caller = callerOf({ operatorSubject: false, requestInfo, claimedActor: undefined }, this.ownAccount);
      assertActsFor(caller, org, boundAccount);
      return undefined;
    } catch (error) {
      if (error instanceof DomainError) return error.message;
      throw error;
    }
  }

  /** Says once per process, at start-up, when the transport does not keep orgs apart. */
  warnIfOpen(nc: NatsConnection, service: string): void {
    if (TransportTenancy.warned) return;
    const why =
      this.ownAccount === undefined
        ? 'NATS_CREDS is not set'
        : nc.info?.auth_required
          ? undefined
          : 'the NATS server does not ask for authentication';
    TransportTenancy.warned = true;
    const logger = new Logger(service);
    if (why === undefined) return logger.log(`tenancy enforced by the transport: services account ${this.ownAccount}`);
    logger.warn(
      `tenancy is not enforced by the transport (${why}): any client of this NATS server can act for any org`,
    );
  }
}
