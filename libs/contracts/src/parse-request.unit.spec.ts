// Over 200 lines: one case per kind of hostile body, and the property checks over any body, against one parser.
import fc from 'fast-check';
import {
  AttachConsumerDto,
  ConsumerQueryDto,
  ConsumerRefDto,
  CreatePoolDto,
  EmptyDto,
  GatewayRefDto,
  HeartbeatDto,
  PoolMemberDto,
  PoolQueryDto,
  PoolRefDto,
  ReadQueryDto,
  RegisterGatewayDto,
  SetEntitlementDto,
  UpdatePoolDto,
  VoidEventDto,
} from './dtos.js';
import { RequestValidationError } from './request-validation-error.js';
import { declaredFields, MAX_BODY_BYTES, OversizedBody, parseRequest } from './validation.js';

const DTOS = [
  RegisterGatewayDto,
  GatewayRefDto,
  CreatePoolDto,
  UpdatePoolDto,
  PoolRefDto,
  PoolMemberDto,
  AttachConsumerDto,
  ConsumerRefDto,
  EmptyDto,
  HeartbeatDto,
  SetEntitlementDto,
  VoidEventDto,
  ReadQueryDto,
  PoolQueryDto,
  ConsumerQueryDto,
];

/** Parses like the deserializer does: JSON.parse keeps `__proto__` as an own key. */
const json = (text: string): unknown => JSON.parse(text);

function refused(run: () => unknown): RequestValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the request was accepted');
}

describe('parsing hostile request bodies', () => {
  it('calls a __proto__ key an unknown field instead of taking it as the prototype', () => {
    const error = refused(() => parseRequest(RegisterGatewayDto, json('{"__proto__":{}}')));

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual(
      json('{"gatewayId":"gatewayId is required","__proto__":"property __proto__ should not exist"}'),
    );
  });

  it('does not take a name hidden under __proto__ for the pool name', () => {
    const error = refused(() => parseRequest(CreatePoolDto, json('{"__proto__":{"name":42}}')));

    expect(Object.keys(error.fields)).toEqual(['name', '__proto__']);
    expect(error.fields['name']).toBe('name is required');
  });

  it.each(DTOS)('answers {"__proto__":null} with a refusal for %p', (dto) => {
    expect(refused(() => parseRequest(dto, json('{"__proto__":null}'))).message).toContain(
      'property __proto__ should not exist',
    );
  });

  it('refuses a gateway id hidden under __proto__ with an object that would break toString', () => {
    const error = refused(() => parseRequest(PoolMemberDto, json('{"__proto__":{"gatewayId":{"toString":"x"}}}')));

    expect(Object.keys(error.fields).sort()).toEqual(['__proto__', 'gatewayId', 'poolId']);
  });

  it.each(['hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'constructor', 'prototype', 'toString'])(
    'refuses the key %s as unknown and names only it, not the real fields',
    (key) => {
      const error = refused(() => parseRequest(CreatePoolDto, json(`{"name":"edge","${key}":"x"}`)));

      expect(error.fields).toEqual({ [key]: `property ${key} should not exist` });
    },
  );

  it('refuses a __proto__ key with a string value', () => {
    expect(refused(() => parseRequest(CreatePoolDto, json('{"name":"edge","__proto__":"x"}'))).fields).toEqual(
      json('{"__proto__":"property __proto__ should not exist"}'),
    );
  });

  it('returns a DTO of its own class holding exactly the declared fields it was given', () => {
    const dto = parseRequest(RegisterGatewayDto, json('{"gatewayId":"gw-1","zone":"eu"}'));

    expect(Object.getPrototypeOf(dto)).toBe(RegisterGatewayDto.prototype);
    expect(Object.keys(dto)).toEqual(['gatewayId', 'zone']);
  });

  it('coerces nothing: numbers, booleans, null, arrays and objects are not strings', () => {
    for (const value of [7, true, ['gw-1'], { id: 'gw-1' }]) {
      expect(refused(() => parseRequest(GatewayRefDto, { gatewayId: value })).fields).toEqual({
        gatewayId: 'gatewayId must be a string',
      });
    }
    expect(refused(() => parseRequest(GatewayRefDto, { gatewayId: null })).fields).toEqual({
      gatewayId: 'gatewayId is required',
    });
    expect(refused(() => parseRequest(SetEntitlementDto, { org: 'acme', gatewayPools: 1 })).fields).toEqual({
      gatewayPools: 'gatewayPools must be a boolean value',
    });
    expect(refused(() => parseRequest(VoidEventDto, { org: 'acme', revision: '3', reason: 'x' })).fields).toEqual({
      revision: 'revision must be a whole number from 0',
    });
  });

  it('accepts only exactly passed or failed as a heartbeat check', () => {
    for (const check of ['bogus', 'PASSED', ' passed', true, null, ['passed']]) {
      expect(Object.keys(refused(() => parseRequest(HeartbeatDto, { check })).fields)).toEqual(['check']);
    }
  });

  it('refuses free text that PostgreSQL could not store: a NUL character or a lone surrogate', () => {
    for (const name of ['a\u0000b', 'a\ud800b', '\udc00']) {
      expect(refused(() => parseRequest(RegisterGatewayDto, { gatewayId: 'gw-1', name })).fields).toEqual({
        name: 'name must not contain a NUL character or a lone surrogate',
      });
    }
    expect(parseRequest(RegisterGatewayDto, { gatewayId: 'gw-1', name: 'Zürich 🏔' }).name).toBe('Zürich 🏔');
  });

  it('refuses a body over the size limit, giving the size and the limit', () => {
    const error = refused(() => parseRequest(CreatePoolDto, new OversizedBody(MAX_BODY_BYTES + 1)));

    expect(error.message).toBe(`request body is 65537 bytes, over the limit of 65536 bytes`);
    expect(error.fields).toEqual({ body: 'must be at most 65536 bytes' });
  });

  it('names at most five reasons in the message and counts the rest', () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 1]));
    const error = refused(() => parseRequest(EmptyDto, body));

    expect(error.message).toMatch(/; and 45 more$/);
    expect(Object.keys(error.fields)).toHaveLength(50);
  });

  it('shortens a huge unknown key in its reason', () => {
    const key = 'k'.repeat(100_000);
    const error = refused(() => parseRequest(EmptyDto, { [key]: 1 }));

    expect(error.message.length).toBeLessThan(200);
  });

  it('declares fields from the validation decorators, never a prototype key', () => {
    for (const dto of DTOS) {
      for (const name of ['__proto__', 'constructor', 'prototype']) expect(declaredFields(dto).has(name)).toBe(false);
    }
    expect([...declaredFields(AttachConsumerDto)].sort()).toEqual([
      'consumerId',
      'consumerType',
      'gatewayId',
      'poolId',
    ]);
  });
});

