import { isHealthy, parseDuration, poolStatus } from '@gwpool/domain';

describe('health rules', () => {
  it('treats a heartbeat exactly TTL old as expired', () => {
    expect(isHealthy({ at: 0, check: 'passed' }, 1000, 1000)).toBe(false);
    expect(isHealthy({ at: 0, check: 'passed' }, 999, 1000)).toBe(true);
  });
  it('parses durations', () => {
    expect(parseDuration('5s')).toBe(5000);
    expect(poolStatus(0, 0)).toBe('red');
  });
});
