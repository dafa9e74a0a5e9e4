import { ORG_STREAM_PREFIX } from '@gwpool/domain';
import { eventually, type TestStack } from '@gwpool/testing';
import type { MsgHdrs } from '@nats-io/transport-node';
import pg from 'pg';
import { cmd, query } from './fleet.js';

/** The 17 request subjects of an org: 10 commands, 6 queries and the route report. */
export const COMMANDS = [
  'gateway.register',
  'gateway.deregister',
  'gateway.drain',
  'pool.create',
  'pool.update',
  'pool.delete',
  'pool.member.add',
  'pool.member.remove',
  'consumer.attach',
  'consumer.detach',
];
export const QUERIES = ['pool.get', 'pool.list', 'pool.consumers', 'gateway.list', 'route.pick', 'route.resolve'];
export const requestSubjects = (org: string): string[] => [
  ...COMMANDS.map((name) => cmd(org, name)),
  ...QUERIES.map((name) => query(org, name)),
  `gwpool.v1.${org}.route.report`,
];
export const ADMIN_COMMANDS = [
  'gwpool.v1.admin.entitlement.set',
  'gwpool.v1.admin.event.void',
  'gwpool.v1.admin.org.account.set',
];

/** The error codes docs/api.md lists; INTERNAL is never an answer to bad input. */
export const DOCUMENTED_REFUSALS = [
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'POOL_IN_USE',
  'NO_HEALTHY_GATEWAY',
  'NO_MATCHING_GATEWAY',
];

export interface RawReply {
  body: Record<string, unknown>;
  bytes: number;
  headers?: MsgHdrs;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** Sends a raw payload, exactly as given, and keeps the reply's size. */
export async function rawRequest(
  stack: TestStack,
  subject: string,
  payload: string,
  timeoutMs = 5000,
): Promise<RawReply> {
  const msg = await stack.client.nc.request(subject, payload, { timeout: timeoutMs });
  const body = msg.json<Record<string, unknown>>();
  const error = body && typeof body === 'object' && 'error' in body ? (body['error'] as RawReply['error']) : undefined;
  return { body, bytes: msg.data.length, headers: msg.headers, error };
}

/**
 * Every event of the orgs' command streams, counted straight from PostgreSQL: where a request could store something.
 * The projector's health transitions (their own streams) come and go with time, not with requests.
 */
export async function eventCount(stack: TestStack): Promise<number> {
  const counter = await LogCounter.open(stack);
  try {
    return await counter.count();
  } finally {
    await counter.close();
  }
}

/** One connection kept open for many counts. */
export class LogCounter {
  private constructor(private readonly client: pg.Client) {}

  static async open(stack: TestStack): Promise<LogCounter> {
    const client = new pg.Client({ connectionString: stack.env.EVENT_STORE_URL });
    await client.connect();
    return new LogCounter(client);
  }

  async count(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      'SELECT count(*) AS n FROM gwpool_log.events WHERE stream_id LIKE $1',
      [`${ORG_STREAM_PREFIX}%`],
    );
    return Number(rows[0]?.n);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

let probe = 0;

/** A valid command in a fresh org still goes through, and its pool reaches the views. */
export async function validCommandStillReachesViews(stack: TestStack): Promise<void> {
  const org = `healthy-${process.pid}-${(probe += 1)}`;
  const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name: 'still-works' });
  await eventually(
    () => stack.client.request(query(org, 'pool.get'), { poolId }),
    (reply) => reply.ok,
    { timeoutMs: 5000, label: `pool ${poolId} of org ${org} in the views` },
  );
}
