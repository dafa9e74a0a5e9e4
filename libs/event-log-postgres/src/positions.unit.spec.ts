import { comparePositions, InvalidPositionError, parsePosition } from './index.js';

const order = (a: string, b: string) => Math.sign(comparePositions(a, b));

describe('PostgreSQL event-log positions', () => {
  it('orders by writing transaction first, then by sequence within it', () => {
    expect(order('41:900', '42:1')).toBe(-1);
    expect(order('42:7', '42:12')).toBe(-1);
    expect(order('42:12', '42:12')).toBe(0);
    expect(['43:2', '42:12', '42:7', '41:900'].sort(comparePositions)).toEqual(['41:900', '42:7', '42:12', '43:2']);
  });

  it('compares as numbers, never as text', () => {
    expect(order('9:1', '10:1')).toBe(-1);
    expect(order('10:9', '10:10')).toBe(-1);
    expect(order('010:5', '10:5')).toBe(0);
  });

  it('compares exactly beyond the safe integer range, as xid8 and bigint allow', () => {
    const big = 2n ** 63n;
    expect(order(`${big}:1`, `${big - 1n}:${big - 1n}`)).toBe(1);
    expect(order(`${2n ** 64n - 1n}:${big - 1n}`, `${2n ** 64n - 1n}:${big - 2n}`)).toBe(1);
    expect(order(`${2n ** 53n}:1`, `${2n ** 53n + 1n}:1`)).toBe(-1);
  });

  it.each([
    '',
    '12',
    '1/2',
    '-1:2',
    '1:2:3',
    ' 1:2',
    '1:2 ',
    '0x1:2',
    'a:b',
    '1.5:2',
    `${2n ** 64n}:1`,
    `1:${2n ** 63n}`,
  ])('refuses %p as a position', (text) => {
    expect(() => parsePosition(text)).toThrow(InvalidPositionError);
    expect(() => comparePositions(text, '1:1')).toThrow(InvalidPositionError);
    expect(() => comparePositions('1:1', text)).toThrow(InvalidPositionError);
  });
});
