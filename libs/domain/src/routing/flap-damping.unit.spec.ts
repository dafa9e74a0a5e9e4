import { type CheckResult, dampCheck, type DampedLiveness, type DampingPolicy, isHealthy } from '../index.js';

const TTL = 30_000;
const BEAT = 10_000;

/** Given a policy, when checks arrive one heartbeat apart from t = 0, then the health after each one. */
function healthAfterEach(policy: DampingPolicy | undefined, checks: readonly CheckResult[]): boolean[] {
  let state: DampedLiveness | undefined;
  return checks.map((check, i) => {
    state = dampCheck(state, check, i * BEAT, TTL, policy);
    return isHealthy(state, i * BEAT, TTL);
  });
}

const P = 'passed';
const F = 'failed';

describe('flap damping', () => {
  it('changes nothing with the defaults: each check counts at once', () => {
    expect(healthAfterEach(undefined, [P, F, P, P, F, F, P])).toEqual([true, false, true, true, false, false, true]);
  });

  it('turns a gateway unhealthy only after UNHEALTHY_AFTER failed checks in a row', () => {
    const policy = { healthyAfter: 1, unhealthyAfter: 3 };
    expect(healthAfterEach(policy, [P, F, F, F, F])).toEqual([true, true, true, false, false]);
  });

  it('turns a gateway healthy only after HEALTHY_AFTER passed checks in a row', () => {
    const policy = { healthyAfter: 2, unhealthyAfter: 1 };
    expect(healthAfterEach(policy, [P, P, F, P, P, P])).toEqual([false, true, false, false, true, true]);
  });

  it('starts the count again when a check agrees with the current health', () => {
    const policy = { healthyAfter: 1, unhealthyAfter: 3 };
    expect(healthAfterEach(policy, [P, F, F, P, F, F, F])).toEqual([true, true, true, true, true, true, false]);
  });

  it('keeps a flapping gateway steady', () => {
    const policy = { healthyAfter: 2, unhealthyAfter: 2 };
    expect(healthAfterEach(policy, [P, P, F, P, F, P, F, P])).toEqual(Array(8).fill(false).fill(true, 1));
  });

  it('does not damp TTL expiry: a silent gateway turns unhealthy the moment the TTL runs out', () => {
    const state = dampCheck(undefined, P, 0, TTL, { healthyAfter: 1, unhealthyAfter: 5 });
    expect(isHealthy(state, TTL - 1, TTL)).toBe(true);
    expect(isHealthy(state, TTL, TTL)).toBe(false);
  });

  it('makes a gateway back from silence earn its health again', () => {
    const policy = { healthyAfter: 2, unhealthyAfter: 1 };
    let state = dampCheck(undefined, P, 0, TTL, policy);
    state = dampCheck(state, P, BEAT, TTL, policy);
    expect(isHealthy(state, BEAT, TTL)).toBe(true);
    const back = BEAT + TTL;
    state = dampCheck(state, P, back, TTL, policy);
    expect(isHealthy(state, back, TTL)).toBe(false);
    state = dampCheck(state, P, back + BEAT, TTL, policy);
    expect(isHealthy(state, back + BEAT, TTL)).toBe(true);
  });

  it('keeps the heartbeat time fresh while a change is pending, so the TTL does not run out', () => {
    const policy = { healthyAfter: 1, unhealthyAfter: 3 };
    let state = dampCheck(undefined, P, 0, TTL, policy);
    for (let i = 1; i <= 2; i += 1) state = dampCheck(state, F, i * 20_000, TTL, policy);
    expect(state).toEqual({ at: 40_000, check: P, pending: 2 });
    expect(isHealthy(state, 40_000 + TTL - 1, TTL)).toBe(true);
  });

  it('ignores a heartbeat older than the last one, as when they arrive out of order', () => {
    const policy = { healthyAfter: 1, unhealthyAfter: 2 };
    const state = dampCheck(dampCheck(undefined, P, 5_000, TTL, policy), F, 6_000, TTL, policy);
    expect(dampCheck(state, F, 4_000, TTL, policy)).toBe(state);
  });
});
