import { jest } from '@jest/globals';
import { InMemoryEventLog } from '@gwpool/event-log/testing';
import { PositionGate } from './position-gate.js';

/** The in-memory log's order (positions "1", "2", …), counting how often a position is parsed. */
function countingOrder() {
  const log = new InMemoryEventLog();
  const counter = { calls: 0 };
  const order = (a: string, b: string) => {
    counter.calls += 1;
    return log.comparePositions(a, b);
  };
  return { order, counter };
}

describe('the position gate', () => {
  afterEach(() => jest.useRealTimers());

  it('costs one map lookup per read and parses no position while nothing was announced', () => {
    const { order, counter } = countingOrder();
    const gate = new PositionGate(order);
    gate.advance(undefined, '10');

    for (let position = 11; position < 1000; position += 1) {
      gate.advance('acme', String(position));
      expect(gate.pendingFor('acme')).toBeUndefined();
    }

    expect(counter.calls).toBe(0);
    expect(gate.applied).toBe('999');
  });

  it("keeps each org's newest announced position until the follower applies that org's event at or past it", () => {
    const gate = new PositionGate(countingOrder().order);
    gate.advance(undefined, '3');
    gate.announce('acme', '5');
    gate.announce('acme', '4');
    gate.announce('globex', '6');

    expect([gate.pendingFor('acme'), gate.pendingFor('globex'), gate.pendingFor('initech')]).toEqual([
      '5',
      '6',
      undefined,
    ]);
    gate.advance('acme', '4');
    expect(gate.pendingFor('acme')).toBe('5');
    gate.advance('acme', '5');
    expect([gate.pendingFor('acme'), gate.pendingFor('globex')]).toEqual([undefined, '6']);
  });

  it('ignores an announcement the follower has applied already, and one that is not a position of the log', () => {
    const gate = new PositionGate(countingOrder().order);
    gate.advance(undefined, '7');
    gate.announce('acme', '7');
    gate.announce('acme', '1042:3');
    gate.announce('acme', '');

    expect(gate.pendingFor('acme')).toBeUndefined();
  });

  it('drops the announcements a loaded snapshot already covers', () => {
    const gate = new PositionGate(countingOrder().order);
    gate.announce('acme', '5');
    gate.announce('globex', '9');

    gate.advance(undefined, '6');

    expect([gate.pendingFor('acme'), gate.pendingFor('globex')]).toEqual([undefined, '9']);
  });

  it('forgets a pending position a read found applied, even one that named no event of its org', () => {
    const gate = new PositionGate(countingOrder().order);
    gate.announce('acme', '5');
    gate.advance('globex', '5');

    expect(gate.hasApplied('5')).toBe(true);
    gate.settle('acme', '5');
    expect(gate.pendingFor('acme')).toBeUndefined();
  });

  it('lets waiting reads go as soon as the follower applies their position, in position order', async () => {
    const gate = new PositionGate(countingOrder().order);
    gate.advance(undefined, '1');
    const released: string[] = [];
    const waits = ['4', '2', '3', '9'].map((position) =>
      gate.waitFor(position, 60_000).then((reached) => released.push(`${position}:${String(reached)}`)),
    );

    gate.advance('acme', '2');
    await Promise.resolve();
    expect(released).toEqual(['2:true']);
    gate.advance('acme', '4');
    await Promise.all(waits.slice(0, 3));
    expect(released).toEqual(['2:true', '3:true', '4:true']);
    expect(gate.waiting).toBe(1);
    gate.advance('acme', '9');
    await Promise.all(waits);
    expect(gate.waiting).toBe(0);
  });

  it('answers a wait for an applied position at once', async () => {
    const gate = new PositionGate(countingOrder().order);
    gate.advance('acme', '3');

    await expect(gate.waitFor('2', 60_000)).resolves.toBe(true);
    expect(gate.waiting).toBe(0);
  });

  it('gives up on a position the follower has not applied within the bound, and keeps no waiter', async () => {
    jest.useFakeTimers();
    const gate = new PositionGate(countingOrder().order);
    gate.advance('acme', '3');
    const wait = gate.waitFor('99', 2000);

    jest.advanceTimersByTime(1999);
    expect(gate.waiting).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(wait).resolves.toBe(false);
    expect(gate.waiting).toBe(0);
  });

  it('refuses a wait at once when too many reads are waiting', async () => {
    const gate = new PositionGate(countingOrder().order, { orgs: 10, waiters: 2 });
    const first = gate.waitFor('5', 60_000);
    const second = gate.waitFor('6', 60_000);

    await expect(gate.waitFor('7', 60_000)).resolves.toBe(false);
    gate.advance('acme', '6');
    await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
  });

  it('past its bound on orgs, makes every org wait for the newest announcement that found no room', () => {
    const gate = new PositionGate(countingOrder().order, { orgs: 2, waiters: 10 });
    gate.announce('a', '5');
    gate.announce('b', '6');
    gate.announce('c', '8');
    gate.announce('d', '7');

    expect(['a', 'b', 'c', 'd', 'e'].map((org) => gate.pendingFor(org))).toEqual(['5', '6', '8', '8', '8']);
    gate.advance('c', '8');
    expect(['a', 'b', 'c', 'e'].map((org) => gate.pendingFor(org))).toEqual(['5', '6', undefined, undefined]);
    expect(gate.hasApplied('6')).toBe(true);
  });

  it('makes room for a new org by dropping announcements already applied', () => {
    const gate = new PositionGate(countingOrder().order, { orgs: 1, waiters: 10 });
    gate.announce('a', '5');
    gate.advance('b', '5');
    gate.announce('c', '9');

    expect([gate.pendingFor('a'), gate.pendingFor('c'), gate.pendingFor('z')]).toEqual([undefined, '9', undefined]);
  });
});
