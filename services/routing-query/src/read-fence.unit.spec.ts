import { jest } from '@jest/globals';
import { RequestValidationError, ViewBehindError } from '@gwpool/contracts';
import { InMemoryEventLog } from '@gwpool/event-log/testing';
import { PositionGate } from '@gwpool/log-followers';
import { headers } from '@nats-io/transport-node';
import { ReadFence } from './read-fence.js';

const notice = (body: unknown) => new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
const withHeader = (...values: string[]) => {
  const h = headers();
  for (const value of values) h.append('gwpool-min-position', value);
  return h;
};

/** The in-memory log's positions ("1", "2", …); the follower has applied up to "3". */
function fence(waitMs = 2000) {
  const log = new InMemoryEventLog();
  const gate = new PositionGate((a, b) => log.comparePositions(a, b));
  gate.advance(undefined, '3');
  return { gate, fence: new ReadFence(gate, waitMs) };
}

describe('the read fence of routing-query', () => {
  afterEach(() => jest.useRealTimers());

  it('lets a query through at once when nothing was announced and it names no position', () => {
    const { fence: f } = fence();

    expect(f.before('acme', f.minPosition(undefined, undefined))).toBeUndefined();
  });

  it("holds a query of an org whose command was announced until the view applies it, and no other org's", async () => {
    const { gate, fence: f } = fence();
    f.noticed(notice({ org: 'acme', position: '5' }));

    expect(f.before('globex', undefined)).toBeUndefined();
    const held = f.before('acme', undefined);
    expect(held).toBeInstanceOf(Promise);
    let answered = false;
    void held?.then(() => (answered = true));
    gate.advance('acme', '4');
    await Promise.resolve();
    expect(answered).toBe(false);
    gate.advance('acme', '5');
    await held;
    expect(f.before('acme', undefined)).toBeUndefined();
  });

  it('lets a query through at once when its minPosition is applied already', () => {
    const { fence: f } = fence();

    expect(f.before('acme', f.minPosition(undefined, '2'))).toBeUndefined();
    expect(f.before('acme', f.minPosition(withHeader('3'), undefined))).toBeUndefined();
  });

  it('waits for the later of the announced position and the minPosition', async () => {
    const { gate, fence: f } = fence();
    f.noticed(notice({ org: 'acme', position: '5' }));
    const held = f.before('acme', '7');
    let answered = false;
    void held?.then(() => (answered = true));

    gate.advance('acme', '5');
    gate.advance('globex', '6');
    await Promise.resolve();
    expect(answered).toBe(false);
    gate.advance('globex', '7');
    await held;
  });

  it('answers UNAVAILABLE, saying how far behind the view is, when it does not get there within the bound', async () => {
    jest.useFakeTimers();
    const { fence: f } = fence(750);
    const held = f.before('acme', f.minPosition(withHeader('42'), undefined));
    const refused = expect(held).rejects.toThrow(new ViewBehindError('3', '42', 750).message);

    jest.advanceTimersByTime(750);
    await refused;
    expect(new ViewBehindError('3', '42', 750).message).toBe(
      'the view of this instance is behind: it has applied the log up to position 3, and this query needs position 42; ' +
        'waited 750 ms, retry later',
    );
  });

  it('says how far behind the head of the log the view was when last measured, when it knows', async () => {
    jest.useFakeTimers();
    const log = new InMemoryEventLog();
    const gate = new PositionGate((a, b) => log.comparePositions(a, b));
    gate.advance(undefined, '3');
    const f = new ReadFence(gate, 500, () => ({ events: 12, seconds: 0.25 }));
    const held = f.before('acme', '15');
    const refused = expect(held).rejects.toMatchObject({
      message:
        'the view of this instance is behind: it has applied the log up to position 3, and this query needs ' +
        'position 15; when last measured it was 12 events (0.3 s) behind the head of the log; waited 500 ms, retry later',
      details: { appliedPosition: '3', wantedPosition: '15', waitedMs: 500, eventsBehind: 12, secondsBehind: 0.25 },
    });

    jest.advanceTimersByTime(500);
    await refused;
  });

  it('drops an announcement past the head of the log once a query timed out on it, so it holds no other', async () => {
    jest.useFakeTimers();
    const log = new InMemoryEventLog();
    const gate = new PositionGate((a, b) => log.comparePositions(a, b));
    gate.advance(undefined, '3');
    let behind = { events: 0, seconds: 0 };
    const f = new ReadFence(gate, 500, () => behind);
    f.noticed(notice({ org: 'acme', position: '999999' }));
    f.noticed(notice({ org: 'globex', position: '7' }));

    const bogus = expect(f.before('acme', undefined)).rejects.toBeInstanceOf(ViewBehindError);
    jest.advanceTimersByTime(500);
    await bogus;
    expect(f.before('acme', undefined)).toBeUndefined();

    // A view that is behind the log keeps what was announced: the next query waits again rather than answer stale.
    behind = { events: 4, seconds: 3 };
    const slow = expect(f.before('globex', undefined)).rejects.toBeInstanceOf(ViewBehindError);
    jest.advanceTimersByTime(500);
    await slow;
    const again = f.before('globex', undefined);
    expect(again).toBeInstanceOf(Promise);
    gate.advance('globex', '7');
    await again;
  });

  it('reads the header whatever its case, and takes the same position in the body and the header', () => {
    const { fence: f } = fence();
    const h = headers();
    h.set('GWPOOL-MIN-POSITION', '2');

    expect(f.minPosition(h, undefined)).toBe('2');
    expect(f.minPosition(withHeader('2'), '2')).toBe('2');
    expect(f.minPosition(withHeader('2', '2'), undefined)).toBe('2');
  });

  it.each([
    ['a position of another log', undefined, '1042:3', "minPosition '1042:3' is not a position of this event log"],
    ['a header that is not a position', withHeader('tomorrow'), undefined, "minPosition 'tomorrow' is not a position"],
    ['a body and a header that differ', withHeader('2'), '3', "the body's minPosition and the Gwpool-Min-Position"],
    ['two different headers', withHeader('2', '3'), undefined, 'given 2 times with different values'],
    ['an empty header', withHeader(''), undefined, 'the Gwpool-Min-Position header is empty'],
    ['a huge header', withHeader('9'.repeat(5000)), undefined, 'minPosition must be at most 64 characters'],
    ['a huge number', undefined, '9'.repeat(100), 'minPosition must be at most 64 characters'],
  ])('refuses %s as VALIDATION_FAILED', (_label, h, body, reason) => {
    const { fence: f } = fence();

    let error: unknown;
    try {
      f.minPosition(h, body);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).message).toContain(reason);
  });

  it('ignores notices that are not an org and a position of this log, and holds no query for them', () => {
    const { fence: f } = fence();
    for (const body of [
      'not json',
      { org: 'acme' },
      { org: 'acme', position: 5 },
      { org: 'acme', position: '1042:3' },
      { org: 'acme', position: '9'.repeat(500) },
      [],
      null,
    ]) {
      f.noticed(notice(body));
    }

    expect(f.before('acme', undefined)).toBeUndefined();
  });
});
