// Over 200 lines: the validation rules of every request DTO, one describe per subject.
import { RequestValidationError } from './request-validation-error.js';
import {
  AttachConsumerDto,
  ConsumerRefDto,
  consumerTarget,
  CreatePoolDto,
  EmptyDto,
  HeartbeatDto,
  PoolMemberDto,
  PoolQueryDto,
  PoolRefDto,
  ReadQueryDto,
  RegisterGatewayDto,
  SetEntitlementDto,
  UpdatePoolDto,
} from './dtos.js';
import { MalformedBody, parseRequest } from './validation.js';

/** The refusal parseRequest throws, for assertions on its code, message and fields. */
function refusal(run: () => unknown): RequestValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return error;
    throw error;
  }
  throw new Error('expected a VALIDATION_FAILED refusal, but the request was accepted');
}

const fieldsOf = (error: RequestValidationError) => error.details.fields;

describe('request validation', () => {
  describe('pool.create', () => {
    it.each(['edge-eu', 'a', '0', 'a1-b2', 'x'.repeat(32)])('accepts the slug %s', (name) => {
      expect(parseRequest(CreatePoolDto, { name })).toEqual(Object.assign(new CreatePoolDto(), { name }));
    });

    it.each([
      ['an uppercase letter', 'Edge'],
      ['a leading hyphen', '-edge'],
      ['a trailing hyphen', 'edge-'],
      ['an underscore', 'edge_eu'],
      ['a space', 'edge eu'],
      ['33 characters', 'x'.repeat(33)],
      ['the empty string', ''],
    ])('refuses a name with %s, naming the field', (_label, name) => {
      const error = refusal(() => parseRequest(CreatePoolDto, { name }));

      expect(error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(error)).toEqual({
        name: 'name must be 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
      });
    });

    it('says a missing name is required, once', () => {
      const error = refusal(() => parseRequest(CreatePoolDto, {}));

      expect(error.message).toBe('invalid request: name is required');
      expect(fieldsOf(error)).toEqual({ name: 'name is required' });
    });

    it('refuses a name that is not a string', () => {
      expect(fieldsOf(refusal(() => parseRequest(CreatePoolDto, { name: 42 })))).toEqual({
        name: 'name must be a string',
      });
    });

    it('refuses a null description instead of storing it', () => {
      expect(fieldsOf(refusal(() => parseRequest(CreatePoolDto, { name: 'edge', description: null })))).toEqual({
        description: 'description must be a string',
      });
    });

    it('refuses a description longer than 256 characters', () => {
      const error = refusal(() => parseRequest(CreatePoolDto, { name: 'edge', description: 'd'.repeat(257) }));

      expect(Object.keys(fieldsOf(error))).toEqual(['description']);
    });

    it('refuses a field it does not know', () => {
      const error = refusal(() => parseRequest(CreatePoolDto, { name: 'edge', colour: 'red' }));

      expect(fieldsOf(error)).toEqual({ colour: 'property colour should not exist' });
    });
  });

  describe('bodies that are not objects', () => {
    it('refuses a body that is not JSON, saying why', () => {
      const error = refusal(() => parseRequest(CreatePoolDto, new MalformedBody('Unexpected token } in JSON')));

      expect(error.message).toBe('request body is not valid JSON: Unexpected token } in JSON');
      expect(fieldsOf(error)).toEqual({ body: 'must be a JSON object' });
    });

    it.each([
      ['null', null],
      ['an array', []],
      ['a string', 'edge'],
      ['a number', 7],
    ])('refuses %s', (_label, body) => {
      expect(refusal(() => parseRequest(CreatePoolDto, body)).message).toBe('request body must be a JSON object');
    });

    it('treats an empty message as an empty object', () => {
      expect(parseRequest(EmptyDto, undefined)).toBeInstanceOf(EmptyDto);
    });
  });

  describe('identifiers', () => {
    it('names every missing field of a member command', () => {
      const error = refusal(() => parseRequest(PoolMemberDto, {}));

      expect(error.message).toBe('invalid request: poolId is required; gatewayId is required');
    });

    it.each(['gw.1', 'gw 1', 'gw*', 'x'.repeat(65), ''])(
      'refuses the gateway id %j, which is not a subject token',
      (gatewayId) => {
        expect(fieldsOf(refusal(() => parseRequest(RegisterGatewayDto, { gatewayId })))).toEqual({
          gatewayId: 'gatewayId must be 1 to 64 letters, digits, underscores or hyphens',
        });
      },
    );

    it('accepts a gateway with a name and a zone', () => {
      const dto = parseRequest(RegisterGatewayDto, {
        gatewayId: 'gw_EU-1',
        name: 'Frankfurt 1',
        zone: 'eu-central-1a',
      });

      expect(dto).toMatchObject({ gatewayId: 'gw_EU-1', name: 'Frankfurt 1', zone: 'eu-central-1a' });
    });

    it('lets pool.update leave out what it does not change, but not the pool', () => {
      expect(parseRequest(UpdatePoolDto, { poolId: 'p1' })).toMatchObject({ poolId: 'p1' });
      expect(fieldsOf(refusal(() => parseRequest(UpdatePoolDto, { name: 'edge' })))).toEqual({
        poolId: 'poolId is required',
      });
    });
  });

  describe('consumer.attach', () => {
    const attach = (body: Record<string, unknown>) =>
      consumerTarget(
        parseRequest(AttachConsumerDto, { consumerId: 'k8s-auth-1', consumerType: 'kubernetes-auth', ...body }),
      );

    it('targets a pool or a single gateway', () => {
      expect(attach({ poolId: 'p1' })).toEqual({ kind: 'pool', poolId: 'p1' });
      expect(attach({ gatewayId: 'gw-1' })).toEqual({ kind: 'gateway', gatewayId: 'gw-1' });
    });

    it.each([
      ['neither', {}],
      ['both', { poolId: 'p1', gatewayId: 'gw-1' }],
    ])('refuses %s a pool and a gateway', (_label, body) => {
      const error = refusal(() => attach(body));

      expect(error.message).toBe('invalid request: exactly one of poolId or gatewayId is required');
    });

    it('refuses a consumer type it does not know, listing the known ones', () => {
      const error = refusal(() => attach({ poolId: 'p1', consumerType: 'ssh' }));

      expect(fieldsOf(error)).toEqual({
        consumerType: 'consumerType must be one of kubernetes-auth, dynamic-secret, pam, app-connection',
      });
    });
  });

  describe('heartbeats and operator commands', () => {
    it('accepts a passed or failed check with a detail and a send time', () => {
      expect(
        parseRequest(HeartbeatDto, { check: 'failed', detail: 'upstream refused', sentAt: '2026-11-25T10:00:00Z' }),
      ).toMatchObject({
        check: 'failed',
      });
    });

    it('refuses a check other than passed or failed, and a send time that is not ISO-8601', () => {
      const error = refusal(() => parseRequest(HeartbeatDto, { check: 'ok', sentAt: 'yesterday' }));

      expect(fieldsOf(error)).toEqual({
        check: 'check must be "passed" or "failed"',
        sentAt: 'sentAt must be a valid ISO 8601 date string',
      });
    });

    it('needs a boolean grant for an org token', () => {
      const error = refusal(() => parseRequest(SetEntitlementDto, { org: 'acme', gatewayPools: 'yes' }));

      expect(fieldsOf(error)).toEqual({ gatewayPools: 'gatewayPools must be a boolean value' });
    });
  });
});

