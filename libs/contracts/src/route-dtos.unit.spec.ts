import { PickRouteDto, ResolveRouteDto } from './route-dtos.js';
import { parseRequest } from './validation.js';

/** What full validation says of a body: the same DTO with its hand check set aside for the call. */
function fullyValidated(dto: typeof PickRouteDto | typeof ResolveRouteDto, body: unknown): object {
  const fast = Object.getOwnPropertyDescriptor(dto, 'fastParse') as PropertyDescriptor;
  Object.defineProperty(dto, 'fastParse', { ...fast, value: undefined });
  try {
    return parseRequest(dto as typeof PickRouteDto, body);
  } finally {
    Object.defineProperty(dto, 'fastParse', fast);
  }
}

const outcome = (parse: () => object): unknown => {
  try {
    return { ok: { ...parse() } };
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
};

const tokens = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
const OPTIONS: Record<string, unknown>[] = [
  {},
  { key: 'session-1' },
  { key: 'a' },
  { key: '' },
  { key: 'x'.repeat(256) },
  { key: 'x'.repeat(257) },
  { key: '\uFE0F' },
  { key: 'été' },
  { key: 'a\u0000b' },
  { key: '\uD800' },
  { key: 7 },
  { key: null },
  { preferZone: 'zone-1' },
  { preferZone: 'zone 1' },
  { preferZone: '' },
  { requireTags: ['pci'] },
  { requireTags: [] },
  { requireTags: tokens(64) },
  { requireTags: tokens(65) },
  { requireTags: ['ok', 'not ok'] },
  { requireTags: 'pci' },
  { exclude: ['gw-1', 'gw-2'] },
  { exclude: tokens(32) },
  { exclude: tokens(33) },
  { exclude: [1] },
  { minPosition: '12:3' },
  { minPosition: '' },
  { minPosition: 'p'.repeat(65) },
  { key: 'k', preferZone: 'z', requireTags: ['a'], exclude: ['b'], minPosition: '1' },
  { key: 'k', other: 1 },
];

describe('the hand check of pick bodies', () => {
  it('answers every body exactly as full validation does', () => {
    const bodies = [
      ...OPTIONS.map((options) => ({ poolId: 'pool-1', ...options })),
      ...OPTIONS.map((options) => ({ poolId: 'bad pool', ...options })),
      ...OPTIONS.map((options) => ({ ...options })),
      JSON.parse('{"poolId":"p","__proto__":{"key":"k"}}') as object,
      JSON.parse('{"poolId":"p","key":"k","constructor":"x"}') as object,
      null,
      [],
      'text',
    ];
    for (const body of bodies) {
      expect([body, outcome(() => parseRequest(PickRouteDto, body))]).toEqual([
        body,
        outcome(() => fullyValidated(PickRouteDto, body)),
      ]);
      const resolveBody =
        body !== null && typeof body === 'object' && 'poolId' in body ? { ...body, consumerId: 'c-1' } : body;
      expect([resolveBody, outcome(() => parseRequest(ResolveRouteDto, resolveBody))]).toEqual([
        resolveBody,
        outcome(() => fullyValidated(ResolveRouteDto, resolveBody)),
      ]);
    }
  });

  it('takes a valid body with pick options without full validation', () => {
    const body = { poolId: 'pool-1', key: 'session-1', preferZone: 'z', requireTags: ['pci'], exclude: ['gw-1'] };
    expect(PickRouteDto.fastParse(body)).toEqual(body);
    expect(ResolveRouteDto.fastParse({ consumerId: 'c', key: 'session-1' })).toEqual({
      consumerId: 'c',
      key: 'session-1',
    });
  });

  it('leaves to full validation a body with an accessor, an inherited field or an unknown key', () => {
    const withAccessor = { poolId: 'pool-1' };
    Object.defineProperty(withAccessor, 'key', { get: () => 'k', enumerable: true });
    const inherited = Object.assign(Object.create({ key: 'k' }) as object, { poolId: 'pool-1' });
    expect(PickRouteDto.fastParse(withAccessor)).toBeUndefined();
    expect(PickRouteDto.fastParse(inherited)).toBeUndefined();
    expect(PickRouteDto.fastParse({ poolId: 'pool-1', keys: 'k' })).toBeUndefined();
  });
});
