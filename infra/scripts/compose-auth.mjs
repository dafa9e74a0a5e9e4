// Tenancy for docker-compose.yml, run in the service image with the auth store mounted at AUTH_DIR (/auth):
//   init   creates or reuses the store, the credentials and the nats-server configuration (before NATS starts);
//   bind   binds every org to its account (once pool-command answers).
// The store holds the operator's key: Compose keeps it in ./.data/compose/auth on the host, ignored by git.
import { connect } from '@nats-io/transport-node';
import { chownSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindOrgs, prepareDeploymentAuth } from './deployment-auth.mjs';

const SERVICES = ['projector', 'pool-command', 'heartbeat-ingest', 'routing-query', 'dashboard'];
const dir = process.env.AUTH_DIR || '/auth';
const org = process.env.DEMO_ORG || 'demo';
const natsAuth = await import(new URL('../../dist/libs/nats-auth/src/index.js', import.meta.url).href);

/** The services run as `node`: what init writes as root must be theirs to read (and still no one else's). */
function giveTo(path, uid, gid) {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) giveTo(join(path, entry), uid, gid);
}

const mode = process.argv[2];
if (mode === 'init') {
  const auth = await prepareDeploymentAuth(natsAuth, { dir, org, services: SERVICES, resolverDir: '/data/resolver' });
  const listeners = ['listen: "0.0.0.0:4222"', 'http: "0.0.0.0:8222"'].join('\n');
  writeFileSync(join(dir, 'nats-server.conf'), `${listeners}\n${auth.serverConfig}`, { mode: 0o644 });
  if (process.getuid?.() === 0) giveTo(dir, 1000, 1000);
  console.log(`tenancy: auth store and credentials in ./.data/compose/auth (keep them secret); from the host:
  npx gwpool --creds .data/compose/auth/creds/orgs/${org}/users/demo-admin.creds --org ${org} pools list
  nats --creds .data/compose/auth/creds/orgs/${org}/users/demo-viewer.creds req gwpool.v1.${org}.query.pool.list '{}'`);
} else if (mode === 'bind') {
  const launcher = join(dir, 'creds/services/gwpool-launcher.creds');
  const nc = await connect({
    servers: process.env.NATS_URL,
    name: 'gwpool-auth-bind',
    authenticator: natsAuth.credsAuthenticatorOf(readFileSync(launcher, 'utf8')).authenticator,
  });
  const store = await natsAuth.AuthStore.open(dir);
  await bindOrgs(store, nc);
  await nc.close();
  console.log(`bound ${store.orgs().length} org(s) to their accounts`);
} else {
  console.error('usage: compose-auth.mjs init|bind');
  process.exit(2);
}
