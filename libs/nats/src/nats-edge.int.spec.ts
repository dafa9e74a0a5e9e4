// Over 200 lines: one pair of service instances, started once, serves every edge behaviour checked here, each on a
// message pattern and on a direct endpoint.
import { jest } from '@jest/globals';
import { loadSettings } from '@gwpool/config';
import { MalformedBody } from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { requireEnv } from '@gwpool/testing';
import type { ServiceIdentity, ServiceInfo, ServiceStats } from '@nats-io/services';
import { connect, createInbox, Empty, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { Controller, type DynamicModule, Inject, type INestApplicationContext, Module } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { packageVersion, startMicroservice } from './microservice.js';
import type { DirectEndpoint } from './nats-service.server.js';

jest.setTimeout(60_000);

// The shared test nats-server (TEST_NATS_URL): subjects and the service name are this process's own.
const P = `test.edge.${process.pid}`;
// The same handlers as direct endpoints (served without Nest's pipeline), under their own prefix.
const D = `test.direct.${process.pid}`;
const SERVICE = `edge-test-${process.pid}`;
const QUEUE = 'edge-test';
const INSTANCE = Symbol('INSTANCE');
const events: { instance: string; id: unknown }[] = [];
const directCalls: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
class EdgeController {
  constructor(@Inject(INSTANCE) private readonly instance: string) {}

  @MessagePattern(`${P}.*.echo`)
  async echo(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const sleepMs = (body as { sleepMs?: unknown } | undefined)?.sleepMs;
    if (typeof sleepMs === 'number') await sleep(sleepMs);
    return {
      instance: this.instance,
      subject: ctx.getSubject(),
      body: body instanceof MalformedBody ? 'malformed' : (body ?? null),
    };
  }

  @MessagePattern(`${P}.*.fail`)
  fail(): never {
    throw new DomainError('NOT_FOUND', "pool 'edge-eu' does not exist in org 'acme'");
  }

  @MessagePattern(`${P}.*.crash`)
  crash(): never {
    throw new Error('a secret detail of the failure');
  }

  @EventPattern(`${P}.*.event`)
  event(@Payload() body: unknown) {
    events.push({ instance: this.instance, id: (body as { id?: unknown } | undefined)?.id });
  }
}

@Module({})
class EdgeModule {
  static register(instance: string): DynamicModule {
    return {
      module: EdgeModule,
      controllers: [EdgeController],
      providers: [{ provide: INSTANCE, useValue: instance }],
    };
  }
}

/** The controller's request handlers again, as direct endpoints, plus one whose result cannot be serialized. */
function directEndpoints(app: INestApplicationContext): DirectEndpoint[] {
  const edge = app.get(EdgeController);
  const counted = (name: string, handle: DirectEndpoint['handle']) => (body: unknown, ctx: NatsContext) => {
    directCalls.push(name);
    return handle(body, ctx);
  };
  return [
    { subject: `${D}.*.echo`, handle: counted('echo', (body, ctx) => edge.echo(body, ctx)) },
    { subject: `${D}.*.fail`, handle: counted('fail', () => edge.fail()) },
    { subject: `${D}.*.crash`, handle: counted('crash', () => edge.crash()) },
    { subject: `${D}.*.bigint`, handle: counted('bigint', async () => ({ count: 1n })) },
  ];
}

const json = <T>(msg: Msg): T => msg.json<T>();

/** Every reply to `subject` within maxWaitMs (one per service instance for the $SRV verbs). */
async function all<T>(nc: NatsConnection, subject: string, maxWaitMs = 500): Promise<T[]> {
  const replies: T[] = [];
  for await (const msg of await nc.requestMany(subject, Empty, { strategy: 'timer', maxWait: maxWaitMs })) {
    replies.push(json<T>(msg));
  }
  return replies;
}

describe('the NATS edge against a real nats-server', () => {
  const url = requireEnv('TEST_NATS_URL');
  const settings = loadSettings({
    NATS_URL: url,
    EVENT_STORE_URL: requireEnv('TEST_POSTGRES_URL'),
    READ_MODEL_URL: requireEnv('TEST_POSTGRES_URL'),
  });
  const apps: { close(): Promise<void> }[] = [];
  let nc: NatsConnection;

  beforeAll(async () => {
    for (const instance of ['one', 'two']) {
      apps.push(
        await startMicroservice(EdgeModule.register(instance), {
          name: SERVICE,
          queue: QUEUE,
          settings,
          directEndpoints,
        }),
      );
    }
    nc = await connect({ servers: url });
  });
  afterAll(async () => {
    await nc?.close();
    for (const app of apps) await app.close();
  });

  describe.each([
    ['a message pattern', P],
    ['a direct endpoint', D],
  ])('served as %s', (_kind, X) => {
    it('replies with the bare JSON result, without a Nest envelope', async () => {
      const msg = await nc.request(`${X}.acme.echo`, JSON.stringify({ poolId: 'p-1' }), { timeout: 5000 });
      expect(msg.headers).toBeUndefined();
      const reply = json<Record<string, unknown>>(msg);
      expect(Object.keys(reply).sort()).toEqual(['body', 'instance', 'subject']);
      expect(reply).toMatchObject({ subject: `${X}.acme.echo`, body: { poolId: 'p-1' } });
    });

    it('hands an empty body on as nothing and a body that is not JSON as a MalformedBody', async () => {
      const empty = json<{ body: unknown }>(await nc.request(`${X}.acme.echo`, Empty, { timeout: 5000 }));
      expect(empty.body).toBeNull();
      const broken = json<{ body: unknown }>(await nc.request(`${X}.acme.echo`, '{"poolId":', { timeout: 5000 }));
      expect(broken.body).toBe('malformed');
    });

    it('turns a domain error into {error} with the NATS service error headers', async () => {
      const msg = await nc.request(`${X}.acme.fail`, '{}', { timeout: 5000 });
      expect(json(msg)).toEqual({
        error: { code: 'NOT_FOUND', message: "pool 'edge-eu' does not exist in org 'acme'" },
      });
      expect(msg.headers?.get('Nats-Service-Error-Code')).toBe('404');
      expect(msg.headers?.get('Nats-Service-Error')).toBe("pool 'edge-eu' does not exist in org 'acme'");
    });

    it('answers an unexpected failure with INTERNAL and keeps its detail to the log', async () => {
      const msg = await nc.request(`${X}.acme.crash`, '{}', { timeout: 5000 });
      expect(json(msg)).toEqual({
        error: { code: 'INTERNAL', message: 'internal error; the service logged the details' },
      });
      expect(msg.headers?.get('Nats-Service-Error-Code')).toBe('500');
      expect(msg.string()).not.toContain('secret');
    });

    it('answers each request exactly once, from one instance of the queue group or the other', async () => {
      const inbox = createInbox();
      const answers = new Map<number, string[]>();
      const sub = nc.subscribe(`${inbox}.*`, {
        callback: (_error, msg) => {
          const i = Number(msg.subject.split('.').at(-1));
          answers.set(i, [...(answers.get(i) ?? []), json<{ instance: string }>(msg).instance]);
        },
      });
      const count = 60;
      for (let i = 0; i < count; i += 1) nc.publish(`${X}.acme.echo`, '{}', { reply: `${inbox}.${i}` });
      for (let waited = 0; answers.size < count && waited < 10_000; waited += 50) await sleep(50);
      // Long enough for a second answer to any of them to arrive, were there one.
      await nc.flush();
      await sleep(300);
      sub.unsubscribe();
      expect([...answers.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect([...answers.values()].filter((who) => who.length !== 1)).toEqual([]);
      expect(new Set([...answers.values()].flat())).toEqual(new Set(['one', 'two']));
    });
  });

  it('answers INTERNAL when a direct endpoint returns what JSON cannot carry, rather than nothing', async () => {
    const msg = await nc.request(`${D}.acme.bigint`, '{}', { timeout: 5000 });
    expect(json(msg)).toEqual({
      error: { code: 'INTERNAL', message: 'internal error; the service logged the details' },
    });
    expect(msg.headers?.get('Nats-Service-Error-Code')).toBe('500');
  });

  it('counts a publish to a direct endpoint without running its handler, which has nothing to answer', async () => {
    const requests = async () => {
      const stats = await all<ServiceStats>(nc, `$SRV.STATS.${SERVICE}`);
      const endpoints = stats.flatMap((s) => s.endpoints ?? []).filter((e) => e.subject === `${D}.*.echo`);
      return endpoints.reduce((n, e) => n + e.num_requests, 0);
    };
    const before = await requests();
    const calls = directCalls.length;
    for (let i = 0; i < 5; i += 1) nc.publish(`${D}.acme.echo`, '{}');
    await nc.request(`${D}.acme.echo`, '{}', { timeout: 5000 });
    expect((await requests()) - before).toBe(6);
    expect(directCalls.length - calls).toBe(1);
  });

  it('handles fire-and-forget events once each, with no reply', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `e-${i}`);
    for (const id of ids) nc.publish(`${P}.acme.event`, JSON.stringify({ id }));
    for (let waited = 0; events.length < ids.length && waited < 10_000; waited += 50) await sleep(50);
    await sleep(300);
    expect(events.map((e) => e.id).sort()).toEqual([...ids].sort());
  });

  it('registers each instance as a NATS micro-service, with its pid, version and endpoints', async () => {
    const pings = await all<ServiceIdentity>(nc, `$SRV.PING.${SERVICE}`);
    expect(pings).toHaveLength(2);
    expect(new Set(pings.map((p) => p.id)).size).toBe(2);
    for (const ping of pings) {
      expect(ping).toMatchObject({ name: SERVICE, version: packageVersion(), metadata: { pid: String(process.pid) } });
    }
    const infos = await all<ServiceInfo>(nc, `$SRV.INFO.${SERVICE}`);
    expect(infos).toHaveLength(2);
    for (const info of infos) {
      expect(info.endpoints.map(({ name, subject, queue_group }) => ({ name, subject, queue_group }))).toEqual(
        expect.arrayContaining([
          { name: expect.stringMatching(/echo$/), subject: `${P}.*.echo`, queue_group: QUEUE },
          { name: expect.stringMatching(/fail$/), subject: `${P}.*.fail`, queue_group: QUEUE },
          { name: expect.stringMatching(/crash$/), subject: `${P}.*.crash`, queue_group: QUEUE },
          { name: expect.stringMatching(/event$/), subject: `${P}.*.event`, queue_group: QUEUE },
          { name: expect.stringMatching(/echo$/), subject: `${D}.*.echo`, queue_group: QUEUE },
          { name: expect.stringMatching(/bigint$/), subject: `${D}.*.bigint`, queue_group: QUEUE },
        ]),
      );
      expect(info.endpoints).toHaveLength(8);
    }
    // Anyone can find it by the protocol's general subject too.
    expect((await all<ServiceIdentity>(nc, '$SRV.PING')).filter((p) => p.name === SERVICE)).toHaveLength(2);
  });

  it('counts requests, error replies and the time until the reply in $SRV.STATS', async () => {
    const totals = async (subject: string) => {
      const stats = await all<ServiceStats>(nc, `$SRV.STATS.${SERVICE}`);
      expect(stats).toHaveLength(2);
      const endpoints = stats.flatMap((s) => s.endpoints ?? []).filter((e) => e.subject === subject);
      return {
        requests: endpoints.reduce((n, e) => n + e.num_requests, 0),
        errors: endpoints.reduce((n, e) => n + e.num_errors, 0),
        timeNs: endpoints.reduce((n, e) => n + e.processing_time, 0),
        lastErrors: endpoints.map((e) => e.last_error).filter(Boolean),
      };
    };
    // On a message pattern, then on a direct endpoint.
    for (const X of [P, D]) {
      const echoBefore = await totals(`${X}.*.echo`);
      const failBefore = await totals(`${X}.*.fail`);
      for (let i = 0; i < 3; i += 1)
        await nc.request(`${X}.acme.echo`, JSON.stringify({ sleepMs: 20 }), { timeout: 5000 });
      for (let i = 0; i < 2; i += 1) await nc.request(`${X}.acme.fail`, '{}', { timeout: 5000 });
      const echoAfter = await totals(`${X}.*.echo`);
      const failAfter = await totals(`${X}.*.fail`);
      expect(echoAfter.requests - echoBefore.requests).toBe(3);
      expect(echoAfter.errors - echoBefore.errors).toBe(0);
      // Each echo waited 20 ms before replying: the time runs to the reply, not to the end of the synchronous part.
      expect(echoAfter.timeNs - echoBefore.timeNs).toBeGreaterThanOrEqual(3 * 15e6);
      expect(failAfter.requests - failBefore.requests).toBe(2);
      expect(failAfter.errors - failBefore.errors).toBe(2);
      expect(failAfter.lastErrors).toContain("404:pool 'edge-eu' does not exist in org 'acme'");
    }
  });
});
