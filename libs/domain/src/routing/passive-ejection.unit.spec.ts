import {
  type CallerOutcome,
  DEFAULT_EJECTION_POLICY,
  type EjectionState,
  ejectionMs,
  ejectionTrigger,
  isForgettable,
  reportOutcome,
  startsEjection,
  suspectUntil,
} from '../index.js';
import { givenPool, NOW } from './testing/routing-fixtures.js';

const S = 1_000;

/** Given no history, when these reports arrive at these times, then this state. */
function reports(...steps: [at: number, outcome: CallerOutcome][]): EjectionState | undefined {
  let state: EjectionState | undefined;
  for (const [at, outcome] of steps) state = reportOutcome(state, outcome, at);
  return state;
}

const fail3 = (at: number): [number, CallerOutcome][] => [
  [at, 'failed'],
  [at + 1, 'failed'],
  [at + 2, 'failed'],
];

describe('passive ejection', () => {
  it('makes a member suspect for 30 s on the third consecutive failure, and not before', () => {
    const twice = reports([0, 'failed'], [1, 'failed']);
    expect(suspectUntil(twice, 2)).toBeUndefined();
    const thrice = reports(...fail3(0));
    expect(suspectUntil(thrice, 2)).toBe(2 + 30 * S);
  });

  it('ends the ejection when the time runs out', () => {
    const state = reports(...fail3(0));
    expect(suspectUntil(state, 2 + 30 * S - 1)).toBe(2 + 30 * S);
    expect(suspectUntil(state, 2 + 30 * S)).toBeUndefined();
  });

  it('ends the ejection at once on an ok report', () => {
    const state = reports(...fail3(0), [5 * S, 'ok']);
    expect(suspectUntil(state, 5 * S)).toBeUndefined();
  });

  it('needs failures in a row: an ok in between starts the count again', () => {
    expect(suspectUntil(reports([0, 'failed'], [1, 'failed'], [2, 'ok'], [3, 'failed'], [4, 'failed']), 5)).toBe(
      undefined,
    );
  });

  it('doubles the ejection on each repeat, up to 300 s', () => {
    let state: EjectionState | undefined;
    let at = 0;
    const lengths: number[] = [];
    for (let round = 0; round < 6; round += 1) {
      for (let i = 0; i < 3; i += 1) state = reportOutcome(state, 'failed', at);
      lengths.push((suspectUntil(state, at) as number) - at);
      at = state?.until as number; // fails again the moment it is back
    }
    expect(lengths).toEqual([30 * S, 60 * S, 120 * S, 240 * S, 300 * S, 300 * S]);
  });

  it('keeps doubling when an ok ended the previous ejection early', () => {
    const state = reports(...fail3(0), [10 * S, 'ok'], ...fail3(11 * S));
    expect(suspectUntil(state, 11 * S + 2)).toBe(11 * S + 2 + 60 * S);
  });

  it('takes one doubling off for each 300 s the member stays un-ejected', () => {
    // Ejected three times in a row: 30 s, 60 s, 120 s, ending at `end`.
    let state = reports(...fail3(0));
    state = reportOutcome(reportOutcome(reportOutcome(state, 'failed', 32 * S), 'failed', 32 * S), 'failed', 32 * S);
    state = reportOutcome(reportOutcome(reportOutcome(state, 'failed', 92 * S), 'failed', 92 * S), 'failed', 92 * S);
    const end = state.until;
    expect(end).toBe(212 * S);
    const nextLength = (calm: number) => {
      const at = end + calm;
      const next = reportOutcome(reportOutcome(reportOutcome(state, 'failed', at), 'failed', at), 'failed', at);
      return next.until - at;
    };
    expect(nextLength(0)).toBe(240 * S);
    expect(nextLength(300 * S - 1)).toBe(240 * S);
    expect(nextLength(300 * S)).toBe(120 * S);
    expect(nextLength(600 * S)).toBe(60 * S);
    expect(nextLength(900 * S)).toBe(30 * S);
    expect(nextLength(10_000 * S)).toBe(30 * S);
  });

  it('ignores failures while suspect: panic traffic does not stretch the ejection', () => {
    const state = reports(...fail3(0));
    expect(reports(...fail3(0), ...fail3(10 * S), ...fail3(20 * S))).toEqual(state);
  });

  it('says which report started an ejection: the one that made the member suspect, not those while suspect', () => {
    const counted = (...steps: [at: number, outcome: CallerOutcome][]): number[] => {
      const started: number[] = [];
      let state: EjectionState | undefined;
      for (const [at, outcome] of steps) {
        const next = reportOutcome(state, outcome, at);
        if (startsEjection(state, next, at)) started.push(at);
        state = next;
      }
      return started;
    };
    expect(counted(...fail3(0))).toEqual([2]);
    expect(counted(...fail3(0), ...fail3(10 * S), [11 * S, 'ok'])).toEqual([2]);
    // Ended early by an ok, then ejected again: two ejections.
    expect(counted(...fail3(0), [5 * S, 'ok'], ...fail3(6 * S))).toEqual([2, 6 * S + 2]);
    // Ran out, then failed three times again: counted again.
    expect(counted(...fail3(0), ...fail3(40 * S))).toEqual([2, 40 * S + 2]);
  });

  it('names the same report as the trigger in every order the reports are applied, so summed counts count it once', () => {
    type Report = { at: number; by: string };
    const permutations = (items: Report[]): Report[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) => permutations(items.filter((_, j) => j !== i)).map((rest) => [item, ...rest]));
    /** How many ejections `holder` counts, applying the reports in this order. */
    const countedBy = (holder: string, order: Report[]): number => {
      let state: EjectionState | undefined;
      let counted = 0;
      for (const { at, by } of order) {
        const next = reportOutcome(state, 'failed', at, undefined, by);
        if (ejectionTrigger(state, next, at)?.by === holder) counted += 1;
        state = next;
      }
      return counted;
    };
    // Three failed reports, taken by two instances; the last two with the same stamp, told apart by taker.
    for (const reports of [
      [
        { at: 1, by: 'a' },
        { at: 2, by: 'b' },
        { at: 3, by: 'a' },
      ],
      [
        { at: 1, by: 'a' },
        { at: 5, by: 'a' },
        { at: 5, by: 'b' },
      ],
    ]) {
      const orders = permutations(reports);
      for (const seenByA of orders)
        for (const seenByB of orders) expect(countedBy('a', seenByA) + countedBy('b', seenByB)).toBe(1);
    }
  });

  it('can be forgotten once nothing is pending and the level has decayed', () => {
    const state = reports(...fail3(0)) as EjectionState;
    expect(isForgettable(state, 10 * S)).toBe(false);
    expect(isForgettable(state, state.until + 300 * S - 1)).toBe(false);
    expect(isForgettable(state, state.until + 300 * S)).toBe(true);
    expect(isForgettable(reports([0, 'failed']) as EjectionState, 10 * S)).toBe(false);
    expect(isForgettable(reports([0, 'ok']) as EjectionState, 0)).toBe(true);
  });

  it('follows the policy it is given', () => {
    const policy = { failuresToEject: 1, baseEjectionMs: 5 * S, maxEjectionMs: 12 * S };
    expect(reportOutcome(undefined, 'failed', 0, policy).until).toBe(5 * S);
    expect([1, 2, 3].map((level) => ejectionMs(level, policy))).toEqual([5 * S, 10 * S, 12 * S]);
    expect(ejectionMs(1)).toBe(DEFAULT_EJECTION_POLICY.baseEjectionMs);
  });

  it('feeds the pick: a member suspect by reports is skipped, and in panic when it is the only one', () => {
    const state = reports(...fail3(NOW - 10)) as EjectionState;
    const pool = givenPool({ flaky: { suspectUntil: state.until }, sound: {} });
    expect(pool.tally(300)).toEqual(new Map([['sound', 300]]));
    expect(pool.pick({ exclude: ['sound'] })).toEqual({ ok: true, gatewayId: 'flaky', panic: true });
  });
});
