import { IntakeQueue } from './intake-queue.js';

const drain = (queue: IntakeQueue<string>) => {
  const out: string[] = [];
  for (let value = queue.shift(); value !== undefined; value = queue.shift()) out.push(value);
  return out;
};

describe("the intake's queue", () => {
  it('serves news, then the due by seniority, then newcomers, then the fresh', () => {
    const queue = new IntakeQueue<string>();
    queue.put('f', 'fresh', 'fresh', 1);
    queue.put('n1', 'newcomer 1', 'newcomer', 0);
    queue.put('d-young', 'due since 300', 'due', 300);
    queue.put('x', 'news', 'news', 500);
    queue.put('d-old', 'due since 100', 'due', 100);
    queue.put('n2', 'newcomer 2', 'newcomer', 0);
    queue.put('d-mid', 'due since 200', 'due', 200);

    expect(drain(queue)).toEqual([
      'news',
      'due since 100',
      'due since 200',
      'due since 300',
      'newcomer 1',
      'newcomer 2',
      'fresh',
    ]);
    expect(queue.size).toBe(0);
  });

  it('replaces a waiting value in place, returning the old one, and moves it when its tier changes', () => {
    const queue = new IntakeQueue<string>();
    queue.put('a', 'a1', 'newcomer', 0);
    queue.put('b', 'b1', 'newcomer', 0);
    expect(queue.put('a', 'a2', 'newcomer', 7)).toBe('a1');
    queue.put('c', 'c1', 'due', 50);
    expect(queue.put('c', 'c2', 'news', 50)).toBe('c1');

    expect(queue.size).toBe(3);
    expect(drain(queue)).toEqual(['c2', 'a2', 'b1']);
  });

  it('makes room by evicting the oldest fresh, then the oldest newcomer, never news or the due', () => {
    const queue = new IntakeQueue<string>();
    queue.put('n', 'newcomer', 'newcomer', 0);
    queue.put('f', 'fresh', 'fresh', 0);
    queue.put('d', 'due', 'due', 0);
    queue.put('x', 'news', 'news', 0);

    expect([queue.evict(), queue.evict(), queue.evict()]).toEqual(['fresh', 'newcomer', undefined]);
    expect(drain(queue)).toEqual(['news', 'due']);
  });

  it('keeps its seniority heap bounded when keys keep leaving the due tier before they are served', () => {
    const queue = new IntakeQueue<string>();
    for (let i = 0; i < 10; i += 1) queue.put(`old-${i}`, `old-${i}`, 'due', i);
    for (let round = 0; round < 100_000; round += 1) {
      queue.put('flapping', `due ${round}`, 'due', 1000 + round);
      queue.put('flapping', `news ${round}`, 'news', 1000 + round);
    }

    expect((queue as unknown as { due: { size: number } }).due.size).toBeLessThanOrEqual(2 * queue.size + 1024);
    expect(drain(queue)).toEqual(['news 99999', ...Array.from({ length: 10 }, (_, i) => `old-${i}`)]);
  });
});
