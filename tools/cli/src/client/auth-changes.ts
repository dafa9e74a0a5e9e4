import { ADMIN_SUBJECTS } from '@gwpool/contracts/client';
import { AuthError, AuthStore, connectClaimsPusher, type CredentialInfo, pushAccountJwt } from '@gwpool/nats-auth';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';

/** Where the store lives unless --auth-dir or GWPOOL_AUTH_DIR says otherwise: ignored by git. */
export const DEFAULT_AUTH_DIR = '.data/auth';
/** The services-account credential `gwpool auth` binds orgs with when no --creds is given. */
const OPERATOR_USER = 'gwpool-operator';

/** The store's refusals (an org that exists, a name already issued) are expected failures, printed as one line. */
export async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuthError) throw new CliError(`${error.code}: ${error.message}`);
    throw error;
  }
}

export const authDir = (ctx: CliContext): string => ctx.options.authDir ?? DEFAULT_AUTH_DIR;

/**
 * Runs a change with every account it touches pushed to the server, under the store's lock and in order. Connects
 * first: when NATS cannot be reached nothing is changed.
 */
export async function withPushes<T>(ctx: CliContext, change: (store: AuthStore) => Promise<T>): Promise<T> {
  const store = await refusing(() => AuthStore.open(authDir(ctx)));
  let pusher: NatsConnection;
  try {
    pusher = await connectClaimsPusher(store, ctx.options.server.split(','));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot reach NATS at ${ctx.options.server} to apply the change (${why}); nothing was changed`);
  }
  store.applyChangesWith((account) => pushAccountJwt(pusher, account));
  try {
    return await refusing(() => change(store));
  } finally {
    await pusher.close();
  }
}

/** Tells the services which account is the org's: with --creds, else with the store's operator credential. */
export async function bind(ctx: CliContext, store: AuthStore, org: string, accountPublicKey: string): Promise<void> {
  if (!ctx.options.creds) {
    const live = store.credentials().find((c) => c.name === OPERATOR_USER && c.revokedAt === undefined);
    ctx.options.creds = live?.credsPath ?? (await store.issueServiceUser(OPERATOR_USER, 'operator')).credsPath;
  }
  try {
    await (await ctx.connect()).call(ADMIN_SUBJECTS.orgAccountSet, { org, accountPublicKey });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CliError(`org ${org} exists, but the services did not take its binding (${why}); run 'gwpool auth push'`);
  }
}

export function printCredential(ctx: CliContext, c: CredentialInfo): void {
  const facts = {
    org: c.org,
    kind: c.kind,
    name: c.name,
    role: c.role,
    publicKey: c.publicKey,
    credsPath: c.credsPath,
  };
  if (ctx.out.json) return ctx.out.line(JSON.stringify(facts));
  ctx.out.line(`issued ${c.role} credential '${c.name}' of org ${c.org ?? '-'} (${c.publicKey})`);
  ctx.out.line(`  ${c.credsPath}   (mode 0600: keep it secret)`);
  if (c.kind === 'gateway') {
    ctx.out.line(`  nats --creds ${c.credsPath} pub gwpool.v1.${c.org}.heartbeat.${c.name} '{"check":"passed"}'`);
  } else {
    ctx.out.line(`  gwpool --creds ${c.credsPath} --org ${c.org} pools list`);
  }
}
