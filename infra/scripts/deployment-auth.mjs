// Tenancy for a local deployment (npm start, Compose): the auth store with the demo org, a credential per service,
// the operators' and the demo's credentials, each issued once and reused; the nats-server configuration; and the
// binding of every org to its account once pool-command answers. `natsAuth` is dist/libs/nats-auth, built.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { DEMO_ADMIN, DEMO_GATEWAYS } from './demo-plan.mjs';

/** The services-account credential the operators' tools use (the same name `gwpool auth` uses). */
export const OPERATOR_USER = 'gwpool-operator';

/** A live credential of that kind and name whose file is still there, or a fresh one (a lost file is revoked). */
async function ensure(store, { org, kind, name }, issue) {
  const live = store.credentials(org).find((c) => c.kind === kind && c.name === name && c.revokedAt === undefined);
  if (live && existsSync(live.credsPath)) return live.credsPath;
  if (live) await (org ? store.revoke(org, kind, name) : store.revokeServiceUser(name));
  return (await issue()).credsPath;
}

/**
 * Opens (or creates) the store in `dir` with everything a local deployment needs. Returns the credential paths and
 * the nats-server configuration fragment (its resolver in `resolverDir`, as the server sees it).
 */
export async function prepareDeploymentAuth(natsAuth, { dir, org, services, resolverDir }) {
  const store = await natsAuth.AuthStore.open(dir);
  if (!store.org(org)) await store.createOrg(org);
  const servicesCreds = {};
  for (const name of services) {
    servicesCreds[name] = await ensure(store, { kind: 'service', name }, () => store.issueServiceUser(name, 'service'));
  }
  const service = (name, role) => ensure(store, { kind: 'service', name }, () => store.issueServiceUser(name, role));
  const user = (name, role) => ensure(store, { org, kind: 'user', name }, () => store.issueUser(org, name, role));
  const gatewayCreds = {};
  for (const { gatewayId } of DEMO_GATEWAYS) {
    gatewayCreds[gatewayId] = await ensure(store, { org, kind: 'gateway', name: gatewayId }, () =>
      store.issueGateway(org, gatewayId),
    );
  }
  return {
    store,
    servicesCreds,
    launcherCreds: await service('gwpool-launcher', 'service'),
    operatorCreds: await service(OPERATOR_USER, 'operator'),
    adminCreds: await user(DEMO_ADMIN, 'admin'),
    viewerCreds: await user('demo-viewer', 'viewer'),
    gatewayCreds,
    serverConfig: natsAuth.serverConfigOf(store, { resolverDir }),
  };
}

/** Binds every active org of the store to its account, with a services-account connection (idempotent). */
export async function bindOrgs(store, nc) {
  for (const org of store.orgs().filter((o) => !o.disabled)) {
    const body = JSON.stringify({ org: org.org, accountPublicKey: org.publicKey });
    const reply = (await nc.request('gwpool.v1.admin.org.account.set', body, { timeout: 10_000 })).json();
    if (reply?.error) throw new Error(`binding org ${org.org}: ${reply.error.code}: ${reply.error.message}`);
  }
}

/** A path as a person at the repository root would type it. */
export const shown = (root, path) => relative(root, path) || path;
