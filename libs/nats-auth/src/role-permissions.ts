import { API } from '@gwpool/contracts';
import { CLAIMS_UPDATE_SUBJECT, INBOX } from './tenant-subjects.js';

/** Roles of a person or program inside an org account. */
export const ORG_ROLES = ['admin', 'viewer', 'router'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Roles inside the services account: the services themselves, and the operators' tools. */
export const SERVICES_ROLES = ['service', 'operator'] as const;
export type ServicesRole = (typeof SERVICES_ROLES)[number];

/** Every role a credential can carry; `gateway` and `system` are issued by their own calls. */
export type Role = OrgRole | ServicesRole | 'gateway' | 'system';

export const isOrgRole = (value: unknown): value is OrgRole => ORG_ROLES.includes(value as OrgRole);
export const isServicesRole = (value: unknown): value is ServicesRole => SERVICES_ROLES.includes(value as ServicesRole);

export interface SubjectRule {
  allow?: string[];
  deny?: string[];
}

/** A user's publish and subscribe permissions, as the user JWT carries them. Absent means unrestricted. */
export interface Permissions {
  pub?: SubjectRule;
  sub?: SubjectRule;
}

/** An empty allow list means "no restriction" to nats-server, so "nothing" must be said with a deny. */
const NOTHING: SubjectRule = { deny: ['>'] };

/**
 * What each org role may do, all within its own org's subjects. The account boundary already keeps other orgs out;
 * these keep each role to its part of its own org.
 */
export function orgRolePermissions(org: string, role: OrgRole): Permissions {
  const own = (rest: string) => `${API}.${org}.${rest}`;
  const watch = [own('health.*'), own('alert.*')];
  switch (role) {
    case 'admin':
      return { pub: { allow: [own('cmd.>'), own('query.>'), own('route.report')] }, sub: { allow: [INBOX, ...watch] } };
    case 'viewer':
      return { pub: { allow: [own('query.>')] }, sub: { allow: [INBOX, ...watch] } };
    case 'router':
      return {
        pub: { allow: [own('query.route.pick'), own('query.route.resolve'), own('route.report')] },
        sub: { allow: [INBOX] },
      };
    default: {
      const never: never = role;
      throw new Error(`unknown org role ${String(never)}`);
    }
  }
}

/**
 * A gateway publishes its own heartbeat subject and nothing else. It subscribes to nothing, not even an inbox:
 * heartbeats are fire-and-forget, and an inbox subscription would let it read every reply sent to its org.
 */
export function gatewayPermissions(org: string, gatewayId: string): Permissions {
  return { pub: { allow: [`${API}.${org}.heartbeat.${gatewayId}`] }, sub: NOTHING };
}

/**
 * The services are unrestricted inside their own account. The operators' tools may use the whole public API,
 * operator subjects included, but may not publish internal subjects (that would fake gateway health).
 */
export function servicesRolePermissions(role: ServicesRole): Permissions | undefined {
  switch (role) {
    case 'service':
      return undefined;
    case 'operator':
      return { pub: { allow: [`${API}.>`] }, sub: { allow: [INBOX, `${API}.>`] } };
    default: {
      const never: never = role;
      throw new Error(`unknown services role ${String(never)}`);
    }
  }
}

/** The system-account user of the tooling: it may push account JWTs and read the answers, nothing else. */
export function claimsPusherPermissions(): Permissions {
  return { pub: { allow: [CLAIMS_UPDATE_SUBJECT] }, sub: { allow: [INBOX] } };
}