/** Values a hostile or buggy client may send for any field. */
const anyJsonValue = fc.oneof(
  fc.string(),
  fc.constantFrom('', '__proto__', 'x'.repeat(65), 'bad id!', '\u0000', 'passed'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);
const anyKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'),
  fc.constantFrom('gatewayId', 'poolId', 'consumerId', 'name', 'zone', 'check', 'org', 'revision', 'reason'),
  fc.string(),
);
const hostileBody = fc
  .array(fc.tuple(anyKey, anyJsonValue), { maxLength: 6 })
  .map((entries) => json(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`));

/** The DTOs with a hot path, without it, so every body goes through full validation. */
class FullyCheckedPoolRef extends PoolRefDto {
  static override fastParse = (): undefined => undefined;
}
class FullyCheckedPoolQuery extends PoolQueryDto {
  static override fastParse = (): undefined => undefined;
}
class FullyCheckedConsumerQuery extends ConsumerQueryDto {
  static override fastParse = (): undefined => undefined;
}

/** HeartbeatDto without its hot path. */
class FullyCheckedHeartbeat extends HeartbeatDto {
  static override fastParse = (): undefined => undefined;
}

/** Heartbeat bodies near the edges of every rule, now and then with a hostile key beside them. */
const heartbeatBody = fc
  .tuple(
    fc.record(
      {
        check: fc.oneof(
          { arbitrary: fc.constantFrom('passed', 'failed'), weight: 6 },
          fc.constantFrom('PASSED', '', null),
          anyJsonValue,
        ),
        detail: fc.oneof(
          { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
          fc.constantFrom('x'.repeat(1024), 'x'.repeat(1025), '🏔'.repeat(600), 'nul \u0000', '\ud800'),
          anyJsonValue,
        ),
        sentAt: fc.oneof(
          { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 3 },
          fc.constantFrom('2025-11-25', '2025-11-25T16:21:07Z', '2025-13-40T99:00:00Z', 'yesterday', ''),
          anyJsonValue,
        ),
      },
      { requiredKeys: ['check'] },
    ),
    fc.option(fc.tuple(anyKey, anyJsonValue), { freq: 4 }),
  )
  .map(([fields, extra]) => {
    const entries: [string, unknown][] = [...Object.entries(fields), ...(extra ? [extra] : [])];
    return json(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  });

describe('parsing, for any body', () => {
  it('either refuses it with VALIDATION_FAILED or returns a DTO of declared, own, strictly typed fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DTOS), hostileBody, (dto, body) => {
        let parsed: object;
        try {
          parsed = parseRequest(dto, body);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestValidationError);
          return;
        }
        expect(Object.getPrototypeOf(parsed)).toBe(dto.prototype);
        for (const key of Object.keys(parsed)) expect(declaredFields(dto).has(key)).toBe(true);
      }),
      { seed: 8, numRuns: 2000 },
    );
  });

  it.each([
    ['pool reference', PoolRefDto, FullyCheckedPoolRef],
    ['pool query', PoolQueryDto, FullyCheckedPoolQuery],
    ['consumer query', ConsumerQueryDto, FullyCheckedConsumerQuery],
  ] as const)('gives the hot path and full validation of a %s the same answer', (_kind, dto, fullyChecked) => {
    fc.assert(
      fc.property(hostileBody, (body) => {
        const fast: object | undefined = dto.fastParse(body);
        let full: object | undefined;
        try {
          full = parseRequest<object>(fullyChecked, body);
        } catch {
          full = undefined;
        }
        if (fast !== undefined) expect({ ...full }).toEqual({ ...fast });
        if (full === undefined) expect(fast).toBeUndefined();
      }),
      { seed: 8, numRuns: 2000 },
    );
  });

  it('gives the heartbeat hot path and full validation the same answer, and takes the common bodies fast', () => {
    let taken = 0;
    fc.assert(
      fc.property(heartbeatBody, (body) => {
        const fast = HeartbeatDto.fastParse(body);
        let full: HeartbeatDto | undefined;
        try {
          full = parseRequest(FullyCheckedHeartbeat, body);
        } catch {
          full = undefined;
        }
        if (fast !== undefined) {
          taken += 1;
          expect({ ...full }).toEqual({ ...fast });
        }
        if (full === undefined) expect(fast).toBeUndefined();
      }),
      { seed: 8, numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(100);
    for (const body of [{ check: 'passed' }, { check: 'failed', detail: 'tls', sentAt: '2025-11-25T16:21:07Z' }])
      expect(HeartbeatDto.fastParse(body)).toEqual(Object.assign(new HeartbeatDto(), body));
  });
});