describe('the hot-path check of one-token bodies', () => {
  it('gives the same result as full validation for a valid body', () => {
    expect(PoolRefDto.fastParse({ poolId: 'p-1' })).toEqual(Object.assign(new PoolRefDto(), { poolId: 'p-1' }));
    expect(parseRequest(ConsumerRefDto, { consumerId: 'k8s_1' })).toEqual(
      Object.assign(new ConsumerRefDto(), { consumerId: 'k8s_1' }),
    );
  });

  it.each([
    ['a missing field', {}, { poolId: 'poolId is required' }],
    ['an extra field', { poolId: 'p1', zone: 'eu' }, { zone: 'property zone should not exist' }],
    ['a bad token', { poolId: 'p.1' }, { poolId: 'poolId must be 1 to 64 letters, digits, underscores or hyphens' }],
    ['a number', { poolId: 7 }, { poolId: 'poolId must be a string' }],
  ])('leaves %s to full validation, which explains the refusal', (_label, body, fields) => {
    expect(PoolRefDto.fastParse(body)).toBeUndefined();
    expect(fieldsOf(refusal(() => parseRequest(PoolRefDto, body)))).toEqual(fields);
  });

  it('does not take an object with a prototype of its own for a JSON body', () => {
    const crafted = Object.assign(Object.create({ inherited: true }) as object, { poolId: 'p1' });

    expect(PoolRefDto.fastParse(crafted)).toBeUndefined();
  });
});

describe('the minPosition of a query', () => {
  it('is optional, and read with the pool or consumer it goes with', () => {
    expect(parseRequest(PoolQueryDto, { poolId: 'p-1' })).toEqual(Object.assign(new PoolQueryDto(), { poolId: 'p-1' }));
    expect(parseRequest(PoolQueryDto, { poolId: 'p-1', minPosition: '1042:3' })).toEqual(
      Object.assign(new PoolQueryDto(), { poolId: 'p-1', minPosition: '1042:3' }),
    );
    expect(parseRequest(ReadQueryDto, { minPosition: '88/80' })).toEqual(
      Object.assign(new ReadQueryDto(), { minPosition: '88/80' }),
    );
  });

  it('leaves a body with minPosition to full validation, so the hot path stays a one-key check', () => {
    expect(PoolQueryDto.fastParse({ poolId: 'p-1', minPosition: '1042:3' })).toBeUndefined();
  });

  it.each([
    ['a number', 1042, 'minPosition must be a string'],
    ['null', null, 'minPosition must be a string'],
    ['an empty string', '', 'minPosition must not be empty'],
    ['a very long string', '9'.repeat(65), 'minPosition must be shorter than or equal to 64 characters'],
  ])('refuses %s as a minPosition', (_label, minPosition, reason) => {
    expect(fieldsOf(refusal(() => parseRequest(PoolQueryDto, { poolId: 'p-1', minPosition })))).toEqual({
      minPosition: reason,
    });
  });

  it('is refused by the commands, which take no position', () => {
    expect(fieldsOf(refusal(() => parseRequest(PoolRefDto, { poolId: 'p-1', minPosition: '1:1' })))).toEqual({
      minPosition: 'property minPosition should not exist',
    });
  });
});
