// The gwpool CLI run as a person runs it: a child process against the real stack, reading only its exit status,
// stdout and stderr. One stack for the whole file, since each command builds on the state the previous ones left.
// Longer than most files because it walks every command once.
import { jest } from '@jest/globals';
import type { PoolDetails, PoolSummary } from '@gwpool/contracts';
import { orgStreamId } from '@gwpool/domain';
import { PostgresEventLog } from '@gwpool/event-log-postgres';
import { eventually, TestStack } from '@gwpool/testing';
import { randomUUID } from 'node:crypto';
import { ANSI, checkedGwpool, gwpool as runGwpool, gwpoolInTerminal, run, startGwpool, userEnv } from './cli-runner.js';
import { replayOrg } from './fleet-log.js';
import { HeartbeatPump, query } from './fleet.js';

jest.setTimeout(120_000);

const org = 'acme';
const columns = (line: string) => line.trim().split(/\s{2,}/);

describe('the gwpool CLI', () => {
  let stack: TestStack;
  let pump: HeartbeatPump;
  let env: Record<string, string>;

  const { run: gwpool, ok } = checkedGwpool(() => env);
  const poolList = () => stack.client.ok<{ pools: PoolSummary[] }>(query(org, 'pool.list'), {});

  beforeAll(async () => {
    stack = await TestStack.start({ heartbeatTtl: '3s' });
    env = { NATS_URL: stack.env.NATS_URL, GWPOOL_ORG: org };
    pump = new HeartbeatPump(stack.client, org);
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  it('registers gateways, creates a pool by name and adds members by the pool’s name', async () => {
    for (const [id, zone] of [
      ['gw-1', 'eu-1a'],
      ['gw-2', 'eu-1b'],
      ['gw-3', 'eu-1c'],
    ] as const) {
      expect(await ok('gateways', 'register', id, '--name', `Frankfurt ${id}`, '--zone', zone)).toBe(
        `registered gateway ${id}\n`,
      );
    }
    const created = await ok('--actor', 'alice@example.com', 'pools', 'create', 'edge-eu', '-d', 'EU edge');
    expect(created).toMatch(/^created pool edge-eu \(id [0-9a-f-]{36}\)\n$/);
    for (const id of ['gw-1', 'gw-2', 'gw-3'])
      expect(await ok('members', 'add', 'edge-eu', id)).toBe(`added ${id} to pool edge-eu\n`);

    const poolId = created.slice(created.indexOf('(id ') + 4, -2);
    const pool = await stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });
    expect(pool.members.map((m) => m.gatewayId)).toEqual(['gw-1', 'gw-2', 'gw-3']);
    // --actor is recorded on the event, as GWPOOL_ACTOR would be.
    const { events } = await replayOrg(stack.env.EVENT_STORE_URL, org);
    expect(events.find((e) => e.type === 'PoolCreated')?.metadata.actor).toBe('alice@example.com');

    pump.set('gw-1', 'passed');
    pump.set('gw-2', 'passed');
    pump.set('gw-3', 'failed');
    await eventually(poolList, (r) => r.pools[0]?.healthy === 2, { label: 'edge-eu 2/3 healthy' });
  });

  it('lists pools one line each, with badge, health, members and consumers', async () => {
    const lines = (await ok('pools', 'list')).trimEnd().split('\n');
    expect(lines.map(columns)).toEqual([
      ['NAME', 'STATUS', 'HEALTH', 'MEMBERS', 'CONSUMERS'],
      ['edge-eu', '● yellow', '2/3 healthy', '3', '0'],
    ]);
  });

  it('adds each member with zone, last check and heartbeat age with --verbose', async () => {
    const lines = (await ok('pools', 'list', '--verbose')).trimEnd().split('\n');
    expect(lines[0]).toBe('edge-eu  ● yellow  2/3 healthy  3 members  0 consumers');
    expect(lines[1]).toMatch(/^ {2}id {11}[0-9a-f-]{36}$/);
    expect(lines[2]).toBe('  description  EU edge');
    expect(columns(lines[3] ?? '')).toEqual(['GATEWAY', 'NAME', 'ZONE', 'HEALTH', 'LAST CHECK', 'HEARTBEAT']);
    const members = lines.slice(4).map(columns);
    expect(members.map((m) => m.slice(0, 5))).toEqual([
      ['gw-1', 'Frankfurt gw-1', 'eu-1a', '● healthy', 'passed'],
      ['gw-2', 'Frankfurt gw-2', 'eu-1b', '● healthy', 'passed'],
      ['gw-3', 'Frankfurt gw-3', 'eu-1c', '● unhealthy', 'failed'],
    ]);
    for (const member of members) expect(member[5]).toMatch(/^(just now|\ds ago)$/);
  });

  it('prints the API’s reply unchanged with --json', async () => {
    expect(JSON.parse(await ok('pools', 'list', '--json'))).toEqual(await poolList());
    const verbose = JSON.parse(await ok('pools', 'list', '--verbose', '--json')) as { pools: PoolDetails[] };
    expect(verbose.pools.map((p) => [p.name, p.members.length])).toEqual([['edge-eu', 3]]);
    const gateways = JSON.parse(await ok('gateways', 'list', '--json')) as { gateways: { gatewayId: string }[] };
    expect(gateways.gateways.map((g) => g.gatewayId)).toEqual(['gw-1', 'gw-2', 'gw-3']);
  });

  it('shows one pool by name, and the same pool by id', async () => {
    const byName = (await ok('pools', 'get', 'edge-eu')).split('\n');
    expect(byName[0]).toBe('edge-eu  ● yellow  2/3 healthy  3 members  0 consumers');
    const { pools } = await poolList();
    const byId = JSON.parse(await ok('pools', 'get', pools[0]?.poolId ?? '', '--json')) as PoolDetails;
    expect(byId.name).toBe('edge-eu');
  });

  it('picks a healthy member of a pool named by name', async () => {
    for (let i = 0; i < 5; i += 1) expect(['gw-1\n', 'gw-2\n']).toContain(await ok('route', 'pick', 'edge-eu'));
    const picked = JSON.parse(await ok('route', 'pick', 'edge-eu', '--json')) as Record<string, string>;
    expect(Object.keys(picked).sort()).toEqual(['gatewayId', 'panic', 'poolId', 'zone']);
  });

  it('attaches, lists, resolves and detaches consumers', async () => {
    expect(await ok('consumers', 'attach', 'k8s-prod', '--type', 'kubernetes-auth', '--pool', 'edge-eu')).toBe(
      'attached k8s-prod (kubernetes-auth) to pool edge-eu\n',
    );
    expect(await ok('consumers', 'attach', 'ds-1', '-t', 'dynamic-secret', '-g', 'gw-1')).toBe(
      'attached ds-1 (dynamic-secret) to gateway gw-1\n',
    );
    expect((await ok('consumers', 'list', 'edge-eu')).trimEnd().split('\n').map(columns)).toEqual([
      ['CONSUMER', 'TYPE'],
      ['k8s-prod', 'kubernetes-auth'],
    ]);
    const { pools } = await poolList();
    const consumers = await stack.client.ok(query(org, 'pool.consumers'), { poolId: pools[0]?.poolId });
    expect(JSON.parse(await ok('consumers', 'list', 'edge-eu', '--json'))).toEqual(consumers);

    const resolved = await eventually(
      () => gwpool('route', 'resolve', 'k8s-prod'),
      (r) => r.code === 0,
    );
    expect(['gw-1\n', 'gw-2\n']).toContain(resolved.stdout);
    expect(await ok('route', 'resolve', 'ds-1')).toBe('gw-1\n');
    expect(await ok('consumers', 'detach', 'ds-1')).toBe('detached ds-1\n');
  });

  it('answers an unknown pool name with NOT_FOUND on stderr and exit 1', async () => {
    for (const args of [
      ['pools', 'get', 'edge-ap'],
      ['route', 'pick', 'edge-ap'],
      ['members', 'add', 'edge-ap', 'gw-1'],
    ]) {
      expect(await gwpool(...args)).toEqual({
        code: 1,
        stdout: '',
        stderr: "NOT_FOUND: no pool named 'edge-ap' in org 'acme'\n",
      });
    }
  });

  it('prints an error reply as CODE: message and exits 1', async () => {
    expect(await gwpool('members', 'add', 'edge-eu', 'gw-ghost')).toEqual({
      code: 1,
      stdout: '',
      stderr: "NOT_FOUND: gateway 'gw-ghost' is not registered in org 'acme'\n",
    });
    const inUse = await gwpool('pools', 'delete', 'edge-eu');
    expect([inUse.code, inUse.stderr]).toEqual([
      1,
      "POOL_IN_USE: pool 'edge-eu' is used by 1 consumer (k8s-prod); move or detach them first\n",
    ]);
    const invalid = await gwpool('pools', 'create', 'Not A Slug');
    expect([invalid.code, invalid.stderr]).toEqual([
      1,
      expect.stringMatching(/^VALIDATION_FAILED: invalid request: name/),
    ]);
  });

  it('refuses a bad command line with a usage line and exit 2', async () => {
    const badFlag = await gwpool('pools', 'list', '--bogus');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toBe(
      "gwpool: unknown option '--bogus'\nusage: gwpool pools list [options]\n(see 'gwpool pools list --help')\n",
    );
    for (const args of [
      ['pools', 'get'],
      ['pools', 'nonsense'],
      ['pools'],
      ['members', 'add', 'edge-eu'],
      ['consumers', 'attach', 'x', '--type', 'nope', '--pool', 'edge-eu'],
      ['consumers', 'attach', 'x', '--type', 'pam'],
      ['pools', 'update', 'edge-eu'],
      ['--timeout', 'soon', 'pools', 'list'],
      ['--org', 'not.an.org', 'pools', 'list'],
    ]) {
      const result = await gwpool(...args);
      expect([args, result.code, result.stdout]).toEqual([args, 2, '']);
      expect(result.stderr).toMatch(/(^|\n)(usage|Usage): gwpool /);
    }
    const noOrg = await runGwpool(['pools', 'list'], { NATS_URL: env.NATS_URL ?? '' });
    expect([noOrg.code, noOrg.stderr.split('\n')[0]]).toEqual([
      2,
      'gwpool: no org given: pass --org ORG or set GWPOOL_ORG',
    ]);
  });

  it('explains in one line that nothing answered, nothing replied in time, or NATS is not there', async () => {
    expect(await gwpool('request', 'gwpool.v1.acme.nobody.home')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gwpool: no service answered gwpool.v1.acme.nobody.home; is the stack running?\n',
    });
    const silent = stack.client.nc.subscribe('gwpool.v1.acme.silent');
    await stack.client.flush();
    expect(await gwpool('--timeout', '300ms', 'request', 'gwpool.v1.acme.silent')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gwpool: no reply to gwpool.v1.acme.silent within 300ms; the service may be busy or down\n',
    });
    silent.unsubscribe();
    expect(await gwpool('--server', 'nats://127.0.0.1:1', 'pools', 'list')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gwpool: cannot connect to NATS at nats://127.0.0.1:1: connection refused; is the stack running?\n',
    });
  });

  it('sends any request with `request` and prints the reply, error replies included', async () => {
    const list = await gwpool('request', 'gwpool.v1.acme.query.pool.list');
    expect([list.code, JSON.parse(list.stdout)]).toEqual([0, await poolList()]);
    expect(list.stdout).toContain('\n  "pools": [');
    const refused = await gwpool('request', 'gwpool.v1.acme.cmd.pool.create', '{"name":"edge-eu"}', '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'CONFLICT', details: { name: 'edge-eu' } } });
    expect(refused.stderr).toBe("CONFLICT: a pool named 'edge-eu' already exists in org 'acme'\n");
  });

  it('watches pool health change as it happens', async () => {
    const watch = startGwpool(['watch', '--count', '1'], env);
    await eventually(
      () => watch.output.stderr,
      (text) => text.includes('watching gwpool.v1.acme.health.*'),
      { label: 'watch subscribed' },
    );
    pump.set('gw-2', 'failed');
    const result = await watch.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z {2}acme\/edge-eu {2}● yellow {2}1\/3 healthy\n$/);
    pump.set('gw-2', 'passed');
  });

  it('audits a pool named by name from the log: its events, who made them, and its members’ health', async () => {
    const table = await ok('audit', '--pool', 'edge-eu');
    const rows = table.trimEnd().split('\n').map(columns);
    expect(rows[0]).toEqual(['AT', 'EVENT', 'SUBJECT', 'DETAIL', 'ACTOR']);
    expect(rows[1]).toEqual([
      expect.stringMatching(/^\d{4}-/),
      'PoolCreated',
      'pool edge-eu',
      'EU edge',
      'alice@example.com',
    ]);
    expect(rows.map((r) => r.slice(1, 4).join(' '))).toContain('GatewayBecameUnhealthy gateway gw-2 check-failed');
    // gw-3 never beat: no transition of it, only its membership.
    expect(rows.filter((r) => r[2]?.endsWith('gw-3')).map((r) => r[1])).toEqual(['PoolMemberAdded']);

    const json = await ok('audit', '--gateway', 'gw-2', '--json', '--limit', '2');
    const reply = JSON.parse(json) as { events: { type: string }[]; next?: string };
    expect(reply.events.map((e) => e.type)).toEqual(['GatewayRegistered', 'PoolMemberAdded']);
    expect(typeof reply.next).toBe('string');
    const rest = JSON.parse(await ok('audit', '--gateway', 'gw-2', '--json', '--after', reply.next ?? '')) as {
      events: { type: string }[];
    };
    expect(rest.events.map((e) => e.type)).toContain('GatewayBecameUnhealthy');

    const refused = await gwpool('audit', '--since', 'last tuesday');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--since <time>' argument 'last tuesday' is invalid/);
  });

  it('shows a pool as it was at a past instant with --at, from the log', async () => {
    const trail = JSON.parse(await ok('audit', '--pool', 'edge-eu', '--json')) as {
      events: { type: string; at: string; data: { gatewayId?: string } }[];
    };
    // Right after gw-3 joined, before any member had sent a heartbeat.
    const joined = trail.events.find((e) => e.type === 'PoolMemberAdded' && e.data.gatewayId === 'gw-3')?.at ?? '';
    const then = await gwpool('pools', 'get', 'edge-eu', '--at', joined);
    expect(then.code).toBe(0);
    expect(then.stderr).toBe(`as of ${joined}, from the event log (heartbeat ages are not recorded)\n`);
    expect(then.stdout.split('\n')[0]).toBe('edge-eu  ● red  0/3 healthy  3 members  0 consumers');
    expect(await gwpool('pools', 'list', '--at', '2000-01-01T00:00:00Z')).toMatchObject({
      code: 0,
      stdout: '',
      stderr: expect.stringContaining("no pools in org 'acme'"),
    });
    const future = await gwpool('pools', 'get', 'edge-eu', '--at', '2099-01-01T00:00:00Z');
    expect([future.code, future.stderr]).toEqual([
      1,
      'VALIDATION_FAILED: invalid request: at 2099-01-01T00:00:00Z is in the future; the log only knows the past\n',
    ]);
  });

  it('follows the event log live with events tail, one line per event', async () => {
    const tail = startGwpool(['events', 'tail', '--count', '2'], env);
    await eventually(
      () => tail.output.stderr,
      (text) => text.includes("following the event log of org 'acme'"),
      { label: 'tail caught up' },
    );
    await ok('--actor', 'bob', 'gateways', 'register', 'gw-9', '--zone', 'eu-1c');
    await ok('members', 'add', 'edge-eu', 'gw-9');
    const result = await tail.done;
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').map(columns)).toEqual([
      [expect.stringMatching(/^\d{4}-/), 'GatewayRegistered', 'gateway gw-9', 'eu-1c', 'bob'],
      [expect.stringMatching(/^\d{4}-/), 'PoolMemberAdded', 'pool edge-eu / gw-9'],
    ]);
    await ok('members', 'remove', 'edge-eu', 'gw-9');
    await ok('gateways', 'deregister', 'gw-9');
  });

  it('lists, renames and deregisters gateways and deletes a pool', async () => {
    expect((await ok('gateways', 'list')).split('\n').map(columns).slice(0, 2)).toEqual([
      ['GATEWAY', 'NAME', 'ZONE', 'HEALTH', 'POOLS'],
      ['gw-1', 'Frankfurt gw-1', 'eu-1a', '● healthy', '1'],
    ]);
    expect(columns((await ok('gateways', 'list', '-v')).split('\n')[1] ?? '')).toEqual([
      'gw-1',
      'Frankfurt gw-1',
      'eu-1a',
      '● healthy',
      'passed',
      expect.stringMatching(/^(just now|\ds ago)$/),
      'edge-eu',
    ]);
    expect(await ok('pools', 'update', 'edge-eu', '--name', 'edge-west')).toBe('updated pool edge-west\n');
    expect(await ok('members', 'remove', 'edge-west', 'gw-3')).toBe('removed gw-3 from pool edge-west\n');
    expect(await ok('gateways', 'deregister', 'gw-2')).toBe('deregistered gateway gw-2 (it left 1 pool)\n');
    await ok('consumers', 'detach', 'k8s-prod');
    expect(await ok('pools', 'delete', 'edge-west')).toBe('deleted pool edge-west\n');
    const empty = await gwpool('pools', 'list');
    expect(empty).toEqual({ code: 0, stdout: '', stderr: "no pools in org 'acme'\n" });
  });

  it('warns on stderr while the org is degraded, and leaves the marker to the reply with --json', async () => {
    // An invalid event written past the schema check, as an old log may hold: the org's queries carry `degraded`.
    const raw = await PostgresEventLog.open({ url: stack.env.EVENT_STORE_URL });
    const metadata = { correlationId: 'legacy', causationId: 'legacy', occurredAt: new Date().toISOString() };
    const bad = { id: randomUUID(), type: 'PoolCreated', data: { poolId: 'p-42', name: 42 }, metadata };
    await raw.append(orgStreamId('damaged'), [bad], 'no_stream');
    await raw.close();
    const damaged = { ...env, GWPOOL_ORG: 'damaged' };
    const human = await eventually(
      () => runGwpool(['pools', 'list'], damaged),
      (r) => r.stderr.includes('warning:'),
      { label: 'degraded warning' },
    );
    expect(human).toEqual({
      code: 0,
      stdout: '',
      stderr: expect.stringMatching(
        /^warning: org 'damaged' has 1 quarantined event [^\n]+\nno pools in org 'damaged'\n$/,
      ),
    });
    const json = await runGwpool(['pools', 'list', '--json'], damaged);
    expect([json.code, json.stderr]).toEqual([0, '']);
    expect(JSON.parse(json.stdout)).toMatchObject({ pools: [], degraded: { quarantinedEvents: 1 } });
  });

  it('colours only a terminal, and not even that with NO_COLOR', async () => {
    await ok('pools', 'create', 'colours');
    const piped = await gwpool('pools', 'list');
    expect(piped.stdout).toContain('● red');
    expect(piped.stdout).not.toMatch(ANSI);
    const terminal = await gwpoolInTerminal(['pools', 'list'], env);
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).toMatch(ANSI);
    expect(terminal.stdout).toContain('\u001b[31m● red\u001b[39m');
    const noColor = await gwpoolInTerminal(['pools', 'list'], { ...env, NO_COLOR: '1' });
    expect(noColor.stdout).toContain('● red');
    expect(noColor.stdout).not.toMatch(ANSI);
  });

  it('shows help for every group and command, exit 0', async () => {
    const commands = [
      [],
      ['pools'],
      ...['list', 'get', 'create', 'update', 'delete'].map((c) => ['pools', c]),
      ['members'],
      ['members', 'add'],
      ['members', 'remove'],
      ['gateways'],
      ...['register', 'list', 'deregister'].map((c) => ['gateways', c]),
      ['consumers'],
      ...['attach', 'detach', 'list'].map((c) => ['consumers', c]),
      ['route'],
      ['route', 'pick'],
      ['route', 'resolve'],
      ['request'],
      ['watch'],
      ['audit'],
      ['events'],
      ['events', 'tail'],
    ];
    for (const command of commands) {
      const help = await gwpool(...command, '--help');
      expect([command, help.code, help.stderr]).toEqual([command, 0, '']);
      expect(help.stdout).toContain(`Usage: ${['gwpool', ...command].join(' ')} `);
      expect(help.stdout).toContain('--org <org>');
    }
  });

  it('runs as `npx gwpool` and `npm run gwpool` from the repository', async () => {
    const npx = await run('npx', ['gwpool', 'pools', 'list', '--json'], userEnv(env));
    expect([npx.code, JSON.parse(npx.stdout)]).toEqual([0, await poolList()]);
    const script = await run('npm', ['run', '--silent', 'gwpool', '--', 'route', 'pick', 'colours'], userEnv(env));
    expect([script.code, script.stderr]).toEqual([
      1,
      "NO_HEALTHY_GATEWAY: pool 'colours' has no healthy gateway (0/0 healthy)\n",
    ]);
  });
});
