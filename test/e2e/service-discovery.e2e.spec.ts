import { jest } from '@jest/globals';
import {
  ADMIN_SUBJECTS,
  AUDIT_SUBJECTS,
  COMMAND_SUBJECTS,
  HEARTBEAT_SUBJECT_PATTERN,
  HISTORY_SUBJECT_PATTERN,
  heartbeatSubject,
  QUERY_SUBJECTS,
  ROUTE_REPORT_SUBJECT,
} from '@gwpool/contracts';
import { packageVersion } from '@gwpool/nats';
import { TestStack } from '@gwpool/testing';
import type { ServiceIdentity, ServiceInfo, ServiceStats } from '@nats-io/services';
import { Empty } from '@nats-io/transport-node';
import { query } from './fleet.js';

jest.setTimeout(90_000);

/** Each service's subjects and their queue group; `queues` names those in another group ('' for none: every instance answers). */
const ENDPOINTS: Record<string, { subjects: string[]; queue: string; queues?: Record<string, string> }> = {
  'pool-command': {
    subjects: [
      ...Object.values(COMMAND_SUBJECTS),
      ADMIN_SUBJECTS.entitlementSet,
      ADMIN_SUBJECTS.eventVoid,
      ADMIN_SUBJECTS.orgAccountSet,
    ],
    queue: 'pool-command',
  },
  'routing-query': { subjects: [...Object.values(QUERY_SUBJECTS), ROUTE_REPORT_SUBJECT], queue: 'routing-query' },
  'heartbeat-ingest': {
    subjects: [HEARTBEAT_SUBJECT_PATTERN, ADMIN_SUBJECTS.ingestStats],
    queue: 'heartbeat-ingest',
    queues: { [ADMIN_SUBJECTS.ingestStats]: '' },
  },
  // Every projector says whether it is the writer or a standby: no queue group; instances share the audits.
  projector: {
    subjects: [ADMIN_SUBJECTS.projectorStatus, AUDIT_SUBJECTS.events, HISTORY_SUBJECT_PATTERN],
    queue: '',
    queues: { [AUDIT_SUBJECTS.events]: 'projector-audit', [HISTORY_SUBJECT_PATTERN]: 'projector-audit' },
  },
};

describe('every service answers the NATS micro-services protocol', () => {
  let stack: TestStack;
  /** Every reply within half a second: one per instance. */
  const all = async <T>(subject: string): Promise<T[]> => {
    const replies: T[] = [];
    const iterator = await stack.client.nc.requestMany(subject, Empty, { strategy: 'timer', maxWait: 500 });
    for await (const msg of iterator) replies.push(msg.json<T>());
    return replies;
  };

  beforeAll(async () => {
    stack = await TestStack.start({ poolCommandInstances: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists each running process on $SRV.PING, with its name, version and pid', async () => {
    const pings = await all<ServiceIdentity>('$SRV.PING');
    const seen = pings.map((p) => `${p.name} ${p.metadata?.['pid']}`).sort();
    const started = stack.processes.map((p) => `${p.name} ${p.pid}`).sort();
    expect(seen).toEqual(started);
    expect(new Set(pings.map((p) => p.version))).toEqual(new Set([packageVersion()]));
    expect(new Set(pings.map((p) => p.id)).size).toBe(pings.length);
  });

  it('lists the endpoints of each service on $SRV.INFO.{name}, with their subjects and queue group', async () => {
    for (const [name, expected] of Object.entries(ENDPOINTS)) {
      const infos = await all<ServiceInfo>(`$SRV.INFO.${name}`);
      expect(infos.length).toBe(name === 'pool-command' ? 2 : 1);
      for (const info of infos) {
        expect([name, info.endpoints.map((e) => e.subject).sort()]).toEqual([name, [...expected.subjects].sort()]);
        for (const endpoint of info.endpoints)
          expect([endpoint.subject, endpoint.queue_group]).toEqual([
            endpoint.subject,
            expected.queues?.[endpoint.subject] ?? expected.queue,
          ]);
      }
    }
  });

  it('counts requests, error replies and heartbeats on $SRV.STATS.{name}', async () => {
    const stats = async (name: string, subject: string) => {
      const endpoints = (await all<ServiceStats>(`$SRV.STATS.${name}`))
        .flatMap((s) => s.endpoints ?? [])
        .filter((e) => e.subject === subject);
      return {
        requests: endpoints.reduce((n, e) => n + e.num_requests, 0),
        errors: endpoints.reduce((n, e) => n + e.num_errors, 0),
      };
    };
    const listBefore = await stats('routing-query', QUERY_SUBJECTS.gatewayList);
    const pickBefore = await stats('routing-query', QUERY_SUBJECTS.routePick);
    const beatsBefore = await stats('heartbeat-ingest', HEARTBEAT_SUBJECT_PATTERN);
    await stack.client.ok(query('acme', 'gateway.list'), {});
    const pick = await stack.client.request(query('acme', 'route.pick'), { poolId: 'no-such-pool' });
    expect(pick.ok).toBe(false);
    stack.client.publish(heartbeatSubject('acme', 'gw-unknown'), { check: 'passed' });
    await stack.client.flush();
    // The heartbeat is fire-and-forget: it is counted once heartbeat-ingest has handled it.
    let beatsAfter = await stats('heartbeat-ingest', HEARTBEAT_SUBJECT_PATTERN);
    for (let i = 0; i < 20 && beatsAfter.requests === beatsBefore.requests; i += 1) {
      beatsAfter = await stats('heartbeat-ingest', HEARTBEAT_SUBJECT_PATTERN);
    }
    const listAfter = await stats('routing-query', QUERY_SUBJECTS.gatewayList);
    const pickAfter = await stats('routing-query', QUERY_SUBJECTS.routePick);
    expect(listAfter).toEqual({ requests: listBefore.requests + 1, errors: listBefore.errors });
    expect(pickAfter).toEqual({ requests: pickBefore.requests + 1, errors: pickBefore.errors + 1 });
    expect(beatsAfter).toEqual({ requests: beatsBefore.requests + 1, errors: beatsBefore.errors });
  });
});
