import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readFile } from 'node:fs/promises';
import { AuthError } from './auth-error.js';
import type { AccountInfo, AuthStore } from './auth-store.js';
import { credsAuthenticatorOf } from './creds-authenticator.js';
import { CLAIMS_UPDATE_SUBJECT } from './tenant-subjects.js';

interface ClaimsUpdateReply {
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
}

/**
 * Hands an account JWT to the server's full resolver, which applies it at once: new imports, revocations and
 * limits take effect without a restart, and connected clients that it revokes are closed.
 * The server stores whatever a system user sends and checks trust only when the account is used, so the
 * system credential that can push is a secret of the deployment.
 */
export async function pushAccountJwt(nc: NatsConnection, account: AccountInfo, timeoutMs = 5000): Promise<void> {
  let reply: ClaimsUpdateReply;
  try {
    reply = (await nc.request(CLAIMS_UPDATE_SUBJECT, account.jwt, { timeout: timeoutMs })).json<ClaimsUpdateReply>();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AuthError('CLAIMS_REJECTED', `account '${account.name}' was not pushed: ${why}`);
  }
  if (reply.data?.code === 200) return;
  const why = reply.error?.description ?? reply.data?.message ?? JSON.stringify(reply);
  throw new AuthError('CLAIMS_REJECTED', `the server refused the JWT of account '${account.name}': ${why}`);
}

/**
 * Connects as the store's claims pusher (a system-account user that may do nothing else). Signed natively: on a busy
 * machine nats.js's own signing misses the server's authentication timeout, and the connection fails with EPIPE.
 */
export async function connectClaimsPusher(store: AuthStore, servers: string | string[]): Promise<NatsConnection> {
  const { authenticator } = credsAuthenticatorOf(await readFile(store.claimsPusherCredsPath, 'utf8'));
  return connect({ servers, authenticator, name: 'gwpool-auth', reconnect: false });
}
